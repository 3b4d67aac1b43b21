import type { Config } from '../config.js'
import { openDatabase } from '../db/open.js'
import { openPgliteThread } from '../db/pglite-thread.js'
import type { PgliteDatabase } from '../db/pglite.js'
import type { Database } from '../db/types.js'

/**
 * Runs fn on a snapshot of the database that nothing writes to: for the embedded engine, a copy of its folder taken
 * between two statements and opened in memory in a thread of its own (the live database goes on serving at once); for a
 * server, a connection of its own without the serving time limits, whose reads the dump makes in one repeatable read
 * transaction.
 */
export async function withSnapshot<T>(
  db: Database,
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePreparedStatements'>,
  fn: (snapshot: Database) => Promise<T>,
): Promise<T> {
  if (db.engine === 'pglite') {
    const copy = await (db as PgliteDatabase).dumpDataDir()
    const snapshot = await openPgliteThread(undefined, copy)
    try {
      return await fn(snapshot)
    } finally {
      await snapshot.close()
    }
  }
  if (!config.databaseUrl) throw new Error('A backup of a PostgreSQL server needs DATABASE_URL: it opens a connection of its own')
  const own = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    databasePreparedStatements: config.databasePreparedStatements,
    databasePoolSize: 1,
  })
  try {
    return await fn(own)
  } finally {
    await own.close()
  }
}
