import { timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../../core/kernel/errors.js'
import { stateOf } from '../../core/http/request-state.js'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Cookie-authenticated writes must echo the session's CSRF token (X-CSRF-Token header or _csrf form field). */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  const state = stateOf(res)
  if (!UNSAFE.has(req.method) || state.via !== 'cookie' || !state.session) return next()
  const sent = req.get('x-csrf-token') ?? (typeof req.body?._csrf === 'string' ? req.body._csrf : '')
  const expected = state.session.csrfToken
  if (!sent || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
    throw new AppError('FORBIDDEN', 'Missing or wrong CSRF token: send the csrf_token from GET /auth/session as the X-CSRF-Token header')
  }
  next()
}
