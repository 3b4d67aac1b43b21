/** Spaces out calls to a provider that limits how many it takes per second, and holds them all while it asked us to wait. */
export interface SendPacer {
  /** Resolves when this call may go: at most `perSecond` start per second, none during a hold. */
  turn(): Promise<void>
  /** Holds every call, including those already waiting, for this many seconds (the provider's Retry-After). */
  holdFor(seconds: number): void
}

/** A pacer for `perSecond` calls per second (Infinity: no spacing, holds only). */
export function createSendPacer(perSecond: number): SendPacer {
  const gapMs = Number.isFinite(perSecond) && perSecond > 0 ? 1000 / perSecond : 0
  let nextAt = 0
  let holdUntil = 0
  return {
    async turn() {
      for (;;) {
        const at = Math.max(Date.now(), nextAt, holdUntil)
        nextAt = at + gapMs
        const wait = at - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        // A hold that began while this call waited for its slot applies to it too.
        if (Date.now() >= holdUntil) return
      }
    },
    holdFor(seconds) {
      holdUntil = Math.max(holdUntil, Date.now() + seconds * 1000)
    },
  }
}
