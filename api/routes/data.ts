import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { validationError } from '../../core/errors.js'
import { performQuery } from '../../core/operations.js'
import { sendData } from '../envelope.js'
import { requirePrincipal, stateOf } from '../request-context.js'

/** GET /api/data: reads one data type by id or as a filtered, paginated list. */
export function dataRoutes(services: Services): Router {
  const router = Router()
  router.get('/data', async (req, res) => {
    const principal = requirePrincipal(res)
    const { type, id, include, limit, cursor, ...filters } = req.query as Record<string, unknown>
    for (const [name, value] of Object.entries({ type, id, include, limit, cursor })) {
      if (value !== undefined && typeof value !== 'string') throw validationError([{ field: name, message: 'must be given once' }])
    }
    if (!type) throw validationError([{ field: 'type', message: 'is required: the data type to read (see GET /api/capabilities)' }])
    const result = await performQuery(services, principal, {
      type: type as string,
      id: id as string | undefined,
      include: include ? String(include).split(',').map((s) => s.trim()).filter(Boolean) : [],
      limit: limit as string | undefined,
      cursor: cursor as string | undefined,
      filters,
    }, { requestId: stateOf(res).requestId })
    sendData(res, result)
  })
  return router
}
