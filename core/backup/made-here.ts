import { basename } from 'node:path'
import type { Queryable } from '../db/types.js'

/**
 * The names of one scope's nightly archives that this database made, read from its own backup history (every file and
 * bucket object a run wrote). An archive's name and clear header carry only its business, moment and reason, which a
 * staging copy restored from production shares; the history is not archived, so it is this database's alone.
 */
export async function nightlyArchivesMadeHere(db: Queryable, scope: string): Promise<Set<string>> {
  const r = await db.query<{ file: string | null; remote: string | null }>(
    `select file, remote from backup_runs
     where reason = 'nightly' and business_id is not distinct from $1::uuid and (file is not null or remote is not null)`,
    [scope === 'all' ? null : scope],
  )
  const names = new Set<string>()
  for (const run of r.rows) {
    if (run.file) names.add(basename(run.file))
    // s3://bucket/prefix/<name>: an archive's name holds no slash.
    if (run.remote) names.add(run.remote.slice(run.remote.lastIndexOf('/') + 1))
  }
  return names
}
