import { systemAuditor, writeAudit } from '../kernel/audit.js'
import type { JobFailure } from '../kernel/plug-in.js'
import type { Services } from '../kernel/context.js'
import { withTenant, withWorkerRole } from '../db/tenant.js'
import { loadTenantSettings } from '../vocabulary/business-settings.js'
import { log } from '../kernel/log.js'
import { localDate } from '../vocabulary/time.js'
import type { PeriodicJob } from './periodic-job.js'

/** One business whose part of a job failed (the worker's own jobs' names, or a capability job's: core/kernel/plug-in.ts). */
export type BusinessFailure = JobFailure

/** What one overdue scan did: invoices marked, and the businesses it could not mark. */
export interface OverdueResult {
  marked: number
  failures: BusinessFailure[]
}

/**
 * Marks sent and partially paid invoices whose due date has passed (in each business's time zone) as overdue.
 * The worker has no tenant: a SECURITY DEFINER function (migrations 0012, 0016) names the businesses that may have such
 * invoices, and each business's invoices are then marked in its own transaction as the system, audited there, with
 * "today" taken in that business's time zone. The condition is the one is_overdue reads with (invoices/model.ts
 * overdueSql), limited to invoices the customer has been sent. One business's failure is logged and returned, and the
 * others are marked all the same.
 */
export async function markOverdueInvoices(services: Services): Promise<OverdueResult> {
  const now = services.now()
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_overdue_invoices($1)', [now.toISOString()]),
  )
  const result: OverdueResult = { marked: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    try {
      result.marked += await markTenant(services, tenantId, now)
    } catch (err) {
      // The next tick tries this business again.
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'marking overdue invoices failed for one business', { tenant_id: tenantId, error })
      result.failures.push({ tenant_id: tenantId, job: 'overdue', error })
    }
  }
  return result
}

async function markTenant(services: Services, tenantId: string, now: Date): Promise<number> {
  const requestId = `overdue-${now.toISOString()}`
  return withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
    const today = localDate(now, (await loadTenantSettings(tx)).timezone)
    const r = await tx.query<{ id: string; old_status: string }>(
      `with due as (
         select id, status from invoices
         where status in ('sent', 'partially_paid') and amount_due_cents > 0 and due_on < $1::date
         for update skip locked)
       update invoices i set status = 'overdue' from due where i.id = due.id returning i.id, due.status as old_status`,
      [today],
    )
    const who = systemAuditor(tenantId, requestId)
    for (const row of r.rows) {
      await writeAudit(tx, who, {
        entityType: 'invoice',
        entityId: row.id,
        action: 'mark_overdue',
        before: { status: row.old_status },
        after: { status: 'overdue' },
      })
    }
    return r.rows.length
  })
}

/** Every pass: invoices past their due date become overdue. */
export const overdueJob: PeriodicJob = {
  name: 'overdue',
  failure: 'marking overdue invoices failed',
  runs: 'inline',
  async pass(services) {
    const overdue = await markOverdueInvoices(services)
    if (overdue.marked) log('info', 'invoices marked overdue', { count: overdue.marked })
    return { counts: { overdue_marked: overdue.marked }, failures: overdue.failures }
  },
}
