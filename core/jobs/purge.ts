import type { Services } from '../kernel/context.js'
import { withWorkerRole } from '../db/tenant.js'
import { log } from '../kernel/log.js'
import type { PeriodicJob } from './periodic-job.js'

/** How often a worker removes dead credentials: they do no harm for an hour, and the pass is cheap but not free. */
export const PURGE_EVERY_MS = 60 * 60 * 1000

/** When each set of services last purged, so several workers in one process do not repeat it every pass. */
const lastPurge = new WeakMap<Services, number>()

/** Rows removed per kind (sign-in links, sessions, oauth codes, oauth tokens, idempotency keys, rate limit windows, approval links). */
export type PurgeCounts = Record<string, number>

/** Removes credentials and replay records past use (migration 0040) ended rate limit windows and spent approval links; how many of each went. */
export async function purgeExpiredCredentials(services: Services): Promise<PurgeCounts> {
  const now = services.now().toISOString()
  const r = await withWorkerRole(services.db, async (tx) => {
    const credentials = await tx.query<{ what: string; removed: string | number }>(
      'select what, removed from purge_expired_credentials($1)',
      [now],
    )
    // Rate limit windows that ended (migration 0099) count nothing any more.
    const limits = await tx.query<{ removed: string | number }>('select purge_rate_limits($1) as removed', [now])
    // Approval links (migration 0101) a day past their use or their request's expiry.
    const links = await tx.query<{ removed: string | number }>('select purge_approval_links($1) as removed', [now])
    return [
      ...credentials.rows,
      { what: 'rate limit windows', removed: limits.rows[0].removed },
      { what: 'approval links', removed: links.rows[0].removed },
    ]
  })
  lastPurge.set(services, services.now().getTime())
  const counts = Object.fromEntries(r.map((row) => [row.what, Number(row.removed)]))
  if (Object.values(counts).some((n) => n > 0)) log('info', 'expired credentials removed', counts)
  return counts
}

/** Whether an hour has passed since these services last purged (or they never did). */
export function purgeDue(services: Services): boolean {
  const last = lastPurge.get(services)
  return last === undefined || services.now().getTime() - last >= PURGE_EVERY_MS
}

/** Hourly: expired credentials are removed. Dead credentials do no harm, so a failure is only logged and the next hour tries again. */
export const purgeJob: PeriodicJob = {
  name: 'purge',
  failure: 'removing expired credentials failed',
  runs: 'inline',
  due: purgeDue,
  reportsFailure: false,
  async pass(services) {
    await purgeExpiredCredentials(services)
    return { failures: [] }
  },
}
