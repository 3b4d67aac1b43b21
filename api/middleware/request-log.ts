import { randomUUID } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import { log } from '../../core/kernel/log.js'
import { stateOf } from '../../core/http/request-state.js'

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Honours or generates X-Request-Id, echoes it, and writes one structured log line per request. */
export function requestLog(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('x-request-id')
  const requestId = given && SAFE_ID.test(given) ? given : randomUUID()
  res.locals.requestId = requestId
  res.setHeader('X-Request-Id', requestId)
  // Read before routing: inside a mounted router req.path loses its mount point (/api).
  const path = req.path
  const started = process.hrtime.bigint()
  res.on('finish', () => {
    const s = stateOf(res)
    log(res.statusCode >= 500 ? 'error' : 'info', 'request', {
      request_id: requestId,
      method: req.method,
      path,
      status: res.statusCode,
      ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      tenant_id: s.principal?.tenantId,
      actor: s.principal ? `${s.principal.actor.type}:${s.principal.actor.id}` : undefined,
    })
  })
  next()
}
