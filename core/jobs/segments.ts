import { systemAuditor, writeAudit } from '../kernel/audit.js'
import type { Services } from '../kernel/context.js'
import { withTenant, withWorkerRole } from '../db/tenant.js'
import { refreshSegmentMembers, SEGMENT_COLUMNS, type Segment } from '../domains/segments/model.js'
import { log } from '../kernel/log.js'
import type { BusinessFailure } from './overdue.js'
import type { PeriodicJob } from './periodic-job.js'

/** How often a worker recomputes rule segments: customers' visits, payments and tags change through the day. */
export const SEGMENTS_EVERY_MS = 60 * 60 * 1000

/** When each set of services last ran the pass, so several workers in one process do not repeat it every pass. */
const lastPass = new WeakMap<Services, number>()

/** What one pass did: rule segments recomputed, and the businesses it could not update. */
export interface SegmentsResult {
  refreshed: number
  failures: BusinessFailure[]
}

/**
 * Recomputes every rule segment in use. A SECURITY DEFINER function (migration 0054) names the businesses that have one;
 * each business's segments are recomputed in its own transaction as the system, a changed count audited there.
 */
export async function refreshRuleSegments(services: Services): Promise<SegmentsResult> {
  const now = services.now()
  lastPass.set(services, now.getTime())
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_rule_segments()'),
  )
  const result: SegmentsResult = { refreshed: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    const requestId = `segments-${now.toISOString()}`
    try {
      result.refreshed += await withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
        const segments = await tx.query<Segment>(
          `select ${SEGMENT_COLUMNS} from segments where kind = 'rule' and archived_at is null for update`,
        )
        for (const before of segments.rows) {
          const after = await refreshSegmentMembers(tx, before, now)
          if (after.member_count === before.member_count) continue
          await writeAudit(tx, systemAuditor(tenantId, requestId), {
            entityType: 'segment',
            entityId: before.id,
            action: 'refresh',
            before: { member_count: before.member_count },
            after: { member_count: after.member_count },
          })
        }
        return segments.rows.length
      })
    } catch (err) {
      // The next pass tries this business again.
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'recomputing segments failed for one business', { tenant_id: tenantId, error })
      result.failures.push({ tenant_id: tenantId, job: 'segments', error })
    }
  }
  return result
}

/** Whether an hour has passed since these services last ran the segments pass (or they never did). */
export function segmentsPassDue(services: Services): boolean {
  const last = lastPass.get(services)
  return last === undefined || services.now().getTime() - last >= SEGMENTS_EVERY_MS
}

/** Hourly: segments defined by a rule are computed again. */
export const segmentsJob: PeriodicJob = {
  name: 'segments',
  failure: 'recomputing segments failed',
  runs: 'inline',
  due: segmentsPassDue,
  async pass(services) {
    return { failures: (await refreshRuleSegments(services)).failures }
  },
}
