import type { Request } from 'express'
import { clientIp } from './request-state.js'
import type { Database } from '../db/types.js'
import { createRateLimiter, type RateLimiter } from './rate-limit.js'

/** Unknown secrets allowed per client address in each window, over every kind of public link together. */
const LIMIT = { max: 20, windowMs: 15 * 60 * 1000 }

/**
 * Where guesses at the secret of a public link are counted: the addresses of every declared link kind (core/links/declared-links.ts) share one
 * count per client address, so guessing cannot move from one kind of link to the next.
 */
export interface LinkGuesses {
  /**
   * Counts one unknown secret (a link that never existed, or was closed) from the request's client: RATE_LIMITED with
   * the seconds to wait once the client is past the limit. A real link is never counted, so it is always served.
   */
  unknown(req: Request): Promise<void>
}

/** Twenty unknown links per client address in fifteen minutes, counted for every server process together. */
export function linkGuesses(
  db: Database,
  limiter: RateLimiter = createRateLimiter(db, 'unknown-link', LIMIT.max, LIMIT.windowMs),
): LinkGuesses {
  return { unknown: (req) => limiter.hit(clientIp(req), 'unknown links from this address') }
}
