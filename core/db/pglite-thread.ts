import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { PgliteDatabase } from './pglite.js'
import { errorFromFields, type CheckpointPolicy, type ThreadCall, type ThreadOptions, type ThreadReply, type ThreadRequest } from './pglite-thread-protocol.js'
import type { Queryable, QueryResult } from './types.js'

/** The embedded engine in a thread of its own; close() may end a statement that would not finish (see closeDeadlineMs). */
export interface PgliteThreadDatabase extends PgliteDatabase {
  /** Closes the database, waiting up to closeDeadlineMs for the statement running now; past it the thread is stopped. */
  close(closeDeadlineMs?: number): Promise<void>
}

/** How long close() waits for a running statement by default: a stop should take seconds, not the statement's minutes. */
export const DEFAULT_CLOSE_DEADLINE_MS = 3_000

/** What requests say once the thread is gone; matches isDatabaseOutage, so callers get 503 UNAVAILABLE. */
const CLOSED_MESSAGE = 'PGlite is closed'

/**
 * Opens the embedded database in a worker thread: the same Database as openPglite, but a long statement no longer blocks
 * this thread's event loop. Statements still run one at a time, in the order sent.
 */
export async function openPgliteThread(dataDir: string | undefined, loadDataDir?: Blob, checkpoints?: CheckpointPolicy): Promise<PgliteThreadDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const workerData: ThreadOptions = { dataDir, loadDataDir: loadDataDir ? await loadDataDir.arrayBuffer() : undefined, checkpoints }
  const worker = new Worker(workerEntry(), { workerData, execArgv: [], transferList: workerData.loadDataDir ? [workerData.loadDataDir] : [] })
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>()
  let nextId = 1
  let gone: Error | null = null

  const ready = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }))
  const failAll = (err: Error) => {
    gone ??= err
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }
  worker.on('message', (msg: ThreadReply) => {
    const p = pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    if (msg.ok) p.resolve(msg.value)
    else p.reject(errorFromFields(msg.error))
  })
  worker.on('error', (err) => failAll(new Error(`${CLOSED_MESSAGE}: the database thread failed: ${err.message}`)))
  worker.on('exit', () => failAll(new Error(CLOSED_MESSAGE)))

  const call = <T>(request: ThreadCall): Promise<T> => {
    if (gone) return Promise.reject(new Error(gone.message))
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ ...request, id } as ThreadRequest)
    })
  }
  const queryable = (tx?: number): Queryable => ({
    query: <T>(text: string, params?: unknown[]) => call<QueryResult<T>>({ kind: 'query', text, params, tx }),
    exec: (text: string) => call<void>({ kind: 'exec', text, tx }),
  })

  try {
    await ready
  } catch (err) {
    await worker.terminate()
    throw err
  }
  const root = queryable()
  let closing: Promise<void> | null = null
  return {
    engine: 'pglite',
    query: root.query,
    exec: root.exec,
    async transaction(fn, setup) {
      const tx = await call<number>({ kind: 'begin', setup })
      let result
      try {
        result = await fn(queryable(tx))
      } catch (err) {
        await call({ kind: 'end', tx, commit: false }).catch(() => {})
        throw err
      }
      await call({ kind: 'end', tx, commit: true })
      return result
    },
    dumpDataDir: async () => new Blob([await call<ArrayBuffer>({ kind: 'dump' })]),
    close(closeDeadlineMs = DEFAULT_CLOSE_DEADLINE_MS) {
      closing ??= closeWithin(closeDeadlineMs)
      return closing
    },
  }

  /** Asks the thread to close after what it is running; stops it outright when that takes longer than the deadline. */
  async function closeWithin(deadlineMs: number): Promise<void> {
    if (gone) return
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)))
    const closed = call<void>({ kind: 'close' }).then(() => 'closed' as const, () => 'closed' as const)
    const outcome = await Promise.race([closed, late])
    clearTimeout(timer)
    // PostgreSQL writes ahead of its data files, so a folder left mid-statement is recovered on the next open like after a power cut.
    if (outcome === 'late') await worker.terminate()
    else await new Promise<void>((resolve) => (gone ? resolve() : worker.once('exit', () => resolve())))
    failAll(new Error(CLOSED_MESSAGE))
  }
}

/** The compiled worker entry: beside this file in dist/, or dist/'s copy when this file runs from source (the tests). */
function workerEntry(): URL {
  const beside = new URL('./pglite-thread-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(beside))) return beside
  return new URL('../../dist/core/db/pglite-thread-worker.js', import.meta.url)
}
