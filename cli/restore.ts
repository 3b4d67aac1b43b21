import { downloadArchive, isBucketAddress } from '../core/backup/from-bucket.js'
import { restoreArchive, type RestoreResult } from '../core/backup/restore.js'
import { recordRestoredArchive } from '../core/backup/restored-run.js'
import { loadConfig } from '../core/kernel/config.js'
import { AppError } from '../core/kernel/errors.js'
import { parseCommandArgs, withDatabase } from './command.js'

/** `crm restore FILE`: restores an archive into CRM_DATA_DIR or DATABASE_URL; the move between engines. */
export async function runRestore(argv: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { replace: { type: 'boolean' }, json: { type: 'boolean' } },
    { positionals: ['FILE'] },
  )
  const config = loadConfig()
  if (!config.backup.key) throw keyToOpenMissing()
  const from = isBucketAddress(positionals[0]) ? await downloadArchive(config.backup, positionals[0]) : null
  let result: RestoreResult
  try {
    const restoredFile = await restoreArchive(config, from?.file ?? positionals[0], {
      replace: Boolean(values.replace),
      now: () => new Date(),
    })
    // What was restored is the archive as the owner named it: the bucket's address, not the download thrown away after.
    result = from ? { ...restoredFile, restored: positionals[0] } : restoredFile
    const restored = restoredFile
    await withDatabase('restore', (db) => recordRestoredArchive(db, restored, from ? positionals[0] : null))
  } finally {
    from?.remove()
  }
  if (values.json) return JSON.stringify(result)
  return describe(result)
}

/** No key to open the archive with: only the one it was sealed with opens it, so the way on is finding that key, never making one. */
function keyToOpenMissing(): AppError {
  return new AppError(
    'VALIDATION_ERROR',
    'CRM_BACKUP_KEY is not set in this shell, and an archive opens only with the key it was sealed with: set CRM_BACKUP_KEY to ' +
      'that key. It was to be kept apart from the archives (in a password manager); on a server set up as docs/deploy.md shows, ' +
      'it is the CRM_BACKUP_KEY line of /etc/service-crm/env on the machine that made the archive. A key made now opens nothing made before it.',
    { field: 'CRM_BACKUP_KEY' },
  )
}

function describe(r: RestoreResult): string {
  return [
    `Restored ${r.restored} (made ${r.created_at}, ${r.scope === 'all' ? 'every business' : `business ${r.scope}`}) into ${r.into}.`,
    `  ${r.counts.tenants ?? 0} business(es), ${r.counts.contacts ?? 0} customers, ${r.counts.tickets ?? 0} appointments, ${r.counts.invoices ?? 0} invoices.`,
    ...(r.migrated.length ? [`  Then applied ${r.migrated.length} migration(s) and SQL function file(s) newer than the archive.`] : []),
    ...(r.replaced_kept_at ? [`  What was there before is kept in ${r.replaced_kept_at}.`] : []),
    `  Every session and sign-in link was revoked (${r.revoked}): people sign in again. Agent tokens, connections and customers' links keep working.`,
  ].join('\n')
}
