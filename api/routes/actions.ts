import { Router } from 'express'
import { z } from 'zod'
import type { Services } from '../../core/context.js'
import { performAction } from '../../core/operations.js'
import { parseInput } from '../../core/validation.js'
import { sendData } from '../envelope.js'
import { requirePrincipal, stateOf } from '../request-context.js'

const actionBody = z.object({
  domain: z.string().min(1),
  action: z.string().min(1),
  data: z.record(z.string(), z.unknown()).optional(),
  reasoning: z.string().max(4000).nullable().optional(),
})

/** POST /api/actions: runs one registered action. */
export function actionsRoutes(services: Services): Router {
  const router = Router()
  router.post('/actions', async (req, res) => {
    const principal = requirePrincipal(res)
    const body = parseInput(actionBody, req.body ?? {}, '')
    const key = req.get('idempotency-key')?.trim() || undefined
    const outcome = await performAction(services, principal, body, { requestId: stateOf(res).requestId, idempotencyKey: key })
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true')
    sendData(res, outcome.result)
  })
  return router
}
