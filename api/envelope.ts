import type { Response } from 'express'
import { DATABASE_RETRY_AFTER_SECONDS, type AppError } from '../core/kernel/errors.js'

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
  setRetryAfter(res, err)
  res.status(err.status).json(envelope(res, null, errorOf(err)))
}

/** Retry-After for an error that will pass: a rate limit's own wait, or the database's while it is unavailable. */
export function setRetryAfter(res: Response, err: AppError): void {
  if (err.code === 'RATE_LIMITED' && typeof err.details?.retry_after_seconds === 'number') {
    res.setHeader('Retry-After', String(err.details.retry_after_seconds))
  }
  // Whatever made it unavailable, a client (or a proxy) is told when trying again makes sense.
  if (err.status === 503) {
    const after = err.details?.retry_after_seconds
    res.setHeader('Retry-After', String(typeof after === 'number' ? after : DATABASE_RETRY_AFTER_SECONDS))
  }
}

function envelope(res: Response, data: unknown, error: Envelope['error']): Envelope {
  return envelopeOf(String(res.locals.requestId ?? ''), data, error)
}

/** An envelope for a request id, for answers written without express (a request Node itself could not read). */
export function envelopeOf(requestId: string, data: unknown, error: Envelope['error']): Envelope {
  return {
    success: error === null,
    data: error === null ? data : null,
    error,
    meta: { timestamp: new Date().toISOString(), request_id: requestId },
  }
}

/** The error part of an envelope. */
export function errorOf(err: AppError): NonNullable<Envelope['error']> {
  return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
}
