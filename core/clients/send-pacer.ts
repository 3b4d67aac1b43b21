/** Spaces out calls to a provider that limits how many it takes per second, and holds them all while it asked us to wait. */
export interface SendPacer {
  /** Waits for this call's turn: at most the configured number start in any window, none during a hold. */
  turn(): Promise<SendTurn>
  /** Holds every call, including those already waiting, for this many seconds (the provider's Retry-After). */
  holdFor(seconds: number): Promise<void>
}

/** One call's turn; it ends when the provider answered. */
export interface SendTurn {
  /** When the turn came. */
  startedAt: Date
  /** Call once the provider answered (or the call failed): the next call in this turn's place may start a window later. */
  done(): Promise<void>
}

/**
 * How `perSecond` is kept: `permits` calls at most in any `windowMs`, each permit free again a window after the provider
 * answered its call; turns are offered `gapMs` apart, a little slower than the permits allow, so a call rarely waits
 * for its permit once its turn came. Past 1,000 a second the window shrinks instead of the permits growing.
 */
export interface Pace {
  permits: number
  windowMs: number
  gapMs: number
}

/** Room in each window for a call's round trip, so turns line up with the permits as they come free. */
export const PACING_MARGIN_MS = 50

/** How `perSecond` (Infinity: no limit) is paced. */
export function paceOf(perSecond: number): Pace {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return { permits: Infinity, windowMs: 0, gapMs: 0 }
  const permits = Math.min(1000, Math.max(1, Math.ceil(perSecond)))
  const windowMs = (1000 * permits) / perSecond
  return { permits, windowMs, gapMs: (windowMs + PACING_MARGIN_MS) / permits }
}

/** The next turn is further away than the pacer waits: the caller should put its call off by `waitMs` instead. */
export class SendTurnTooFarError extends Error {
  readonly waitMs: number

  constructor(waitMs: number) {
    super(`the next free send turn is ${Math.ceil(waitMs / 1000)} s away (the configured rate, or a hold the provider asked for)`)
    this.name = 'SendTurnTooFarError'
    this.waitMs = waitMs
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A pacer of this process's calls only, `perSecond` a second (Infinity: no spacing, holds only); the same rules as the shared one. */
export function createSendPacer(perSecond: number): SendPacer {
  const pace = paceOf(perSecond)
  const permits = Number.isFinite(pace.permits) ? Array.from({ length: pace.permits }, () => ({ freeAt: 0, busy: false })) : []
  let nextAt = 0
  let holdUntil = 0
  return {
    async turn() {
      for (;;) {
        const at = Math.max(Date.now(), nextAt, holdUntil)
        nextAt = at + pace.gapMs
        if (at > Date.now()) await sleep(at - Date.now())
        if (!permits.length && Date.now() >= holdUntil) return { startedAt: new Date(), done: async () => {} }
        // A hold that began while this call waited for its slot applies to it too: it takes a new slot after the hold.
        while (Date.now() >= holdUntil) {
          const permit = permits.filter((p) => !p.busy).sort((a, b) => a.freeAt - b.freeAt)[0]
          if (permit && permit.freeAt <= Date.now()) {
            permit.busy = true
            return {
              startedAt: new Date(),
              done: async () => {
                permit.busy = false
                permit.freeAt = Date.now() + pace.windowMs
              },
            }
          }
          await sleep(permit ? permit.freeAt - Date.now() : 20)
        }
      }
    },
    async holdFor(seconds) {
      holdUntil = Math.max(holdUntil, Date.now() + seconds * 1000)
    },
  }
}
