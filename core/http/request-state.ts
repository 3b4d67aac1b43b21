import type { Request, Response } from 'express'
import type { Principal } from '../kernel/context.js'
import { AppError } from '../kernel/errors.js'
import type { SessionPrincipal } from '../auth/sessions.js'

// The api's middleware sets this state; it lives below the api so that pages and the MCP endpoint can read it.

/** What middleware learned about a request, kept on res.locals. */
export interface RequestState {
  requestId: string
  principal?: Principal
  session?: SessionPrincipal
  /** How the principal proved itself: a cookie needs CSRF protection, a bearer token does not. */
  via?: 'bearer' | 'cookie'
}

/** The state of this request. */
export function stateOf(res: Response): RequestState {
  return res.locals as RequestState
}

/** The signed-in principal, or UNAUTHENTICATED. */
export function requirePrincipal(res: Response): Principal {
  const p = stateOf(res).principal
  if (!p)
    throw new AppError(
      'UNAUTHENTICATED',
      'Sign in first: send "Authorization: Bearer <agent token>", or use a session cookie from a sign-in link',
    )
  return p
}

/** The client's address as seen by this server. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown'
}
