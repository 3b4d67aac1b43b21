import { basename } from 'node:path'
import type { Queryable } from '../db/types.js'

/**
 * The names of one scope's nightly archives that this database made, read from its own backup history (every file and
 * bucket object a run wrote). An archive's name and clear header carry only its business, moment and reason, which a
 * staging copy restored from production shares; the history is not archived, so it is this database's alone.
 */
export function nightlyArchivesMadeHere(db: Queryable, scope: string): Promise<Set<string>> {
  return namesOfRuns(db, `reason = 'nightly' and business_id is not distinct from $1::uuid`, [scope === 'all' ? null : scope])
}

/** The names of every archive this database's backup history says it wrote, whatever the reason. */
export function archivesMadeHere(db: Queryable): Promise<Set<string>> {
  return namesOfRuns(db, 'true', [])
}

async function namesOfRuns(db: Queryable, where: string, params: unknown[]): Promise<Set<string>> {
  const r = await db.query<{ file: string | null; remote: string | null }>(
    `select file, remote from backup_runs where ${where} and (file is not null or remote is not null)`,
    params,
  )
  const names = new Set<string>()
  for (const run of r.rows) {
    if (run.file) names.add(basename(run.file))
    // s3://bucket/prefix/<name>: an archive's name holds no slash.
    if (run.remote) names.add(run.remote.slice(run.remote.lastIndexOf('/') + 1))
  }
  return names
}
