import type { Queryable } from '../db/types.js'
import { type BesideData, besideDataWarning } from './beside-data.js'

/** Hours after which the last verified backup is too old and the owner is warned (a nightly backup plus two hours' slack). */
export const BACKUP_STALE_HOURS = 26

/** One finished backup run, as the owner's pages and the checks show it. */
export interface BackupRunSummary {
  id: string
  /** The one business it holds; null: every business. */
  business_id: string | null
  reason: 'manual' | 'nightly' | 'before_migrations' | 'before_restore'
  finished_at: string
  file: string | null
  remote: string | null
  bytes: number | null
  error: string | null
}

/** Where a business's backups stand: the last verified run, the last run if it failed, and the warning to show, if any. */
export interface BackupStatus {
  last_verified: BackupRunSummary | null
  /** The latest finished run when it failed (a later verified run clears it). */
  last_failed: BackupRunSummary | null
  /** Hours since the last verified backup; null when there is none. */
  age_hours: number | null
  /** The last verified archive has no copy in a bucket and sits on the data's disk ('disk') or machine ('machine'). */
  beside_data: BesideData
  /** What the owner is told, or null when all is well. */
  warning: string | null
}

const SUMMARY = `id, business_id, reason, finished_at, file, remote, bytes::float8 as bytes, error`

/**
 * The backups that cover one business (its own and those of the whole service), or of any business when businessId
 * is null; `backupsOn` says whether a backup key is set, since without one no backup is made at all; `placeOf` says
 * where an archive file sits against the data (beside-data.ts), where the caller knows both.
 */
export async function backupStatus(
  q: Queryable,
  businessId: string | null,
  backupsOn: boolean,
  now: Date,
  placeOf: (file: string) => BesideData = () => null,
): Promise<BackupStatus> {
  const covers = `status <> 'running' and ($1::uuid is null or business_id is null or business_id = $1)`
  const [verified, latest] = await Promise.all([
    q.query<BackupRunSummary>(
      `select ${SUMMARY} from backup_runs where ${covers} and status = 'verified' order by finished_at desc limit 1`,
      [businessId],
    ),
    q.query<BackupRunSummary & { status: string }>(
      `select ${SUMMARY}, status from backup_runs where ${covers} order by finished_at desc limit 1`,
      [businessId],
    ),
  ])
  const lastVerified = verified.rows[0] ? summary(verified.rows[0]) : null
  const lastFailed = latest.rows[0]?.status === 'failed' ? summary(latest.rows[0]) : null
  const ageHours = lastVerified ? (now.getTime() - Date.parse(lastVerified.finished_at)) / 3_600_000 : null
  const beside = lastVerified?.file && !lastVerified.remote ? placeOf(lastVerified.file) : null
  return {
    last_verified: lastVerified,
    last_failed: lastFailed,
    age_hours: ageHours,
    beside_data: beside,
    warning: warningFor(backupsOn, ageHours, lastFailed, beside),
  }
}

/** The one line the owner reads when backups need attention. */
function warningFor(backupsOn: boolean, ageHours: number | null, failed: BackupRunSummary | null, beside: BesideData): string | null {
  if (!backupsOn) return 'Backups are off: no CRM_BACKUP_KEY is set, so nothing of the business is copied anywhere.'
  // Only the nightly backup is tried again: the one before an upgrade's migrations is past once they were applied.
  if (failed?.reason === 'before_migrations')
    return `The backup before the last upgrade failed (${failed.error ?? 'no reason was recorded'}): the upgrade went ahead without one.`
  if (failed) return `The last backup failed (${failed.error ?? 'no reason was recorded'}); it is tried again.`
  if (ageHours === null) return 'No verified backup has been made yet.'
  if (ageHours > BACKUP_STALE_HOURS) return `The last verified backup is ${Math.floor(ageHours)} hours old.`
  return besideDataWarning(beside)
}

function summary(row: BackupRunSummary & { status?: string }): BackupRunSummary {
  const { status: _status, ...rest } = row
  return { ...rest, finished_at: new Date(rest.finished_at).toISOString() }
}
