import type { BackupSettings } from '../../kernel/config.js'
import { withTenant } from '../../db/tenant.js'
import type { Database } from '../../db/types.js'

/** Businesses the start banner names with their nightly backup time; the rest are counted. */
const NAMED = 3

/** When the nightly backups of the database's businesses run: the first few by name, and how many there are in all. */
export interface NightlyBackups {
  count: number
  named: Array<{ name: string; timezone: string; backup_time: string }>
}

/** Reads the nightly backup time of the oldest few businesses (as each business's own reads, under its row security). */
export async function nightlyBackups(db: Database): Promise<NightlyBackups> {
  const all = (await db.query<{ id: string }>('select id from operator_businesses()')).rows
  const named = []
  for (const business of all.slice(0, NAMED)) {
    const read = await withTenant(db, { tenantId: business.id, actorType: 'system' }, (tx) =>
      tx.query<NightlyBackups['named'][number]>('select name, timezone, backup_time from tenants where id = app_tenant()'),
    )
    named.push(...read.rows)
  }
  return { count: all.length, named }
}

/** The start banner's line: backups off and how to turn them on, or where archives go and when each business's nightly one runs. */
export function describeBackups(backup: BackupSettings, nightly: NightlyBackups): string {
  if (!backup.key)
    return (
      'off: no CRM_BACKUP_KEY is set, so no backup is made. Make a key with `openssl rand -base64 32`, set it as ' +
      'CRM_BACKUP_KEY and keep a copy apart from the backups (no archive can be restored without it)'
    )
  const bucket = backup.s3 ? ` and copied to ${backup.s3.endpoint}/${backup.s3.bucket}/${backup.s3.prefix}` : ''
  const times = nightly.named.map((b) => `${b.backup_time} ${b.timezone} (${b.name})`)
  const more = nightly.count > times.length ? ` and ${nightly.count - times.length} more, each at its owner's time (/settings)` : ''
  const when = times.length ? `nightly at ${times.join(', ')}${more}` : "nightly at each business's backup time (/settings)"
  return `sealed archives in ${backup.dir}${bucket}; ${when}`
}
