import type { NextFunction, Request, Response } from 'express'
import { translateDatabaseError } from '../core/db/translate-error.js'
import { AppError } from '../core/errors.js'
import { log } from '../core/log.js'
import { sendError } from './envelope.js'

/** Turns any error into an envelope: typed errors keep their code; the rest is INTERNAL, logged with its stack, never shown. */
export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const e = bodyParserError(err) ?? translateDatabaseError(err)
  if (e instanceof AppError) {
    sendError(res, e)
    return
  }
  log('error', 'unhandled error', { request_id: res.locals.requestId, error: e instanceof Error ? e.stack : String(e) })
  sendError(res, new AppError('INTERNAL', `Internal error; quote request id ${res.locals.requestId} when reporting it`))
}

/** Errors of express's body parsers, which are the caller's mistakes. */
function bodyParserError(err: unknown): AppError | undefined {
  const type = (err as { type?: string })?.type
  if (type === 'entity.parse.failed') return new AppError('VALIDATION_ERROR', 'The body is not valid JSON', { issues: [{ field: 'body', message: 'invalid JSON' }] })
  if (type === 'entity.too.large') {
    const limit = (err as { limit?: number }).limit
    return new AppError('VALIDATION_ERROR', `The body is larger than the limit of ${limit} bytes`, { limit_bytes: limit }, 413)
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new AppError('VALIDATION_ERROR', 'Unsupported body encoding; send UTF-8 JSON', undefined, 415)
  if (type === 'request.aborted') return new AppError('VALIDATION_ERROR', 'The request was aborted')
  return undefined
}
