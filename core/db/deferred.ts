import type { Queryable } from './types.js'

/** A transaction's queryable that holds deferred statements, and what is left of them when the transaction ends. */
export interface DeferringQueryable {
  tx: Queryable
  /** The statements still held, joined for one simple query, and forgotten; null when none is. */
  take(): string | null
}

/**
 * Wraps a transaction's queryable so that `defer` holds statements without parameters until the next statement, which
 * they then go before (an exec carries them in the same simple query; a parameterized statement cannot, so they go just
 * ahead of it, as they would have at once), or until the engine commits with them. Order and visibility are as if each
 * had run when deferred: nothing reads the transaction between a deferral and the statement that sends it.
 */
export function deferringQueryable(base: Queryable): DeferringQueryable {
  const held: string[] = []
  const take = () => (held.length ? held.splice(0).join(';\n') : null)
  return {
    take,
    tx: {
      async query(text, params) {
        const before = take()
        if (before) await base.exec(before)
        return base.query(text, params)
      },
      exec(text) {
        const before = take()
        return base.exec(before ? `${before};\n${text}` : text)
      },
      defer(text) {
        held.push(text)
      },
    },
  }
}
