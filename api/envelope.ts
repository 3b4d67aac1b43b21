import type { Response } from 'express'
import { DATABASE_RETRY_AFTER_SECONDS, type AppError } from '../core/errors.js'

/** The one response shape of every /api answer. */
export interface Envelope<T = unknown> {
  success: boolean
  data: T | null
  error: { code: string; message: string; details?: Record<string, unknown> } | null
  meta: { timestamp: string; request_id: string }
}

/** Sends a successful envelope. */
export function sendData(res: Response, data: unknown, status = 200): void {
  res.status(status).json(envelope(res, data, null))
}

/** Sends an error envelope with the error's own status. */
export function sendError(res: Response, err: AppError): void {
  if (err.code === 'RATE_LIMITED' && typeof err.details?.retry_after_seconds === 'number') {
    res.setHeader('Retry-After', String(err.details.retry_after_seconds))
  }
  // Whatever made it unavailable, a client (or a proxy) is told when trying again makes sense.
  if (err.status === 503) {
    const after = err.details?.retry_after_seconds
    res.setHeader('Retry-After', String(typeof after === 'number' ? after : DATABASE_RETRY_AFTER_SECONDS))
  }
  res.status(err.status).json(envelope(res, null, { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }))
}

function envelope(res: Response, data: unknown, error: Envelope['error']): Envelope {
  return {
    success: error === null,
    data: error === null ? data : null,
    error,
    meta: { timestamp: new Date().toISOString(), request_id: String(res.locals.requestId ?? '') },
  }
}
