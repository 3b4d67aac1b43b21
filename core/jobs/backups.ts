import { makeBackup } from '../backup/make.js'
import type { Services } from '../kernel/context.js'
import { withTenant } from '../db/tenant.js'
import { log } from '../kernel/log.js'
import { localDate, localTime } from '../vocabulary/time.js'
import type { BusinessFailure } from './overdue.js'
import type { PeriodicJob } from './periodic-job.js'

/** How often the worker looks whether a business's nightly backup is due. */
const CHECK_EVERY_MS = 60_000

/** A failed nightly backup is tried again after this long, all day long. */
const RETRY_AFTER_MINUTES = 15

/** A run still marked running after this long belongs to a process that stopped while making it. */
const ABANDONED_AFTER_HOURS = 3

const lastCheck = new WeakMap<Services, number>()

/** Whether a minute has passed since this process last looked for due backups. */
export function backupsDue(services: Services): boolean {
  const last = lastCheck.get(services)
  return last === undefined || services.now().getTime() - last >= CHECK_EVERY_MS
}

/** One business's nightly backup settings. */
interface NightlySettings {
  timezone: string
  backup_time: string
  backup_keep_daily: number
  backup_keep_weekly: number
  backup_keep_monthly: number
}

/**
 * Makes each business's nightly backup once its time has come on its own clock (and it has no verified one for that
 * day), one business after another. A failure is recorded on its run, logged, and tried again after a quarter of an
 * hour; it never stops the business or the other jobs. Without CRM_BACKUP_KEY there is nothing to do.
 */
export async function nightlyBackups(services: Services): Promise<{ made: number; failures: BusinessFailure[] }> {
  lastCheck.set(services, services.now().getTime())
  const result = { made: 0, failures: [] as BusinessFailure[] }
  if (!services.config.backup.key) return result
  const now = services.now()
  await services.db.query(
    `update backup_runs set status = 'failed', finished_at = $1::timestamptz, error = 'the process making it stopped before it was done'
     where status = 'running' and started_at < $1::timestamptz - make_interval(hours => $2)`,
    [now.toISOString(), ABANDONED_AFTER_HOURS],
  )
  const businesses = await services.db.query<{ id: string }>('select id from operator_businesses()')
  for (const { id } of businesses.rows) {
    try {
      const settings = await withTenant(services.db, { tenantId: id, actorType: 'system' }, async (tx) => {
        const r = await tx.query<NightlySettings>(
          `select timezone, backup_time, backup_keep_daily, backup_keep_weekly, backup_keep_monthly from tenants where id = app_tenant()`,
        )
        return r.rows[0]
      })
      if (!settings) continue
      const day = localDate(now, settings.timezone)
      if (localTime(now, settings.timezone) < settings.backup_time || !(await nightlyDue(services, id, day, now))) continue
      await makeBackup(
        { db: services.db, config: services.config, documents: services.documents, now: services.now },
        {
          tenantId: id,
          reason: 'nightly',
          nightlyDay: day,
          retention: { daily: settings.backup_keep_daily, weekly: settings.backup_keep_weekly, monthly: settings.backup_keep_monthly },
          timeZone: settings.timezone,
        },
      )
      result.made += 1
      log('info', 'nightly backup verified', { tenant_id: id, day })
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'nightly backup failed', { tenant_id: id, error })
      result.failures.push({ tenant_id: id, job: 'backup', error })
    }
  }
  return result
}

/** Whether a business still needs its nightly backup for the day: none verified, none running, no failure in the last minutes. */
async function nightlyDue(services: Services, businessId: string, day: string, now: Date): Promise<boolean> {
  const r = await services.db.query<{ blocked: boolean }>(
    `select exists (
       select 1 from backup_runs
       where business_id = $1 and (
         (reason = 'nightly' and nightly_day = $2::date and status = 'verified')
         or status = 'running'
         or (reason = 'nightly' and status = 'failed' and finished_at > $3::timestamptz - make_interval(mins => $4)))
     ) as blocked`,
    [businessId, day, now.toISOString(), RETRY_AFTER_MINUTES],
  )
  return !r.rows[0].blocked
}

/** Beside the other jobs: a large business's backup takes minutes, and emails must not wait for it. */
export const nightlyBackupsJob: PeriodicJob = {
  name: 'nightly-backups',
  failure: 'nightly backups failed',
  runs: 'beside',
  due: backupsDue,
  async pass(services) {
    return { failures: (await nightlyBackups(services)).failures }
  },
}
