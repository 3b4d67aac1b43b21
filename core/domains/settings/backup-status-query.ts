import { z } from 'zod'
import { besideData } from '../../backup/beside-data.js'
import { backupStatus } from '../../backup/status.js'
import { defineQuery } from '../../kernel/registry.js'
import { timestamp } from '../../kernel/output-types.js'

/** One finished backup run as the backup_status record shows it. */
const BACKUP_RUN = z.object({
  id: z.uuid(),
  /** Null: the archive holds the whole service (every business), made by the operator or before migrations. */
  business_id: z.uuid().nullable(),
  reason: z.enum(['manual', 'nightly', 'before_migrations', 'before_restore']),
  finished_at: timestamp,
  file: z.string().nullable(),
  remote: z.string().nullable(),
  bytes: z.number().nullable(),
  error: z.string().nullable(),
})

/** Where the business's backups stand: the last verified one, the last one if it failed, and the one warning to show. */
export const backupStatusQuery = defineQuery({
  type: 'backup_status',
  phrases: ['was a backup made', 'when was the last backup', 'backups', 'last backup', 'restore', 'disaster recovery'],
  description:
    "Where the business's backups stand, one record (id = the business id): backups_on (false when the server has no " +
    'CRM_BACKUP_KEY: then no backup is made at all), last_verified (the latest archive restored and checked: finished_at, ' +
    'file on the server and remote copy in a bucket (shown to people only), bytes, reason; business_id null when it holds the whole service), ' +
    'last_failed (the latest run, when it failed, with its error; reason before_migrations: an upgrade migrated with no backup ' +
    'made before it, such as without a key), age_hours of the last verified one, and warning: the one ' +
    "line to tell the owner (backups off, the last one failed, none yet, older than 26 hours, or only on the data's disk or " +
    "machine: beside_data 'disk' or 'machine', no copy in a bucket), null when all is well. " +
    'When and how many are kept: data type settings (backup_time, backup_keep_*).',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.uuid(),
    backups_on: z.boolean(),
    last_verified: BACKUP_RUN.nullable(),
    last_failed: BACKUP_RUN.nullable(),
    age_hours: z.number().nullable(),
    beside_data: z.enum(['disk', 'machine']).nullable(),
    warning: z.string().nullable(),
  }),
  async run(ctx, req) {
    if (req.id !== undefined && req.id !== ctx.tenantId) return { items: [], next_cursor: null }
    const backupsOn = ctx.services.config.backup.key !== null
    const config = ctx.services.config
    const status = await backupStatus(ctx.db, ctx.tenantId, backupsOn, ctx.services.now(), (file) => besideData(config, file))
    // Where archives are kept (the server's folders, the bucket) is the owner's to know: an agent's token may be stolen.
    if (ctx.actor.type === 'agent')
      for (const run of [status.last_verified, status.last_failed]) if (run) Object.assign(run, { file: null, remote: null })
    return { items: [{ id: ctx.tenantId, backups_on: backupsOn, ...status }], next_cursor: null }
  },
})
