import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { setLocal } from '../db/tenant.js'
import { join } from 'node:path'
import type { Config } from '../kernel/config.js'
import type { Database } from '../db/types.js'
import { MissingContentError, type DocumentStore } from '../documents/store.js'
import { log } from '../kernel/log.js'
import { writeArchive } from './archive.js'
import { removeLeftovers } from './leftovers.js'
import { nightlyArchivesMadeHere } from './made-here.js'
import { archiveName, archivesToDelete, type Retention } from './retention.js'
import { backupBucket } from './s3.js'
import { withSnapshot } from './snapshot.js'
import { verifyArchive } from './verify.js'

/** What making a backup needs: the database, the configuration, where documents are kept and the clock. */
export interface BackupDeps {
  db: Database
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'backup' | 'databasePreparedStatements' | 'databaseRolePrefix'>
  documents: DocumentStore
  now: () => Date
}

/** Why a backup was made. */
export type BackupReason = 'manual' | 'nightly' | 'before_migrations' | 'before_restore'

/** A verified backup, as `crm backup --json` prints it. */
export interface BackupResult {
  file: string
  bytes: number
  sha256: string
  verified: true
  counts: Record<string, number>
  /** The copy in the bucket, when one is set. */
  remote: string | null
  /** Documents the store no longer had. */
  missing_documents: string[]
  /** Archives retention removed (a nightly run's). */
  deleted: string[]
}

/** No backup can be made without the key that seals it. */
export class BackupsOff extends Error {
  constructor() {
    super('Backups are off: set CRM_BACKUP_KEY (make one with `openssl rand -base64 32`, and keep it apart from the backups)')
    this.name = 'BackupsOff'
  }
}

/**
 * Makes one sealed archive of every business (or one), writes it to CRM_BACKUP_DIR, verifies it by restoring it into a
 * scratch database, copies it to the bucket when one is set, records the run (verified or failed, with the reason)
 * and applies retention. Traffic goes on meanwhile: the archive is read from a snapshot.
 */
export async function makeBackup(
  deps: BackupDeps,
  opts: { tenantId?: string; reason: BackupReason; nightlyDay?: string; retention?: Retention; timeZone?: string },
): Promise<BackupResult> {
  const key = deps.config.backup.key
  if (!key) throw new BackupsOff()
  const started = deps.now()
  const run = await startRun(deps.db, opts, started)
  let kept: string | null = null
  try {
    await mkdir(deps.config.backup.dir, { recursive: true, mode: 0o700 })
    // Against the machine's clock, which dated the files, whatever clock the business runs on.
    await removeLeftovers(deps.config, new Date())
    const name = archiveName(opts.tenantId ?? 'all', opts.reason, started)
    const file = join(deps.config.backup.dir, name)
    const written = await withSnapshot(deps.db, deps.config, (snapshot) =>
      writeArchive({ snapshot, tenantId: opts.tenantId, key, file, now: started, readDocument: documentReader(deps) }),
    )
    const counts = await verifyArchive(file, key, started).catch(async (err) => {
      await rm(file, { force: true })
      throw err
    })
    kept = file
    const bucket = deps.config.backup.s3 ? backupBucket(deps.config.backup.s3) : null
    const remote = bucket ? await bucket.put(name, await readFile(file)) : null
    await endRun(deps.db, run, deps.now(), { status: 'verified', file, remote, bytes: written.bytes, sha256: written.sha256, counts })
    // Only a nightly run prunes, by its business's own settings: an archive someone asked for never removes another.
    const deleted = opts.retention ? await applyRetention(deps, opts.tenantId ?? 'all', opts.retention, opts.timeZone ?? 'UTC') : []
    return {
      file,
      bytes: written.bytes,
      sha256: written.sha256,
      verified: true,
      counts,
      remote,
      missing_documents: written.missing,
      deleted,
    }
  } catch (err) {
    // A verified archive the bucket refused stays in the folder: the failed run says where.
    log('error', 'backup failed', {
      reason: opts.reason,
      tenant_id: opts.tenantId ?? null,
      error: err instanceof Error ? err.message : String(err),
    })
    await endRun(deps.db, run, deps.now(), { status: 'failed', file: kept ?? undefined, error: recordedError(err) }).catch(() => {})
    throw err
  }
}

