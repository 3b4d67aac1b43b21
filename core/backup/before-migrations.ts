import type { Config } from '../config.js'
import { pendingMigrations } from '../db/migrate.js'
import type { Database } from '../db/types.js'
import { documentStoreFor } from '../documents/choose-store.js'
import { log } from '../log.js'
import { makeBackup } from './make.js'

/**
 * Before a start applies migrations to a database that holds a business, a verified archive of every business is made,
 * so an upgrade that goes wrong can be undone with crm restore. A failure is logged and the start goes on: a backup
 * never blocks the business. Without CRM_BACKUP_KEY nothing is made (the banner says backups are off).
 */
export async function backupBeforeMigrations(config: Config, db: Database): Promise<string | null> {
  if (!config.backup.key) return null
  const installed = await db.query<{ t: string | null }>(`select to_regclass('installation')::text as t`)
  if (!installed.rows[0]?.t) return null
  const pending = await pendingMigrations(db)
  if (!pending.length) return null
  const holds = await db.query<{ found: boolean }>('select exists (select 1 from installation) as found')
  if (!holds.rows[0].found) return null
  try {
    const made = await makeBackup(
      { db, config, documents: documentStoreFor(config, db), now: () => new Date() },
      { reason: 'before_migrations' },
    )
    log('info', 'backup made before migrating', { file: made.file, pending: pending.length })
    return made.file
  } catch (err) {
    log('error', 'the backup before migrating failed; starting all the same', { error: err instanceof Error ? err.message : String(err) })
    return null
  }
}
