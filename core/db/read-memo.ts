import type { QueryResult, Queryable } from './types.js'

// Keyed by the transaction object, so an answer never outlives its transaction.
const memos = new WeakMap<Queryable, Map<string, Promise<unknown>>>()
const sentAhead = new WeakMap<Queryable, Map<string, QueryResult>>()

/** A read sent with a transaction's BEGIN (SQL without parameters), whose answer `remembered(tx, key, ...)` then gives. */
export interface ReadAhead {
  key: string
  sql: string
}

/** Marks a read-only transaction whose answers may be reused for the rest of it (see readTogether). */
export function rememberReads(tx: Queryable): void {
  memos.set(tx, new Map())
}

/** Keeps the answer of a read sent ahead with BEGIN, for the transaction's first `remembered` call of that key. */
export function keepReadAhead(tx: Queryable, key: string, rows: QueryResult['rows']): void {
  let kept = sentAhead.get(tx)
  if (!kept) sentAhead.set(tx, (kept = new Map()))
  kept.set(key, { rows, rowCount: rows.length })
}

/** The rows of a read sent ahead with this transaction's BEGIN under `key`, or undefined when it was not. */
export function readAheadRows(tx: Queryable, key: string): QueryResult['rows'] | undefined {
  return sentAhead.get(tx)?.get(key)?.rows
}

/** Drops what a transaction remembers of a read, after it changed what the read answers (a settings update). */
export function forgetRead(tx: Queryable, key: string): void {
  sentAhead.get(tx)?.delete(key)
  memos.get(tx)?.delete(key)
}

/**
 * The answer of read: the one sent ahead with BEGIN when there is one, else sent once per key in a transaction marked by
 * rememberReads; in any other, sent every time.
 */
export function remembered<T>(tx: Queryable, key: string, read: () => Promise<T>): Promise<T> {
  const ahead = sentAhead.get(tx)?.get(key)
  if (ahead) return Promise.resolve(ahead as T)
  const memo = memos.get(tx)
  if (!memo) return read()
  let answer = memo.get(key) as Promise<T> | undefined
  if (!answer) {
    answer = read()
    memo.set(key, answer)
    answer.catch(() => memo.delete(key))
  }
  return answer
}
