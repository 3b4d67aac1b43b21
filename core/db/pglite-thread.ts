import { existsSync, mkdirSync } from 'node:fs'
import { BytesBlob } from './bytes-blob.js'
import { deferringQueryable } from './deferred.js'
import { baselineEngineCode } from './engine-code.js'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { PgliteDatabase, PgliteUse } from './pglite.js'
import {
  errorFromFields,
  HEARTBEAT_EVERY_MS,
  type CheckpointPolicy,
  type ThreadCall,
  type ThreadOptions,
  type ThreadReply,
  type ThreadRequest,
} from './pglite-thread-protocol.js'
import type { Queryable, QueryResult, Row } from './types.js'

/** The embedded engine in a thread of its own; close() may end a statement that would not finish (see closeDeadlineMs). */
export interface PgliteThreadDatabase extends PgliteDatabase {
  /** Closes the database, waiting up to closeDeadlineMs for the statement running now; past it the thread is stopped. */
  close(closeDeadlineMs?: number): Promise<void>
  /**
   * From now on, one statement running longer than ms (0: no limit) stops the thread and opens the data folder again:
   * PGlite can neither cancel a statement nor honour statement_timeout, and every other request waits behind it.
   */
  limitStatements(ms: number): void
  /** The data folder it keeps its database in; undefined in memory. */
  dataDir: string | undefined
  /** Copies the data folder to another folder on disk, between two statements (see the thread's copyDataDir). */
  copyDataDirTo(folder: string): Promise<void>
}

/** How long close() waits for a running statement by default: a stop should take seconds, not the statement's minutes. */
export const DEFAULT_CLOSE_DEADLINE_MS = 3_000

/** What requests say once the thread is gone; matches isDatabaseOutage, so callers get 503 UNAVAILABLE. */
const CLOSED_MESSAGE = 'PGlite is closed'

/** How often the statement limit is checked against the thread's heartbeat. */
const WATCH_EVERY_MS = 250

/** One running thread with its database, and the requests it has not answered yet. */
interface Engine {
  worker: Worker
  pending: Map<number, { resolve(value: unknown): void; reject(err: Error): void }>
  /** Counted up by the thread between statements; it stands still while one statement runs. */
  heartbeat: Int32Array
  ready: Promise<void>
  /** Whether its database is open: the heartbeat means nothing before (a restart may replay the log for a while). */
  opened: boolean
  /** Why this engine answers nothing more, once it does not. */
  gone: Error | null
}

/**
 * Opens the embedded database in a worker thread: the same Database as openPglite, but a long statement no longer blocks
 * this thread's event loop. Statements still run one at a time, in the order sent.
 */
export async function openPgliteThread(
  dataDir: string | undefined,
  loadDataDir?: Blob,
  opts: { checkpoints?: CheckpointPolicy; use?: PgliteUse } = {},
): Promise<PgliteThreadDatabase> {
  const { checkpoints, use } = opts
  // A pass over a copy never repays the optimizing compiler: it compiled the engine's hot code again in every new
  // thread, about 2 s of CPU a backup's verification (4.8 → 2.8 s of a small business's).
  if (use === 'one pass') baselineEngineCode()
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  let nextId = 1
  // A new folder starts from the build's cluster: openPglite, in the thread, decides that.
  let engine = startEngine({ dataDir, loadDataDir: loadDataDir ? await loadDataDir.arrayBuffer() : undefined, checkpoints, use })
  try {
    await engine.ready
  } catch (err) {
    await engine.worker.terminate()
    throw err
  }
  let closing: Promise<void> | null = null
  let watch: NodeJS.Timeout | undefined

  const call = async <T>(request: ThreadCall, on: Engine = engine): Promise<T> => {
    await on.ready
    if (on.gone) throw copyOf(on.gone)
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      on.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      on.worker.postMessage({ ...request, id } as ThreadRequest)
    })
  }
  // A transaction's statements go to the engine it began on: after a restart they fail rather than reach a new one.
  const queryable = (tx?: number, on?: Engine): Queryable => ({
    query: <T>(text: string, params?: unknown[]) => call<QueryResult<T>>({ kind: 'query', text, params, tx }, on),
    exec: (text: string) => call<void>({ kind: 'exec', text, tx }, on),
  })

  /** Stops the thread stuck in one statement, fails what it was asked, and opens the data folder again in a new thread. */
  function restart(limitMs: number): void {
    const stuck = engine
    const err = Object.assign(
      new Error(
        `canceling statement: the embedded database spent over ${Math.round(limitMs / 1000)} s on one ` +
          'statement, so it was stopped and the database opened again (CRM_DB_STATEMENT_TIMEOUT_MS); try again',
      ),
      { code: '57014' },
    )
    fail(stuck, err)
    // PostgreSQL writes ahead of its data files, so the folder left mid-statement is recovered on open like after a power cut.
    engine = startEngine(
      { dataDir, checkpoints, use },
      stuck.worker.terminate().then(() => {}),
    )
  }

  const root = queryable()
  return {
    engine: 'pglite',
    query: root.query,
    exec: root.exec,
    async transaction(fn, setup) {
      const on = engine
      const { tx, setupRows } = await call<{ tx: number; setupRows: Row[][] }>({ kind: 'begin', setup }, on)
      let result
      try {
        const deferring = deferringQueryable(queryable(tx, on))
        result = await fn(deferring.tx, setupRows)
        const held = deferring.take()
        if (held) await deferring.tx.exec(held)
      } catch (err) {
        await call({ kind: 'end', tx, commit: false }, on).catch(() => {})
        throw err
      }
      await call({ kind: 'end', tx, commit: true }, on)
      return result
    },
    dumpDataDir: async () => new BytesBlob(await call<ArrayBuffer>({ kind: 'dump' })),
    dataDir,
    copyDataDirTo: async (folder) => {
      await call({ kind: 'copy', to: folder })
    },
    poolStats() {
      // Every call not answered yet is the statement running or one queued behind it, in the order sent.
      const unanswered = engine.opened ? engine.pending.size : 0
      const open = engine.opened && !engine.gone ? 1 : 0
      return { total: open, idle: open && !unanswered ? 1 : 0, waiting: Math.max(unanswered - 1, 0), max: 1 }
    },
    limitStatements(ms) {
      clearInterval(watch)
      // Without a data folder there is nothing to open again: the limit applies only to a database kept on disk.
      if (!ms || !dataDir) return
      let seen = Atomics.load(engine.heartbeat, 0)
      let since = Date.now()
      let watched = engine
      watch = setInterval(() => {
        const beat = Atomics.load(engine.heartbeat, 0)
        if (watched !== engine || beat !== seen || !engine.opened) {
          watched = engine
          seen = beat
          since = Date.now()
        } else if (!engine.gone && Date.now() - since > ms + HEARTBEAT_EVERY_MS) {
          restart(ms)
        }
      }, WATCH_EVERY_MS)
      watch.unref()
    },
    close(closeDeadlineMs = DEFAULT_CLOSE_DEADLINE_MS) {
      clearInterval(watch)
      closing ??= closeWithin(engine, closeDeadlineMs)
      return closing
    },
  }

  /** Asks the thread to close after what it is running; stops it outright when that takes longer than the deadline. */
  async function closeWithin(on: Engine, deadlineMs: number): Promise<void> {
    await on.ready.catch(() => {})
    if (on.gone) return
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)))
    const closed = call<void>({ kind: 'close' }, on).then(
      () => 'closed' as const,
      () => 'closed' as const,
    )
    const outcome = await Promise.race([closed, late])
    clearTimeout(timer)
    if (outcome === 'late') await on.worker.terminate()
    else await new Promise<void>((resolve) => (on.gone ? resolve() : on.worker.once('exit', () => resolve())))
    fail(on, new Error(CLOSED_MESSAGE))
  }
}

