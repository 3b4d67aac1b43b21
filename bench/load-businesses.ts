import { createServices } from '../api/product.js'
import { loadConfig } from '../core/kernel/config.js'
import { withTenant } from '../core/db/tenant.js'
import type { Database } from '../core/db/types.js'
import { deliverDue } from '../core/jobs/worker.js'
import { performAction } from '../core/kernel/operations.js'
import { bootstrapFirstTenant, createTenant, type CreatedTenant } from '../core/kernel/tenants.js'
import { generateSearchData } from './generate-search-data.js'
import type { MixBusiness } from './load-mix.js'

/** Upcoming days the load books on and reads, each starting with this many visits per business. */
const UPCOMING_DAYS = 10
const VISITS_PER_DAY = 6

/**
 * Fills a migrated database with `count` businesses of `contacts` generated customers each (notes, facts, one past
 * visit each with its invoice), and six visits booked on each of the next ten days, and returns what a load needs to act
 * for each. The first business is the one a first start would have created, so the server creates no other. The emails
 * those bookings queued (confirmations due at once) are delivered here, to the outbox: a server measured on the data starts
 * on businesses at rest, not on a backlog of hundreds of emails a restart seldom finds.
 */
export async function seedLoadBusinesses(db: Database, count: number, contacts: number): Promise<MixBusiness[]> {
  const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db, {
    llm: null,
    integrations: { stripe: null },
  })
  const days = upcomingDays(new Date(), UPCOMING_DAYS)
  const out: MixBusiness[] = []
  for (let i = 0; i < count; i++) {
    const input = { name: `Load Bench Windows ${i + 1}`, owner_email: `owner${i + 1}@bench.example` }
    const tenant: CreatedTenant | null = i === 0 ? await bootstrapFirstTenant(db, input) : await createTenant(db, input)
    if (!tenant) throw new Error('the database already has a business: the load needs a new one')
    const data = await generateSearchData(db, tenant.tenant_id, { contacts, seed: 100 + i, notesPerContact: 3, ticketsPerContact: 1 })
    const scope = { tenantId: tenant.tenant_id, actorType: 'system' as const, requestId: 'load-seed' }
    const { ids, serviceId } = await withTenant(db, scope, async (tx) => ({
      ids: (await tx.query<{ id: string }>('select id from contacts order by md5(id::text) limit 200')).rows.map((r) => r.id),
      // A fixed-price service: a booking needs no price of its own.
      serviceId: (await tx.query<{ id: string }>(`select id from services where pricing = 'fixed' order by name limit 1`)).rows[0].id,
    }))
    const agent = { tenantId: tenant.tenant_id, actor: { type: 'agent' as const, id: tenant.tenant_id } }
    for (const [d, day] of days.entries()) {
      for (let v = 0; v < VISITS_PER_DAY; v++) {
        await performAction(
          services,
          agent,
          {
            domain: 'ticket',
            action: 'create',
            data: {
              contact_id: ids[(d * VISITS_PER_DAY + v) % ids.length],
              scheduled_start: `${day}T${String(13 + v).padStart(2, '0')}:00:00Z`,
              line_items: [{ service_id: serviceId }],
            },
          },
          { requestId: 'load-seed' },
        )
      }
    }
    out.push({
      token: tenant.agent_token,
      contactIds: ids,
      names: data.samples.names.slice(0, 50),
      serviceId,
      readDays: days,
      bookingDays: days,
    })
  }
  await deliverDue(services)
  return out
}

/** The next `n` calendar days after `from`, as YYYY-MM-DD in UTC. */
function upcomingDays(from: Date, n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(from.getTime() + (i + 1) * 86_400_000).toISOString().slice(0, 10))
}
