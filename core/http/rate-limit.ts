import { AppError } from '../errors.js'

/** A fixed-window counter per key, in this process's memory. */
export interface RateLimiter {
  /** Counts one hit; RATE_LIMITED once the key is over its limit in this window. */
  hit(key: string, what: string): void
}

/** Allows max hits per key in each window of windowMs. */
export function createRateLimiter(max: number, windowMs: number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>()
  const current = (key: string) => {
    const now = Date.now()
    let w = windows.get(key)
    if (!w || now - w.start >= windowMs) {
      if (windows.size > 10_000) for (const [k, v] of windows) if (now - v.start >= windowMs) windows.delete(k)
      w = { start: now, count: 0 }
      windows.set(key, w)
    }
    return w
  }
  const refuse = (w: { start: number }, what: string) => {
    const retry = Math.max(1, Math.ceil((w.start + windowMs - Date.now()) / 1000))
    return new AppError('RATE_LIMITED', `Too many ${what}; try again in ${retry} s`, { retry_after_seconds: retry })
  }
  return {
    hit(key, what) {
      const w = current(key)
      w.count += 1
      if (w.count > max) throw refuse(w, what)
    },
  }
}