/**
 * Every engine thread keeps a small young generation: its JavaScript only hands statements and rows through, and the
 * default would keep 12 MB of it resident in an idle server (and grow a backup's pass over a copy by tens of megabytes
 * at its peak). Measured at no cost to the server's throughput (docs/benchmarks.md, server memory).
 */
const ENGINE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 }

/** Starts a thread on the folder (after `after`, when the previous one must be gone first); ready once its database is open. */
function startEngine(options: Omit<ThreadOptions, 'heartbeat'>, after: Promise<void> = Promise.resolve()): Engine {
  const heartbeat = new Int32Array(new SharedArrayBuffer(4))
  const engine: Engine = {
    worker: undefined as unknown as Worker,
    pending: new Map(),
    heartbeat,
    ready: Promise.resolve(),
    opened: false,
    gone: null,
  }
  engine.ready = after.then(
    () =>
      new Promise<void>((resolve, reject) => {
        const workerData: ThreadOptions = { ...options, heartbeat }
        const worker = new Worker(workerEntry(), {
          workerData,
          execArgv: [],
          resourceLimits: ENGINE_THREAD_LIMITS,
          transferList: options.loadDataDir ? [options.loadDataDir] : [],
        })
        engine.worker = worker
        engine.pending.set(0, {
          resolve: () => {
            engine.opened = true
            resolve()
          },
          reject,
        })
        worker.on('message', (msg: ThreadReply) => {
          const p = engine.pending.get(msg.id)
          if (!p) return
          engine.pending.delete(msg.id)
          if (msg.ok) p.resolve(msg.value)
          else p.reject(errorFromFields(msg.error))
        })
        worker.on('error', (err) => fail(engine, new Error(`${CLOSED_MESSAGE}: the database thread failed: ${err.message}`)))
        worker.on('exit', () => fail(engine, new Error(CLOSED_MESSAGE)))
      }),
  )
  // A thread that could not open the folder answers every request with why.
  engine.ready.catch((err: Error) => fail(engine, new Error(`${CLOSED_MESSAGE}: ${err.message}`)))
  return engine
}

/** The same error again (message and SQLSTATE), for each request that finds the engine gone. */
function copyOf(err: Error): Error {
  return Object.assign(new Error(err.message), { code: (err as { code?: string }).code })
}

/** Fails everything the engine was asked and not yet answered; it answers nothing more. */
function fail(engine: Engine, err: Error): void {
  engine.gone ??= err
  for (const p of engine.pending.values()) p.reject(err)
  engine.pending.clear()
}

/** The compiled worker entry: beside this file in dist/, or dist/'s copy when this file runs from source (the tests). */
function workerEntry(): URL {
  const beside = new URL('./pglite-thread-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(beside))) return beside
  return new URL('../../dist/core/db/pglite-thread-worker.js', import.meta.url)
}
