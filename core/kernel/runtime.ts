import { backupBeforeMigrations, recordBeforeMigrations, type BackupBeforeMigrations } from '../backup/before-migrations.js'
import type { Config } from './config.js'
import { claimDatabase, type ClaimedDatabase } from './claim-database.js'
import { migrate } from '../db/migrate.js'
import { openDatabase } from '../db/open.js'
import type { PgliteThreadDatabase } from '../db/pglite-thread.js'
import type { Database } from '../db/types.js'
import type { PersonalTable } from '../personal-data/declare.js'
import { writePersonalData } from '../personal-data/write.js'

/** An open, migrated database and how to let go of it. */
export interface OpenedDatabase {
  db: Database
  /** The migrations and SQL function files applied while opening (empty when none were pending). */
  applied: string[]
  /** Whether an archive was made before migrating, or why none was (no key, a failure, nothing to migrate). */
  backupBeforeMigrations: BackupBeforeMigrations
  /** Notes where this process serves people, so a command turned away from the embedded data folder can point there. */
  announce(url: string): void
  close(): Promise<void>
}

/**
 * Opens the configured database for one process (claiming the PGlite folder), applies pending migrations and writes
 * what each table holds about a customer (the product's declarations), which erasure and the export read. A start that
 * began opening it already (claimDatabase) passes that opening.
 */
export async function openMigratedDatabase(
  config: Config,
  purpose: string,
  personalData: readonly PersonalTable[],
  claiming: Promise<ClaimedDatabase> = claimDatabase(config, purpose),
): Promise<OpenedDatabase> {
  const { db, lock } = await claiming
  try {
    const before = await backupBeforeMigrations(config, db)
    const applied = await migrateUnhurried(config, db).then(async (names) => {
      await writePersonalData(db, personalData, { schemaUnchanged: names.length === 0 })
      await recordBeforeMigrations(db, before, names)
      return names
    })
    // The embedded engine's own limit, set once the migrations (which may rightly take minutes) are done.
    if (isPgliteThread(db)) db.limitStatements(config.databaseLimits.statementTimeoutMs)
    return {
      db,
      applied,
      backupBeforeMigrations: before.outcome,
      announce: (url) => lock?.announce(url),
      async close() {
        await db.close()
        lock?.release()
      },
    }
  } catch (err) {
    await db.close().catch(() => {})
    lock?.release()
    throw err
  }
}

/** Migrates without the statement limits of serving: building an index on a large business may rightly take minutes. */
async function migrateUnhurried(config: Config, db: Database): Promise<string[]> {
  if (!config.databaseUrl) return migrate(db)
  const unlimited = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    databasePreparedStatements: config.databasePreparedStatements,
    databaseRolePrefix: config.databaseRolePrefix,
  })
  try {
    return await migrate(unlimited)
  } finally {
    await unlimited.close()
  }
}

function isPgliteThread(db: Database): db is PgliteThreadDatabase {
  return 'limitStatements' in db
}