/**
 * The reason a failed run keeps, which every owner the archive covers reads: the product's own messages as they are, a
 * database's refusal by its code only, since its text may quote a row of any business (the whole text is in the log).
 */
export function recordedError(err: unknown): string {
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
    return `the database refused a statement (SQLSTATE ${code}); the server log has the details`
  return err instanceof Error ? err.message : String(err)
}

/** Reads a document's bytes from the store with its business set (a store in the database is read under row level security). */
function documentReader(deps: BackupDeps) {
  return (tenantId: string, sha256: string) =>
    deps.db.transaction(async (tx) => {
      await setLocal(tx, { 'app.tenant_id': tenantId })
      try {
        return await deps.documents.get(tx, tenantId, sha256)
      } catch (err) {
        if (err instanceof MissingContentError) return null
        throw err
      }
    })
}

/** Records the start of a run; null on a database older than the record (a backup before the migrations that add it). */
async function startRun(
  db: Database,
  opts: { tenantId?: string; reason: BackupReason; nightlyDay?: string },
  at: Date,
): Promise<string | null> {
  const exists = await db.query<{ t: string | null }>(`select to_regclass('backup_runs')::text as t`)
  if (!exists.rows[0]?.t) return null
  try {
    const r = await db.query<{ id: string }>(
      'insert into backup_runs (business_id, reason, nightly_day, started_at) values ($1, $2, $3, $4) returning id',
      [opts.tenantId ?? null, opts.reason, opts.nightlyDay ?? null, at.toISOString()],
    )
    return r.rows[0].id
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw new Error('A backup of the same business is already running; try again once it is done')
    throw err
  }
}

async function endRun(
  db: Database,
  run: string | null,
  at: Date,
  end: {
    status: 'verified' | 'failed'
    file?: string
    remote?: string | null
    bytes?: number
    sha256?: string
    counts?: object
    error?: string
  },
): Promise<void> {
  if (!run) return
  await db.query(
    `update backup_runs set status = $2, finished_at = $9, file = $3, remote = $4, bytes = $5, sha256 = $6, counts = $7, error = $8
     where id = $1`,
    [
      run,
      end.status,
      end.file ?? null,
      end.remote ?? null,
      end.bytes ?? null,
      end.sha256 ?? null,
      end.counts ?? null,
      end.error ?? null,
      at.toISOString(),
    ],
  )
}

/**
 * Deletes the archives of one scope that retention no longer keeps, in the folder and the bucket; a failure is logged,
 * never thrown. Only archives this database made count: another installation sharing the folder or the bucket (a
 * staging copy of the same business among them) keeps its own.
 */
async function applyRetention(deps: BackupDeps, scope: string, keep: Retention, timeZone: string): Promise<string[]> {
  const deleted: string[] = []
  try {
    const ours = await nightlyArchivesMadeHere(deps.db, scope)
    const local = (await readdir(deps.config.backup.dir)).filter((name) => ours.has(name))
    for (const name of archivesToDelete(local, scope, keep, timeZone)) {
      await rm(join(deps.config.backup.dir, name), { force: true })
      deleted.push(name)
    }
    if (deps.config.backup.s3) {
      const bucket = backupBucket(deps.config.backup.s3)
      const remote = (await bucket.list()).map((a) => a.name).filter((name) => ours.has(name))
      for (const name of archivesToDelete(remote, scope, keep, timeZone)) {
        await bucket.remove(name)
        deleted.push(bucket.where(name))
      }
    }
  } catch (err) {
    log('warn', 'backup retention failed', { error: err instanceof Error ? err.message : String(err) })
  }
  return deleted
}
