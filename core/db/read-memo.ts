import type { Queryable } from './types.js'

// Keyed by the transaction object, so an answer never outlives its transaction.
const memos = new WeakMap<Queryable, Map<string, Promise<unknown>>>()

/** Marks a read-only transaction whose answers may be reused for the rest of it (see readTogether). */
export function rememberReads(tx: Queryable): void {
  memos.set(tx, new Map())
}

/** The answer of read, sent once per key in a transaction marked by rememberReads; in any other, sent every time. */
export function remembered<T>(tx: Queryable, key: string, read: () => Promise<T>): Promise<T> {
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
