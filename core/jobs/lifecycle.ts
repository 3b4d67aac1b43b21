import type { Services } from '../kernel/context.js'
import { withTenant, withWorkerRole } from '../db/tenant.js'
import { refreshLapsingCustomers } from '../domains/contacts/lifecycle.js'
import { log } from '../kernel/log.js'
import type { BusinessFailure } from './overdue.js'
import type { PeriodicJob } from './periodic-job.js'

/** How often a worker moves lapsed customers: the window is counted in months, so once a day is on time. */
export const LIFECYCLE_EVERY_MS = 24 * 60 * 60 * 1000

/** When each set of services last ran the pass, so several workers in one process do not repeat it every pass. */
const lastPass = new WeakMap<Services, number>()

/** What one lifecycle pass did: customers that became past customers, and the businesses it could not update. */
export interface LifecycleResult {
  lapsed: number
  failures: BusinessFailure[]
}

/**
 * Moves customers whose last activity left their business's window to past_customer (or keeps them customers when a
 * visit is booked ahead). A SECURITY DEFINER function (migration 0043) names the businesses with such customers, found by
 * index; each business's contacts are then recomputed in its own transaction as the system, audited there.
 */
export async function refreshLapsedCustomers(services: Services): Promise<LifecycleResult> {
  const now = services.now()
  lastPass.set(services, now.getTime())
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_lapsing_customers($1)', [now.toISOString()]),
  )
  const result: LifecycleResult = { lapsed: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    const requestId = `lifecycle-${now.toISOString()}`
    try {
      const changes = await withTenant(services.db, { tenantId, actorType: 'system', requestId }, (tx) =>
        refreshLapsingCustomers(tx, tenantId, requestId, now),
      )
      result.lapsed += changes.filter((c) => c.new === 'past_customer').length
    } catch (err) {
      // The next day's pass tries this business again.
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'updating customer lifecycles failed for one business', { tenant_id: tenantId, error })
      result.failures.push({ tenant_id: tenantId, job: 'lifecycle', error })
    }
  }
  return result
}

/** Whether a day has passed since these services last ran the lifecycle pass (or they never did). */
export function lifecyclePassDue(services: Services): boolean {
  const last = lastPass.get(services)
  return last === undefined || services.now().getTime() - last >= LIFECYCLE_EVERY_MS
}

/** Daily: customers not seen for long become past customers. */
export const lifecycleJob: PeriodicJob = {
  name: 'lifecycle',
  failure: 'updating customer lifecycles failed',
  runs: 'inline',
  due: lifecyclePassDue,
  async pass(services) {
    const lifecycle = await refreshLapsedCustomers(services)
    if (lifecycle.lapsed) log('info', 'customers now past customers', { count: lifecycle.lapsed })
    return { failures: lifecycle.failures }
  },
}
