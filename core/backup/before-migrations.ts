import type { Config } from '../kernel/config.js'
import { pendingMigrations } from '../db/migrate.js'
import type { Database } from '../db/types.js'
import { log } from '../kernel/log.js'
import type { BackupResult } from './make.js'

/** What became of the backup a start (or `crm migrate`) makes before applying migrations, as the banner and the command say it. */
export interface BackupBeforeMigrations {
  /** made: an archive of every business; not_needed: nothing to migrate or nothing to lose; no_key: none without CRM_BACKUP_KEY; failed. */
  status: 'made' | 'not_needed' | 'no_key' | 'failed'
  /** The archive made (status made). */
  file: string | null
  /** Why none was made or needed. */
  reason: string | null
}

/** The outcome, and the run still to be recorded once the migrations have made its table (or when nothing could be made). */
export interface BeforeMigrations {
  outcome: BackupBeforeMigrations
  unrecorded: {
    status: 'verified' | 'failed'
    at: Date
    made: BackupResult | null
    error: string | null
  } | null
}

/** Why no backup is made before migrating without a key, as the run records it for the owner's pages. */
export const NO_KEY_BEFORE_MIGRATING = 'no CRM_BACKUP_KEY was set'

/**
 * Before a start applies migrations to a database that holds a business, a verified archive of every business is made,
 * so an upgrade that goes wrong can be undone with crm restore. A failure is logged and the start goes on: a backup
 * never blocks the business. Without CRM_BACKUP_KEY nothing is made, and that is said and recorded (recordBeforeMigrations).
 */
export async function backupBeforeMigrations(config: Config, db: Database, now: () => Date = () => new Date()): Promise<BeforeMigrations> {
  const installed = await db.query<{ t: string | null }>(`select to_regclass('installation')::text as t`)
  if (!installed.rows[0]?.t) return notNeeded('the database is new')
  const pending = await pendingMigrations(db)
  if (!pending.length) return notNeeded('no migration was pending')
  const holds = await db.query<{ found: boolean }>('select exists (select 1 from installation) as found')
  if (!holds.rows[0].found) return notNeeded('the database holds no business yet')
  // A database older than the record of runs gets its run recorded once the migrations have made the table.
  const runs = await db.query<{ t: string | null }>(`select to_regclass('backup_runs')::text as t`)
  const recorded = Boolean(runs.rows[0]?.t)
  if (!config.backup.key) {
    log('warn', 'no backup was made before migrating: CRM_BACKUP_KEY is not set', { pending: pending.length })
    return {
      outcome: { status: 'no_key', file: null, reason: 'CRM_BACKUP_KEY is not set' },
      unrecorded: { status: 'failed', at: now(), made: null, error: NO_KEY_BEFORE_MIGRATING },
    }
  }
  // Loaded only to make one: encryption, tar and the bucket's client are most of what a start or a command would load.
  const { makeBackup, recordedError } = await import('./make.js')
  try {
    const { documentStoreFor } = await import('../documents/choose-store.js')
    const made = await makeBackup({ db, config, documents: documentStoreFor(config, db), now }, { reason: 'before_migrations' })
    log('info', 'backup made before migrating', { file: made.file, pending: pending.length })
    return {
      outcome: { status: 'made', file: made.file, reason: null },
      unrecorded: recorded ? null : { status: 'verified', at: now(), made, error: null },
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    log('error', 'the backup before migrating failed; starting all the same', { error: reason })
    return {
      outcome: { status: 'failed', file: null, reason },
      unrecorded: recorded ? null : { status: 'failed', at: now(), made: null, error: recordedError(err) },
    }
  }
}

/**
 * Records the run of the backup before migrating that could not be recorded before (no key, or no table of runs yet),
 * once migrations were applied: the owner's Home and settings read it. Never stops the start: a failure is logged.
 */
export async function recordBeforeMigrations(db: Database, before: BeforeMigrations, applied: string[]): Promise<void> {
  const run = before.unrecorded
  if (!run || !applied.length) return
  try {
    await db.query(
      `insert into backup_runs (business_id, reason, status, started_at, finished_at, file, remote, bytes, sha256, counts, error)
       values (null, 'before_migrations', $1, $2, $2, $3, $4, $5, $6, $7, $8)`,
      [
        run.status,
        run.at.toISOString(),
        run.made?.file ?? null,
        run.made?.remote ?? null,
        run.made?.bytes ?? null,
        run.made?.sha256 ?? null,
        run.made?.counts ?? null,
        run.error,
      ],
    )
  } catch (err) {
    log('error', 'the backup before migrating could not be recorded', { error: err instanceof Error ? err.message : String(err) })
  }
}

/** The sentence the start banner and `crm migrate` print about it; null when migrating needed no backup. */
export function describeBackupBeforeMigrations(outcome: BackupBeforeMigrations): string | null {
  switch (outcome.status) {
    case 'not_needed':
      return null
    case 'made':
      return (
        `Before migrating, a verified archive of every business was made: ${outcome.file} ` +
        '(to go back, restore it with the previous version: docs/operations.md, Rolling back an upgrade)'
      )
    case 'no_key':
      return (
        `No backup was made before migrating: ${outcome.reason}, so this upgrade cannot be undone by restoring one ` +
        '(set CRM_BACKUP_KEY: docs/backups.md)'
      )
    case 'failed':
      return `The backup before migrating failed (${outcome.reason}); the migrations were applied without one`
  }
}

function notNeeded(reason: string): BeforeMigrations {
  return { outcome: { status: 'not_needed', file: null, reason }, unrecorded: null }
}
