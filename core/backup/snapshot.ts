import type { Config } from '../kernel/config.js'
import { openDatabase } from '../db/open.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { openPgliteThread, type PgliteThreadDatabase } from '../db/pglite-thread.js'
import type { PgliteDatabase } from '../db/pglite.js'
import type { Database } from '../db/types.js'

/**
 * Runs fn on a snapshot of the database that nothing writes to: for the embedded engine, a copy of its folder taken
 * between two statements and opened in a thread of its own (the live database goes on serving at once); for a server,
 * a connection of its own without the serving time limits, whose reads the dump makes in one repeatable read
 * transaction. A data folder is copied on disk, beside itself, and opened there, so the business is never held in
 * memory; a database in memory (tests, a scratch) is copied in memory.
 */
export async function withSnapshot<T>(
  db: Database,
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePreparedStatements' | 'databaseRolePrefix'>,
  fn: (snapshot: Database) => Promise<T>,
): Promise<T> {
  const onDisk = (db as Partial<PgliteThreadDatabase>).dataDir ? (db as PgliteThreadDatabase) : null
  if (onDisk) {
    const folder = await mkdtemp(join(dirname(onDisk.dataDir as string), '.crm-snapshot-'))
    try {
      await onDisk.copyDataDirTo(folder)
      const snapshot = await openPgliteThread(folder, undefined, { use: 'one pass' })
      try {
        return await fn(snapshot)
      } finally {
        await snapshot.close()
      }
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }
  if (db.engine === 'pglite') {
    const copy = await (db as PgliteDatabase).dumpDataDir()
    const snapshot = await openPgliteThread(undefined, copy, { use: 'one pass' })
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
    databaseRolePrefix: config.databaseRolePrefix,
    databasePoolSize: 1,
  })
  try {
    return await fn(own)
  } finally {
    await own.close()
  }
}
