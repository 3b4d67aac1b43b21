// The PGlite thread: runs the embedded database off the server's event loop, so a long statement blocks only the
// database, never the answers that do not need it (/healthz, pages already queued, signals).
import { cpSync } from 'node:fs'
import { basename } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { BytesBlob } from './bytes-blob.js'
import { openPglite } from './pglite.js'
import {
  DEFAULT_CHECKPOINTS,
  errorToFields,
  HEARTBEAT_EVERY_MS,
  type ThreadOptions,
  type ThreadReply,
  type ThreadRequest,
} from './pglite-thread-protocol.js'
import type { Queryable } from './types.js'

const port = parentPort
if (!port) throw new Error('pglite-thread-worker runs only as a worker thread')
const options = workerData as ThreadOptions
const db = await openPglite(options.dataDir, options.loadDataDir ? new BytesBlob(options.loadDataDir) : undefined, options.use)

/** Open transactions by the id of their `begin`: the transaction's queryable and how to end it. */
const open = new Map<number, { tx: Queryable; end(commit: boolean): void; settled: Promise<unknown> }>()

/** The reason handed to PGlite's transaction to make it roll back; never reported as an error. */
const ROLLBACK = Symbol('rollback')

function reply(message: ThreadReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer)
  beat()
}

/** Counts the heartbeat up: the server's thread takes a heartbeat standing still for one statement running too long. */
function beat(): void {
  if (options.heartbeat) Atomics.add(options.heartbeat, 0, 1)
}

/** The transaction a request belongs to, or the database itself. */
function target(tx: number | undefined): Queryable {
  if (tx === undefined) return db
  const found = open.get(tx)
  if (!found) throw new Error(`No open transaction ${tx}`)
  return found.tx
}

function begin(id: number, setup: string | undefined): void {
  let begun = false
  const settled = db.transaction(
    (tx, setupRows) =>
      new Promise<void>((resolve, reject) => {
        begun = true
        open.set(id, { tx, end: (commit) => (commit ? resolve() : reject(ROLLBACK)), settled })
        reply({ id, ok: true, value: { tx: id, setupRows } })
      }),
    setup,
  )
  // The outcome of the transaction goes to whoever ends it; a setup that fails is the answer to `begin` itself.
  settled.then(
    () => open.delete(id),
    (err) => {
      open.delete(id)
      if (!begun) reply({ id, ok: false, error: errorToFields(err) })
    },
  )
}

async function end(tx: number, commit: boolean): Promise<void> {
  const found = open.get(tx)
  if (!found) throw new Error(`No open transaction ${tx}`)
  found.end(commit)
  try {
    await found.settled
  } catch (err) {
    if (err !== ROLLBACK) throw err
  }
}

async function handle(msg: ThreadRequest): Promise<void> {
  try {
    switch (msg.kind) {
      case 'query': {
        const r = await target(msg.tx).query(msg.text, msg.params)
        return reply({ id: msg.id, ok: true, value: r })
      }
      case 'exec':
        await target(msg.tx).exec(msg.text)
        return reply({ id: msg.id, ok: true })
      case 'begin':
        return begin(msg.id, msg.setup)
      case 'end':
        await end(msg.tx, msg.commit)
        return reply({ id: msg.id, ok: true })
      case 'dump': {
        const buffer = await (await db.dumpDataDir()).arrayBuffer()
        return reply({ id: msg.id, ok: true, value: buffer }, [buffer])
      }
      case 'copy':
        await copyDataDir(msg.to)
        return reply({ id: msg.id, ok: true })
      case 'close':
        clearInterval(checkpointTimer)
        await db.close()
        reply({ id: msg.id, ok: true })
        port!.close()
        return
    }
  } catch (err) {
    reply({ id: msg.id, ok: false, error: errorToFields(err) })
  }
}

/** Files of a data folder that belong to the process holding it, never to a copy: the product's lock and control door, PostgreSQL's pid. */
const NOT_COPIED = new Set(['crm.lock', 'crm.control', 'postmaster.pid'])

/**
 * Copies the data folder to `to`, on disk, between two statements: a checkpoint first writes every changed page, then
 * the files are copied synchronously, so no statement writes meanwhile and the copy is the database as of that moment
 * (a transaction left open is rolled back when the copy is opened, as after a crash). Nothing of it is held in memory.
 */
async function copyDataDir(to: string): Promise<void> {
  if (!options.dataDir) throw new Error('An embedded database in memory has no data folder to copy')
  await db.exec('checkpoint')
  cpSync(options.dataDir, to, { recursive: true, filter: (src) => !NOT_COPIED.has(basename(src)) })
}

/** Checkpoints once enough log was written since the last one; it waits its turn behind requests like any statement. */
async function checkpointIfDue(afterBytes: number): Promise<void> {
  const r = await db.query<{ written: number }>(
    'select pg_wal_lsn_diff(pg_current_wal_lsn(), (pg_control_checkpoint()).redo_lsn)::float8 as written',
  )
  if (r.rows[0].written >= afterBytes) await db.exec('checkpoint')
}

const checkpoints = options.checkpoints ?? DEFAULT_CHECKPOINTS
let checkpointing = false
const checkpointTimer = setInterval(() => {
  if (checkpointing) return
  checkpointing = true
  // A failed check (the database closing) is retried at the next tick; nothing waits on it.
  checkpointIfDue(checkpoints.afterBytes)
    .catch(() => {})
    .finally(() => (checkpointing = false))
}, checkpoints.everyMs)
checkpointTimer.unref()

// Statements queued behind each other run without a turn for timers in between; the beat after each answer covers them.
setInterval(beat, HEARTBEAT_EVERY_MS).unref()

port.on('message', (msg: ThreadRequest) => void handle(msg))
reply({ id: 0, ok: true, value: 'ready' })
