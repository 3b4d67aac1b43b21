/** Work an operation starts after its commit that goes on after the call has answered (an import's dry run or run). */
export interface BackgroundWork {
  /** Keeps the work in view until it ends; the work handles its own failure (a rejection is ignored here). */
  start(work: Promise<unknown>): void
  /** Resolves once every piece of work started so far, and any started meanwhile, has ended. */
  settled(): Promise<void>
}

/** A fresh set of background work, one per running product. */
export function backgroundWork(): BackgroundWork {
  const running = new Set<Promise<unknown>>()
  return {
    start(work) {
      const tracked = work.catch(() => {}).finally(() => running.delete(tracked))
      running.add(tracked)
    },
    async settled() {
      while (running.size) await Promise.all([...running])
    },
  }
}
