/** Keeps one remote account's requests (a company's, a Google account's) under its provider's limits: so many a minute (sliding) and so many at once. */
export interface RealmLimiter {
  /** Resolves when one more request may start; call release() when its answer has been read. */
  acquire(): Promise<void>
  release(): void
  /** Holds every request of the company until then (after a 429). */
  pauseUntil(at: number): void
}

/** A limiter of `perWindow` requests per `windowMs` and `maxConcurrent` in flight. */
export function createRealmLimiter(perWindow: number, maxConcurrent: number, windowMs: number): RealmLimiter {
  // A request is stamped when its answer arrives, which is after the provider counted it, so our window never runs ahead
  // of the provider's own; requests in flight take a place in the window too.
  const stamps: number[] = []
  let inFlight = 0
  let pausedUntil = 0
  const waiting: Array<() => void> = []
  let timer: NodeJS.Timeout | undefined

  const canStart = (now: number) => {
    while (stamps.length && stamps[0] <= now - windowMs) stamps.shift()
    return now >= pausedUntil && inFlight < maxConcurrent && stamps.length + inFlight < perWindow
  }
  const pump = () => {
    if (timer) {
      clearTimeout(timer)
      timer = undefined
    }
    while (waiting.length) {
      const now = Date.now()
      if (!canStart(now)) {
        // Waiting only on a release needs no timer; waiting on the clock does.
        const at = Math.max(pausedUntil, stamps.length + inFlight >= perWindow && stamps.length ? stamps[0] + windowMs : 0)
        if (at > now) timer = setTimeout(pump, at - now + 1)
        return
      }
      inFlight++
      waiting.shift()?.()
    }
  }
  return {
    acquire() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve)
        pump()
      })
    },
    release() {
      inFlight--
      stamps.push(Date.now())
      pump()
    },
    pauseUntil(at) {
      pausedUntil = Math.max(pausedUntil, at)
      pump()
    },
  }
}

/** One limiter per remote account, made on its first request and kept for the life of the process. */
export function limiterPerKey(perWindow: number, maxConcurrent: number, windowMs: number): (key: string) => RealmLimiter {
  const limiters = new Map<string, RealmLimiter>()
  return (key) => {
    let limiter = limiters.get(key)
    if (!limiter) {
      limiter = createRealmLimiter(perWindow, maxConcurrent, windowMs)
      limiters.set(key, limiter)
    }
    return limiter
  }
}
