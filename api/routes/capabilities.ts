import { Router } from 'express'
import { describeCapabilities } from '../../core/capabilities.js'
import type { Services } from '../../core/context.js'
import { sendData } from '../envelope.js'
import { requirePrincipal } from '../request-context.js'

/** GET /api/capabilities: every action and data type, generated from the registry. */
export function capabilitiesRoutes(services: Services): Router {
  const router = Router()
  const described = describeCapabilities(services.registry)
  router.get('/capabilities', (_req, res) => {
    requirePrincipal(res)
    sendData(res, described)
  })
  return router
}
