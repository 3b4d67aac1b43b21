import type { PgliteUse } from './pglite.js'
/** What the server's thread asks of the PGlite thread; `tx` names an open transaction (the id of its `begin`). */
export type ThreadRequest =
  | { id: number; kind: 'query'; text: string; params?: unknown[]; tx?: number }
  | { id: number; kind: 'exec'; text: string; tx?: number }
  | { id: number; kind: 'begin'; setup?: string }
  | { id: number; kind: 'end'; tx: number; commit: boolean }
  | { id: number; kind: 'dump' }
  | { id: number; kind: 'copy'; to: string }
  | { id: number; kind: 'close' }

/** A request before it is numbered: what the caller writes. */
export type ThreadCall = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never

/** A database error as plain fields (message, name, SQLSTATE code, constraint, detail, ...), so it survives the thread boundary. */
export type ThreadError = { message: string; name: string } & Record<string, string | number | undefined>

/** The answer to one request: its result, or the error it ended in. */
export type ThreadReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: ThreadError }

/** How the PGlite thread opens its database, passed as its workerData. */
export interface ThreadOptions {
  dataDir?: string
  /** A dumped data folder to start from (tests load a migrated template this way). */
  loadDataDir?: ArrayBuffer
  /** When the thread checkpoints; DEFAULT_CHECKPOINTS when unset. */
  checkpoints?: CheckpointPolicy
  /** Counted up by the thread every HEARTBEAT_EVERY_MS and after each answer; still only while one statement runs. */
  heartbeat?: Int32Array
  /** What the database is opened for; 'serving' when unset. */
  use?: PgliteUse
}

/** How often the thread counts its heartbeat up while it waits for requests. */
export const HEARTBEAT_EVERY_MS = 100

/** How often the thread looks at the write-ahead log written since the last checkpoint, and how much makes it checkpoint. */
export interface CheckpointPolicy {
  everyMs: number
  afterBytes: number
}

/**
 * PGlite runs PostgreSQL without its checkpointer process, so nothing else ever checkpoints: the log would grow by gigabytes
 * at 100k customers, and after a crash the next start would replay all of it (minutes) before answering anything.
 */
export const DEFAULT_CHECKPOINTS: CheckpointPolicy = { everyMs: 30_000, afterBytes: 64 * 1024 * 1024 }

/** Copies an error's message, name and every plain field (code, constraint, detail, column, ...) into a cloneable object. */
export function errorToFields(err: unknown): ThreadError {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error' }
  const fields: ThreadError = { message: err.message, name: err.name }
  for (const [key, value] of Object.entries(err)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value
  }
  return fields
}

/** Rebuilds an Error on this side of the boundary, with the fields the error translation reads (code, constraint, ...). */
export function errorFromFields(fields: ThreadError): Error {
  const { message, name, ...rest } = fields
  const err = Object.assign(new Error(message), rest)
  err.name = name
  return err
}
