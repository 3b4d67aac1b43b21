import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import { setLogLevel } from '../../core/kernel/log.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'
import { pgFloor, pgliteFloor } from '../search-floors.js'
import { measureSearch, type SearchEngine } from '../search-measure.js'
import { pgliteBusinesses, postgresBusinesses } from '../shared-businesses.js'

/** The owner's goal for universal search on PostgreSQL at 100k contacts. */
const P95_TARGET_MS = 20

/** Universal search over HTTP on PostgreSQL: a large and a small business in one database, cold and warm, beside its floors. */
export const searchPostgres: Scenario = {
  name: 'search (PostgreSQL)',
  needs: 'postgres',
  async run(settings: BenchSettings): Promise<BenchRow[]> {
    setLogLevel('silent')
    const copy = await postgresBusinesses(settings)
    const engine: SearchEngine = {
      floorName: 'pg',
      afresh: 'a new pool and app; the shared server is not restarted, its buffers stay warm',
      p95TargetMs: P95_TARGET_MS,
      open: async () => openPostgres(copy.url, 20),
      openFloor: async (connections) => pgFloor(copy.url, connections),
      floorBeside: (_db, connections) => pgFloor(copy.url, connections),
    }
    try {
      return await measureSearch(engine, copy, settings)
    } finally {
      await copy.drop().catch((err: Error) => process.stderr.write(`warning: could not drop the scratch database: ${err.message}\n`))
    }
  },
}

/** The same on the embedded engine, opened on a data folder as the product runs it. */
export const searchPglite: Scenario = {
  name: 'search (PGlite)',
  needs: 'nothing',
  async run(settings: BenchSettings): Promise<BenchRow[]> {
    setLogLevel('silent')
    const copy = await pgliteBusinesses()
    const { dataDir } = copy
    const engine: SearchEngine = {
      floorName: 'PGlite',
      afresh: 'the data folder reopened and a new app',
      p95TargetMs: null,
      open: () => openPglite(dataDir),
      openFloor: async () => pgliteFloor(await openPglite(dataDir)),
      // The app's own engine: the folder cannot be opened twice. The app is idle while its SQL is replayed.
      floorBeside: (db) => ({ ...pgliteFloor(db), close: async () => {} }),
    }
    try {
      return await measureSearch(engine, copy, settings)
    } finally {
      await copy.drop()
    }
  },
}
