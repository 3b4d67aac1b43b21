/** Spaces out calls to a provider that limits how many it takes per second, and holds them all while it asked us to wait. */
export interface SendPacer {
  /** Resolves with the moment this call may go, once it has come: at most `perSecond` start per second, none during a hold. */
  turn(): Promise<Date>
  /** Holds every call, including those already waiting, for this many seconds (the provider's Retry-After). */
  holdFor(seconds: number): Promise<void>
}

/**
 * Added to each second of pacing. The provider counts requests as they arrive, and a request delayed on its way (a busy
 * event loop, a slow connection) arrives closer to the next one than they were sent: without room for that, sends paced
 * exactly at the limit meet a one-second window's 429 about as often as not.
 */
export const PACING_MARGIN_MS = 50

/** Milliseconds between two sends at `perSecond` (0: no spacing): N sends in every 1 s plus the margin, never more. */
export function paceGapMs(perSecond: number): number {
  return Number.isFinite(perSecond) && perSecond > 0 ? (1000 + PACING_MARGIN_MS) / perSecond : 0
}

/** A pacer for the calls of this process only, `perSecond` calls per second (Infinity: no spacing, holds only). */
export function createSendPacer(perSecond: number): SendPacer {
  const gapMs = paceGapMs(perSecond)
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
        if (Date.now() >= holdUntil) return new Date(at)
      }
    },
    async holdFor(seconds) {
      holdUntil = Math.max(holdUntil, Date.now() + seconds * 1000)
    },
  }
}

/** The next turn is further away than the pacer waits: the caller should put its send off by `waitMs` instead. */
export class SendTurnTooFarError extends Error {
  readonly waitMs: number

  constructor(waitMs: number) {
    super(`the next free send turn is ${Math.ceil(waitMs / 1000)} s away (the configured rate, or a hold the provider asked for)`)
    this.name = 'SendTurnTooFarError'
    this.waitMs = waitMs
  }
}
