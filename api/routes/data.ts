import { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { validationError } from '../../core/kernel/errors.js'
import { performQuery } from '../../core/kernel/operations.js'
import { csvOfQuery } from '../../core/kernel/export-csv.js'
import { sendData } from '../envelope.js'
import { requirePrincipal, stateOf } from '../../core/http/request-state.js'

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
    const result = await performQuery(
      services,
      principal,
      {
        type: type as string,
        id: id as string | undefined,
        include: listOf(include),
        limit: limit as string | undefined,
        cursor: cursor as string | undefined,
        filters,
      },
      { requestId: stateOf(res).requestId },
    )
    sendData(res, result)
  })
  router.get('/export', async (req, res) => {
    const principal = requirePrincipal(res)
    const { type, include, ...filters } = req.query as Record<string, unknown>
    for (const [name, value] of Object.entries({ type, include })) {
      if (value !== undefined && typeof value !== 'string') throw validationError([{ field: name, message: 'must be given once' }])
    }
    if (!type) throw validationError([{ field: 'type', message: 'is required: the data type to export (see GET /api/capabilities)' }])
    const pieces = csvOfQuery(services, principal, { type: type as string, include: listOf(include), filters }, stateOf(res).requestId)
    // The first piece is read before answering, so a refused or malformed export is still an envelope with its status.
    const first = await pieces.next()
    res.type('text/csv; charset=utf-8').attachment(`${String(type).replace(/[^a-z0-9_]/g, '')}.csv`)
    res.write(first.value ?? '')
    for await (const piece of pieces) res.write(piece)
    res.end()
  })
  return router
}

function listOf(value: unknown): string[] {
  return value
    ? String(value)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : []
}
