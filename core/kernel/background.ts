/** Work an operation starts after its commit that goes on after the call has answered (an import's dry run, a background step). */
export interface BackgroundWork {
  /** Keeps the work in view until it ends; the work handles its own failure (a rejection is ignored here). */
  start(work: Promise<unknown>): void
  /**
   * Runs work in view as start does, unless work of the same key is still running: then it shares that one's outcome
   * instead of doing the same a second time (one reading of a close-out's notes at a time, however many ask).
   */
  join<T>(key: string, work: () => Promise<T>): Promise<T>
  /** Resolves once every piece of work started so far, and any started meanwhile, has ended. */
  settled(): Promise<void>
}

/** A fresh set of background work, one per running product. */
export function backgroundWork(): BackgroundWork {
  const running = new Set<Promise<unknown>>()
  const byKey = new Map<string, Promise<unknown>>()
  const start = (work: Promise<unknown>) => {
    const tracked = work.catch(() => {}).finally(() => running.delete(tracked))
    running.add(tracked)
  }
  return {
    start,
    join<T>(key: string, work: () => Promise<T>): Promise<T> {
      const current = byKey.get(key)
      if (current) return current as Promise<T>
      const started = work().finally(() => byKey.delete(key))
      byKey.set(key, started)
      start(started)
      return started
    },
    async settled() {
      while (running.size) await Promise.all([...running])
    },
  }
}
