import type { NextFunction, Request, Response } from 'express'
import { authenticateAgentToken, rememberedAgentToken, tokenPrefix } from '../../core/auth/agent-tokens.js'
import { authenticateOAuthAccessToken, isOAuthAccessToken } from '../../core/auth/oauth/tokens.js'
import { authenticateSession } from '../../core/auth/sessions.js'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { clientIp, stateOf } from '../../core/http/request-state.js'
import { readCookie, SESSION_COOKIE, setSessionCookie } from './cookies.js'
import { createRateLimiter, type RateLimiter } from '../../core/http/rate-limit.js'

/** The calls that act only inside a business's transaction, whose BEGIN checks a remembered token (core/auth/agent-tokens.ts). */
const IN_A_TRANSACTION = /^\/api\/(actions|data)(\/|$)/

/** Failed bearer attempts allowed per key in each window. */
const FAILURES = { max: 20, windowMs: 15 * 60 * 1000 }

/** Where failed bearer attempts are counted: per client address and per token prefix. */
export interface TokenFailureLimits {
  perAddress: RateLimiter
  perPrefix: RateLimiter
}

/** Twenty failures per address and per prefix in fifteen minutes, counted for every server process together. */
export function tokenFailureLimits(services: Services): TokenFailureLimits {
  return {
    perAddress: createRateLimiter(services.db, 'token-failure-client', FAILURES.max, FAILURES.windowMs),
    perPrefix: createRateLimiter(services.db, 'token-failure-prefix', FAILURES.max, FAILURES.windowMs),
  }
}

/**
 * Finds the principal from a bearer token (an agent token or an OAuth access token) or the session cookie. A wrong token counts against the client's address and
 * against its prefix, and past the limit is answered RATE_LIMITED; a valid token is always let in, so failures of
 * others behind the same address never lock out an agent that holds a good token.
 */
export function authenticate(services: Services, limits: TokenFailureLimits = tokenFailureLimits(services)) {
  const secure = services.config.publicBaseUrl.startsWith('https:')
  return async (req: Request, res: Response, next: NextFunction) => {
    const state = stateOf(res)
    const header = req.get('authorization')
    if (header) {
      const token = header.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
      const principal = !token
        ? null
        : isOAuthAccessToken(token)
          ? await authenticateOAuthAccessToken(services.db, token)
          : IN_A_TRANSACTION.test(req.path)
            ? await rememberedAgentToken(services.db, token)
            : await authenticateAgentToken(services.db, token)
      if (!principal) {
        await countFailure(limits, clientIp(req), token ? tokenPrefix(token) : null)
        throw new AppError(
          'UNAUTHENTICATED',
          'The bearer token is not valid: it is unknown, revoked or malformed (expected "Authorization: Bearer crm_...", or an OAuth access token)',
        )
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

/** Counts one failure on every key it belongs to, then refuses when any of them is over its limit. */
async function countFailure(limits: TokenFailureLimits, address: string, prefix: string | null): Promise<void> {
  let refused: unknown = null
  const counts: Array<[RateLimiter, string, string]> = [[limits.perAddress, address, 'failed sign-in attempts from this address']]
  if (prefix) counts.push([limits.perPrefix, prefix, 'failed attempts with this token prefix'])
  for (const [limiter, key, what] of counts) {
    try {
      await limiter.hit(key, what)
    } catch (err) {
      refused ??= err
    }
  }
  if (refused) throw refused
}
