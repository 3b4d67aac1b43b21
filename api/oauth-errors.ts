import type { NextFunction, Request, Response } from 'express'
import { OAuthError, type OAuthErrorCode } from '../core/auth/oauth/errors.js'
import { setRetryAfter } from './envelope.js'
import { typedError } from './error-handler.js'

/**
 * The endpoints OAuth clients call, and the code each gives a request it cannot read: registration's own (RFC 7591
 * section 3.2.2), else RFC 6749's invalid_request.
 */
const UNREADABLE_REQUEST = new Map<string, OAuthErrorCode>([
  ['/oauth/register', 'invalid_client_metadata'],
  ['/oauth/token', 'invalid_request'],
  ['/oauth/revoke', 'invalid_request'],
])

/**
 * Every error of an OAuth endpoint in OAuth's JSON ({error, error_description}), never the envelope, which a client
 * cannot read: its own refusals, and also a body that is not JSON or is too large, a wrong method, a rate limit, the
 * database unavailable or a fault of ours. Other paths go on to the envelope.
 */
export function oauthEndpointErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const unreadable = UNREADABLE_REQUEST.get(req.path.toLowerCase().replace(/(.)\/+$/, '$1'))
  if (!unreadable) return next(err)
  const e = asOAuthError(err, res, unreadable)
  if (e.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="oauth"')
  res.status(e.status).json({ error: e.error, error_description: e.message })
}

/** The OAuth error an error becomes: a rate limit or an outage is temporarily_unavailable, a request we cannot read `unreadable`. */
function asOAuthError(err: unknown, res: Response, unreadable: OAuthErrorCode): OAuthError {
  if (err instanceof OAuthError) return err
  const e = typedError(err, res)
  setRetryAfter(res, e)
  if (e.code === 'RATE_LIMITED' || e.code === 'UNAVAILABLE') return new OAuthError('temporarily_unavailable', e.message, e.status)
  if (e.status >= 500) return new OAuthError('server_error', e.message, e.status)
  // A wrong method keeps its 405 (and Allow); every problem with the body itself is a 400, as both RFCs ask.
  if (e.status === 405) return new OAuthError('invalid_request', e.message, 405)
  if (e.code === 'VALIDATION_ERROR') return new OAuthError(unreadable, e.message, 400)
  return new OAuthError('invalid_request', e.message, e.status)
}
