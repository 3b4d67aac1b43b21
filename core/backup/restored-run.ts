import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Queryable } from '../db/types.js'
import type { RestoreResult } from './restore.js'

/**
 * Records in a restored database the archive it was restored from, as a verified backup made when the archive was: the
 * backup history is not archived, so without this Home and the settings page would say that no backup exists until the
 * next one, when one that holds exactly what was restored is there. It is recorded as an operator's archive (`manual`),
 * never a nightly one: retention deletes only the nightly archives this database made itself. An archive read from the
 * bucket is recorded at its bucket address (`remote`), its download being gone once the restore ends.
 */
export async function recordRestoredArchive(
  db: Queryable,
  restored: Pick<RestoreResult, 'restored' | 'scope' | 'created_at' | 'counts'>,
  remote: string | null = null,
): Promise<void> {
  const bytes = (await stat(restored.restored)).size
  await db.query(
    `insert into backup_runs (business_id, reason, status, started_at, finished_at, file, remote, bytes, counts)
     values ($1, 'manual', 'verified', $2, $2, $3, $4, $5, $6)`,
    [
      restored.scope === 'all' ? null : restored.scope,
      restored.created_at,
      remote ? null : resolve(restored.restored),
      remote,
      bytes,
      restored.counts,
    ],
  )
}
