import { createHash } from 'node:crypto'
import { withWorkerRole } from '../db/tenant.js'
import type { Database } from '../db/types.js'
import { AppError } from '../kernel/errors.js'

/** A fixed-window count of hits per key, kept in the database so every server process shares it (migration 0099). */
export interface RateLimiter {
  /** Counts one hit; RATE_LIMITED, with the seconds to wait, once the key is over its limit in this window. */
  hit(key: string, what: string): Promise<void>
}

/** Allows max hits per key in each window of windowMs, counted under `name` for all processes together. */
export function createRateLimiter(db: Database, name: string, max: number, windowMs: number): RateLimiter {
  return {
    async hit(key, what) {
      const keyHash = createHash('sha256').update(key).digest('base64url')
      const row = await withWorkerRole(db, async (tx) => {
        const r = await tx.query<{ hits: number; window_ends: Date }>('select hits, window_ends from hit_rate_limit($1, $2, $3)', [
          name,
          keyHash,
          windowMs,
        ])
        return r.rows[0]
      })
      if (row.hits <= max) return
      const retry = Math.max(1, Math.ceil((new Date(row.window_ends).getTime() - Date.now()) / 1000))
      throw new AppError('RATE_LIMITED', `Too many ${what}; try again in ${retry} s`, { retry_after_seconds: retry })
    },
  }
}
