import { randomUUID } from 'node:crypto'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { withTenant } from '../../core/db/tenant.js'
import { loadDemo } from '../../core/demo/load-demo.js'
import { locateAddresses } from '../../core/domains/geocoding/locate-job.js'
import { performAction } from '../../core/kernel/operations.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { startFakeCensusGeocoder } from '../fake-census-geocoder.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** The demo's busiest technician-days planned (BENCH_ROUTE_DAYS). */
const DAYS = Number(process.env.BENCH_ROUTE_DAYS ?? 5)

/**
 * The demo loaded into a new business on the embedded engine, its addresses placed by the local Census Geocoder (points
 * spread over 25 km around Huntsville, the same for the same address), then its busiest upcoming technician-days planned
 * with every visit still to do marked anytime: the kilometers as booked (time order) against the plan's, from the demo's
 * home base and back, as the crow flies.
 */
export const routeSavings: Scenario = {
  name: 'route savings',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const fake = await startFakeCensusGeocoder()
    const db = await openPglite(undefined)
    try {
      await migrate(db)
      const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent', ...fake.env }), logLevel: 'silent' }, db)
      const tenant = await createTenant(db, { name: 'Demo Windows', owner_email: 'owner@demo.example' })
      await loadDemo(services, tenant.tenant_id)
      while ((await locateAddresses(services)).found) {}
      const principal = { tenantId: tenant.tenant_id, actor: { type: 'user' as const, id: tenant.owner_user_id, role: 'owner' as const } }
      const busiest = await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, async (tx) => {
        const r = await tx.query<{ user_id: string; day: string; visits: number; ids: string[] }>(
          `select tt.user_id, to_char(t.scheduled_start at time zone te.timezone, 'YYYY-MM-DD') as day, count(*)::int as visits,
                  array_agg(t.id) as ids
             from tickets t join ticket_technicians tt on tt.ticket_id = t.id join tenants te on te.id = t.tenant_id
            where t.status in ('scheduled', 'confirmed') and t.scheduled_start > now()
            group by 1, 2 order by visits desc, day, user_id limit $1`,
          [DAYS],
        )
        return r.rows
      })
      const act = (domain: string, action: string, data: Record<string, unknown>) =>
        performAction(services, principal, { domain, action, data }, { requestId: randomUUID() })
      let before = 0
      let after = 0
      let visits = 0
      const times: number[] = []
      for (const day of busiest) {
        for (const id of day.ids) await act('route', 'mark_anytime', { ticket_id: id })
        const started = performance.now()
        const plan = (await act('route', 'plan', { technician_id: day.user_id, date: day.day, apply: true })).result as {
          meters_before: number
          meters_after: number
          stops: unknown[]
        }
        times.push(performance.now() - started)
        before += plan.meters_before
        after += plan.meters_after
        visits += plan.stops.length
      }
      const km = (m: number) => (m / 1000).toFixed(1)
      times.sort((a, b) => a - b)
      return [
        {
          measure: `PGlite: the demo's ${busiest.length} busiest technician-days (${visits} visits), km driven as booked → planned`,
          value: `${km(before)} → ${km(after)} km (${Math.round((100 * (before - after)) / before)}% less)`,
          note: 'every visit marked anytime, from the home base and back, as the crow flies; points from the local geocoder',
        },
        {
          measure: 'PGlite: route.plan of one day, median (ms)',
          value: times[Math.floor(times.length / 2)].toFixed(0),
          note: 'the call as an owner makes it: read the day, order it, time it, save the order, move the visits whose time changes (emailing their customers) and the audit',
        },
      ]
    } finally {
      await db.close()
      await fake.close()
    }
  },
}
