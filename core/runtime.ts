import type { Config } from './config.js'
import { lockDataDir, type DataDirLock } from './db/data-dir-lock.js'
import { migrate } from './db/migrate.js'
import { openDatabase } from './db/open.js'
import type { PgliteThreadDatabase } from './db/pglite-thread.js'
import type { Database } from './db/types.js'

/** An open, migrated database and how to let go of it. */
export interface OpenedDatabase {
  db: Database
  /** The migrations applied while opening (empty when none were pending). */
  applied: string[]
  close(): Promise<void>
}

/** Opens the configured database for one process (claiming the PGlite folder) and applies pending migrations. */
export async function openMigratedDatabase(config: Config, purpose: string): Promise<OpenedDatabase> {
  let lock: DataDirLock | undefined
  if (!config.databaseUrl) lock = lockDataDir(config.dataDir, purpose)
  try {
    const db = await openDatabase(config)
    const applied = await migrateUnhurried(config, db).catch(async (err) => {
      await db.close().catch(() => {})
      throw err
    })
    // The embedded engine's own limit, set once the migrations (which may rightly take minutes) are done.
    if (isPgliteThread(db)) db.limitStatements(config.databaseLimits.statementTimeoutMs)
    return {
      db,
      applied,
      async close() {
        await db.close()
        lock?.release()
      },
    }
  } catch (err) {
    lock?.release()
    throw err
  }
}

/** Migrates without the statement limits of serving: building an index on a large business may rightly take minutes. */
async function migrateUnhurried(config: Config, db: Database): Promise<string[]> {
  if (!config.databaseUrl) return migrate(db)
  const unlimited = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    return await migrate(unlimited)
  } finally {
    await unlimited.close()
  }
}

function isPgliteThread(db: Database): db is PgliteThreadDatabase {
  return 'limitStatements' in db
}
