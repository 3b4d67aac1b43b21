import type { NextFunction, Request, Response } from 'express'
import { translateDatabaseError } from '../core/db/translate-error.js'
import { AppError } from '../core/kernel/errors.js'
import { log } from '../core/kernel/log.js'
import { clientError } from './client-errors.js'
import { sendError } from './envelope.js'

/** Turns any error into an envelope: typed errors keep their code; the rest is INTERNAL, logged with its stack, never shown. */
export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  sendError(res, typedError(err, res))
}

/** Any error as a typed one: the caller's mistakes and database errors by their kind; the rest INTERNAL, logged with its stack. */
export function typedError(err: unknown, res: Response): AppError {
  const e = clientError(err) ?? translateDatabaseError(err)
  if (e instanceof AppError) return e
  log('error', 'unhandled error', { request_id: res.locals.requestId, error: e instanceof Error ? e.stack : String(e) })
  return new AppError('INTERNAL', `Internal error; quote request id ${res.locals.requestId} when reporting it`)
}
