import { mkdirSync } from 'node:fs'
import { deferringQueryable } from './deferred.js'
import { isNewCluster, newClusterDump } from './new-cluster.js'
import { parse, PGlite, protocol, type Transaction } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { prepareValue } from 'pg/lib/utils.js'
import { statementNames, type StatementNames } from './statement-names.js'
import type { Database, Queryable, QueryResult } from './types.js'
import { typeParsers } from './type-parsers.js'

/** The embedded engine, which can also dump its data folder (tests copy a migrated template this way). */
export interface PgliteDatabase extends Database {
  dumpDataDir(): Promise<Blob>
}

/**
 * What an embedded database is opened for: serving the business, or one pass over a copy (a backup's snapshot, its
 * verification), which reads each page about once and so needs few buffers.
 */
export type PgliteUse = 'serving' | 'one pass'

/** Shared buffers by use (PostgreSQL's default is 128MB): they live in the thread's memory, resident once touched. */
const SHARED_BUFFERS: Record<PgliteUse, string> = { serving: '32MB', 'one pass': '8MB' }

/** Opens (creating if needed) an embedded PostgreSQL in dataDir, or in memory when dataDir is undefined. */
export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob, use: PgliteUse = 'serving'): Promise<PgliteDatabase> {
  // A new database is unpacked from the cluster the build made, instead of running initdb (see new-cluster.ts).
  const start = loadDataDir ?? (isNewCluster(dataDir) ? newClusterDump() : undefined)
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  // The options object must be the only argument: PGlite drops options passed after an undefined dataDir.
  const pg = await PGlite.create({
    dataDir,
    loadDataDir: start,
    // pg_trgm alone: with a second extension bundle, PGlite may instantiate pg_trgm twice, and the `%` operator then calls
    // the similarity() of the stale copy (shared through the module table), returning nothing and hanging the next statement.
    // The schema uses no other extension: with cube and earthdistance also loaded, `%` answered nothing and hung in about
    // half of the openings tried, whichever order they were given in, so distances are plain SQL (migration 0121).
    extensions: { pg_trgm },
    parsers: typeParsers,
    relaxedDurability: false,
    // PostgreSQL's default 128MB of shared buffers lives in the WASM heap and is touched at start, resident whether used or
    // not; the data folder's files stay in the system's file cache all the same. See the "engines under load" figures in docs/benchmarks.md.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS[use]}`],
  })
  const statements = statementNames()
  const inTransaction = (tx: Transaction): Queryable => ({
    query: <T>(text: string, params?: unknown[]) => {
      // As PGlite's own tx.query: a transaction's queryable is not used once it ended.
      if (tx.closed) throw new Error('Transaction is closed')
      return pg._runExclusiveQuery(() => runStatement<T>(pg, statements, text, params))
    },
    async exec(text: string) {
      await tx.exec(text)
    },
  })
  return {
    engine: 'pglite',
    // Outside a transaction, as PGlite's own query: after any open transaction, and the files synced afterwards.
    query: async <T>(text: string, params?: unknown[]) => {
      await pg._checkReady()
      return pg._runExclusiveTransaction(() =>
        pg._runExclusiveQuery(async () => {
          const result = await runStatement<T>(pg, statements, text, params)
          await pg.syncToFs()
          return result
        }),
      )
    },
    async exec(text: string) {
      await pg.exec(text)
    },
    transaction: (fn, setup) =>
      pg.transaction(async (tx) => {
        const results = setup ? await tx.exec(setup) : []
        const deferring = deferringQueryable(inTransaction(tx))
        const result = await fn(
          deferring.tx,
          results.map((r) => r.rows),
        )
        const held = deferring.take()
        if (held) await tx.exec(held)
        return result
      }),
    close: () => pg.close(),
    dumpDataDir: () => pg.dumpDataDir('none'),
  }
}

/**
 * Runs one parameterized statement in a single exchange with the engine: bind, describe, execute and sync sent together,
 * with each parameter prepared by node-postgres's own rules, as the PostgreSQL engine sends it. PGlite's own query first
 * asks for the parameters' types, a second exchange that cost about a third of a short statement's time. A text is
 * parsed under a name the first time, in an exchange of its own (a text that does not parse leaves nothing behind), and
 * run by that name after: the engine then plans it as a prepared statement, and once a generic plan serves, not at all.
 */
async function runStatement<T>(pg: PGlite, statements: StatementNames, text: string, params: unknown[] = []): Promise<QueryResult<T>> {
  const { serialize } = protocol
  let name = statements.nameOf(text)
  try {
    if (name === undefined) {
      name = statements.next()
      if (name !== undefined) {
        await pg.execProtocolStream(joinMessages([serialize.parse({ name, text }), serialize.sync()]), { syncToFs: false })
        statements.keep(text, name)
      }
    }
    const message = joinMessages([
      ...(name === undefined ? [serialize.parse({ text })] : []),
      serialize.bind({ statement: name, values: params.map(prepareValue) }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    ])
    const messages = await pg.execProtocolStream(message, { syncToFs: false })
    const [result] = parse.parseResults(messages, pg.parsers)
    const rows = (result?.rows ?? []) as T[]
    return { rows, rowCount: result?.affectedRows ?? rows.length }
  } catch (err) {
    // The statement and its parameters on the error, as PGlite's own query puts them there.
    throw Object.assign(err as Error, { query: text, params, queryOptions: undefined })
  }
}

/** The protocol messages as one buffer, in order. */
function joinMessages(parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return joined
}
