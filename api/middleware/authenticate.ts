import type { NextFunction, Request, Response } from 'express'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import { authenticateSession } from '../../core/auth/sessions.js'
import type { Services } from '../../core/context.js'
import { AppError } from '../../core/errors.js'
import { clientIp, stateOf } from '../request-context.js'
import { readCookie, SESSION_COOKIE, setSessionCookie } from './cookies.js'
import type { RateLimiter } from './rate-limit.js'

/** Finds the principal from a bearer token or the session cookie; a wrong token counts against the client's address. */
export function authenticate(services: Services, failedTokens: RateLimiter) {
  const secure = services.config.publicBaseUrl.startsWith('https:')
  return async (req: Request, res: Response, next: NextFunction) => {
    const state = stateOf(res)
    const header = req.get('authorization')
    if (header) {
      const ip = clientIp(req)
      if (failedTokens.exhausted(ip)) failedTokens.hit(ip, 'failed sign-in attempts')
      const m = header.match(/^Bearer\s+(\S+)\s*$/i)
      const principal = m ? await authenticateAgentToken(services.db, m[1]) : null
      if (!principal) {
        failedTokens.hit(ip, 'failed sign-in attempts')
        throw new AppError('UNAUTHENTICATED', 'The bearer token is not valid: it is unknown, revoked or malformed (expected "Authorization: Bearer crm_...")')
      }
      state.principal = principal
      state.via = 'bearer'
      return next()
    }
    const cookie = readCookie(req, SESSION_COOKIE)
    if (cookie) {
      const session = await authenticateSession(services.db, cookie)
      if (session) {
        state.principal = session
        state.session = session
        state.via = 'cookie'
        // The session's expiry slid forward on use; the browser's copy of the cookie slides with it.
        setSessionCookie(res, cookie, secure)
      }
    }
    next()
  }
}
