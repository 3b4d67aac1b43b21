import { Router } from 'express'
import { describeCapabilities } from '../../core/capabilities.js'
import type { Services } from '../../core/context.js'
import { sendData } from '../envelope.js'
import { requirePrincipal } from '../request-context.js'

/** GET /api/capabilities: every action and data type, generated from the registry; an agent is not shown those for people only. */
export function capabilitiesRoutes(services: Services): Router {
  const router = Router()
  const forAgents = describeCapabilities(services.registry, { type: 'agent', id: '' })
  const forPeople = describeCapabilities(services.registry, { type: 'system', id: null })
  router.get('/capabilities', (_req, res) => {
    sendData(res, requirePrincipal(res).actor.type === 'agent' ? forAgents : forPeople)
  })
  return router
}
