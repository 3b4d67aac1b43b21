import { Router } from 'express'
import { businessFields } from '../../core/vocabulary/business-fields.js'
import { describeCapabilities } from '../../core/kernel/operation-catalogue.js'
import type { Services } from '../../core/kernel/context.js'
import { sendData } from '../envelope.js'
import { requirePrincipal, stateOf } from '../../core/http/request-state.js'

/**
 * GET /api/capabilities: every action and data type, generated from the registry; an agent is not shown those for people only.
 * The business's own fields (custom_fields) come with it, so a caller can fill them in.
 */
export function capabilitiesRoutes(services: Services): Router {
  const router = Router()
  // Described on the first ask, not at start: turning every schema into JSON Schema takes a tenth of a second.
  let forAgents: ReturnType<typeof describeCapabilities> | undefined
  let forPeople: ReturnType<typeof describeCapabilities> | undefined
  router.get('/capabilities', async (_req, res, next) => {
    try {
      const principal = requirePrincipal(res)
      const fields = await businessFields(services, principal, stateOf(res).requestId)
      const described =
        principal.actor.type === 'agent'
          ? (forAgents ??= describeCapabilities(services.registry, { type: 'agent', id: '' }))
          : (forPeople ??= describeCapabilities(services.registry, { type: 'system', id: null }))
      sendData(res, { ...described, ...(fields ? { custom_fields: fields } : {}) })
    } catch (err) {
      next(err)
    }
  })
  return router
}
