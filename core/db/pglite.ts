import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import type { Database, Queryable, QueryResult } from './types.js'
import { typeParsers } from './type-parsers.js'

/** The embedded engine, which can also dump its data folder (tests copy a migrated template this way). */
export interface PgliteDatabase extends Database {
  dumpDataDir(): Promise<Blob>
}

/** Shared buffers of the embedded engine (PostgreSQL's default is 128MB). */
const SHARED_BUFFERS = '32MB'

/** Opens (creating if needed) an embedded PostgreSQL in dataDir, or in memory when dataDir is undefined. */
export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PgliteDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  // The options object must be the only argument: PGlite drops options passed after an undefined dataDir.
  const pg = await PGlite.create({
    dataDir,
    loadDataDir,
    // pg_trgm alone: with a second extension bundle, PGlite may instantiate pg_trgm twice, and the `%` operator then calls
    // the similarity() of the stale copy (shared through the module table), returning nothing and hanging the next statement.
    // The schema uses no other extension.
    extensions: { pg_trgm },
    parsers: typeParsers,
    relaxedDurability: false,
    // PostgreSQL's default 128MB of shared buffers lives in the WASM heap and is touched at start, resident whether used or
    // not; the data folder's files stay in the system's file cache all the same. See the "engines under load" figures in docs/benchmarks.md.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
  })
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(text: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await q.query<T>(text, params as unknown[])
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length }
    },
    async exec(text: string) {
      await q.exec(text)
    },
  })
  const root = wrap(pg)
  return {
    engine: 'pglite',
    query: root.query,
    exec: root.exec,
    transaction: (fn, setup) =>
      pg.transaction(async (tx) => {
        const results = setup ? await tx.exec(setup) : []
        return fn(
          wrap(tx),
          results.map((r) => r.rows),
        )
      }),
    close: () => pg.close(),
    dumpDataDir: () => pg.dumpDataDir('none'),
  }
}
