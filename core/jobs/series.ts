import type { Principal, Services } from '../kernel/context.js'
import { withTenant, withWorkerRole } from '../db/tenant.js'
import { generateVisits } from '../domains/series/generate.js'
import { SERIES_HORIZON_DAYS } from '../domains/series/model.js'
import { log } from '../kernel/log.js'
import { contextOf } from '../kernel/operations-context.js'
import { runEffects } from '../kernel/operations.js'
import { addDays } from '../vocabulary/time.js'
import type { BusinessFailure } from './overdue.js'
import type { PeriodicJob } from './periodic-job.js'

/** What one pass over the recurring series did: visits booked, and the series it could not serve. */
export interface SeriesPassResult {
  booked: number
  failures: BusinessFailure[]
}

/**
 * Books the visits of every series up to its horizon. A SECURITY DEFINER function (migration 0022) names the businesses
 * with a series not yet booked that far; each series is then served in its own transaction as the system, so one that
 * fails (its customer's address archived, say) is logged and returned, and the others are booked all the same. The
 * function is asked with a horizon a day short of UTC's, so a business behind UTC is not looked at on every pass.
 */
export async function generateSeriesVisits(services: Services): Promise<SeriesPassResult> {
  const now = services.now()
  const through = addDays(now.toISOString().slice(0, 10), SERIES_HORIZON_DAYS - 1)
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_series_due($1)', [through]),
  )
  const result: SeriesPassResult = { booked: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    const requestId = `series-${now.toISOString()}`
    let due: string[]
    try {
      due = await withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) =>
        (
          await tx.query<{ id: string }>(
            `select id from series where status <> 'ended' and (generated_through is null or generated_through < $1)
          order by created_at, id`,
            [through],
          )
        ).rows.map((r) => r.id),
      )
    } catch (err) {
      result.failures.push(failure(tenantId, null, err))
      continue
    }
    for (const seriesId of due) {
      try {
        result.booked += await bookSeries(services, tenantId, seriesId, requestId)
      } catch (err) {
        // The next pass tries this series again.
        result.failures.push(failure(tenantId, seriesId, err))
      }
    }
  }
  return result
}

async function bookSeries(services: Services, tenantId: string, seriesId: string, requestId: string): Promise<number> {
  const principal: Principal = { tenantId, actor: { type: 'system', id: null } }
  const effects: Array<() => Promise<void>> = []
  const booked = await withTenant(
    services.db,
    { tenantId, actorType: 'system', requestId },
    async (tx) =>
      (
        await generateVisits(
          contextOf(services, principal, tx, requestId, null, (fn) => effects.push(fn)),
          seriesId,
        )
      ).created.length,
  )
  await runEffects(effects, requestId)
  return booked
}

function failure(tenantId: string, seriesId: string | null, err: unknown): BusinessFailure {
  const error = err instanceof Error ? err.message : String(err)
  log('error', 'booking the visits of a series failed', { tenant_id: tenantId, series_id: seriesId, error })
  return { tenant_id: tenantId, job: 'series', error }
}

/** Every pass: recurring visits are booked up to their horizon. */
export const seriesJob: PeriodicJob = {
  name: 'series',
  failure: 'booking series visits failed',
  runs: 'inline',
  async pass(services) {
    const series = await generateSeriesVisits(services)
    if (series.booked) log('info', 'series visits booked', { count: series.booked })
    return { counts: { series_booked: series.booked }, failures: series.failures }
  },
}
