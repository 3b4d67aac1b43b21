import type { Config } from './config.js'
import { lockDataDir, type DataDirLock } from '../db/data-dir-lock.js'
import { openDatabase } from '../db/open.js'
import type { Database } from '../db/types.js'

/** The configured database opened for one process, and its claim on the embedded data folder (none on a server). */
export interface ClaimedDatabase {
  db: Database
  lock: DataDirLock | undefined
}

/**
 * Claims the embedded data folder for this process and opens the configured database, not yet migrated. Its imports are
 * few, so a start can begin it (the embedded engine opens in a thread of its own) before loading the rest of the product.
 */
export async function claimDatabase(config: Config, purpose: string): Promise<ClaimedDatabase> {
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir, purpose)
  try {
    return { db: await openDatabase(config), lock }
  } catch (err) {
    lock?.release()
    throw err
  }
}
