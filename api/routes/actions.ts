import { Router } from 'express'
import { z } from 'zod'
import type { Services } from '../../core/kernel/context.js'
import { validationError } from '../../core/kernel/errors.js'
import { MAX_REASONING_LENGTH } from '../../core/kernel/input-bounds.js'
import { performAction } from '../../core/kernel/operations.js'
import { parseInput } from '../../core/kernel/validation.js'
import { sendData } from '../envelope.js'
import { requirePrincipal, stateOf } from '../../core/http/request-state.js'

const actionBody = z.object({
  domain: z.string().min(1),
  action: z.string().min(1),
  data: z.record(z.string(), z.unknown()).optional(),
  reasoning: z.string().max(MAX_REASONING_LENGTH).nullable().optional(),
})

/** The Idempotency-Key header, if given: a client-chosen id such as a UUID, short enough to store and index. */
function idempotencyKeyOf(header: string | undefined): string | undefined {
  const key = header?.trim()
  if (!key) return undefined
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw validationError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters, such as a UUID' }])
  }
  return key
}

/** POST /api/actions: runs one registered action. */
export function actionsRoutes(services: Services): Router {
  const router = Router()
  router.post('/actions', async (req, res) => {
    const principal = requirePrincipal(res)
    const body = parseInput(actionBody, req.body ?? {}, '')
    const key = idempotencyKeyOf(req.get('idempotency-key'))
    const outcome = await performAction(services, principal, body, { requestId: stateOf(res).requestId, idempotencyKey: key })
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true')
    sendData(res, outcome.result, outcome.queued ? 202 : 200)
  })
  return router
}
