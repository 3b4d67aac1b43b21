import { startTestApp, type TestApp } from '../helpers/app.js'
import { PAYLOAD } from '../helpers/hostile-markup.js'

/** The fixed "now" of the numbers tests: Sunday 2026-11-22, noon in Chicago (the test business's time zone). */
export const NOW = new Date('2026-11-22T18:00:00Z')

/** A service whose name a spreadsheet would run as a formula. */
export const FORMULA_SERVICE = '=HYPERLINK("http://x.test","Gutters")'

/** The seeded business and the ids the tests look numbers up by. */
export interface NumbersFixture {
  app: TestApp
  services: { windows: string; screens: string; gutters: string }
  otherService: string
}

/**
 * Two years of a Chicago business: completed visits for two services (one named with hostile markup) in two towns (one
 * named with it too), visits and payments at 23:30 local on a month's last day, a scheduled visit, draft, void and
 * archived invoices, and another business whose numbers must never show. The expected figures are in analytics.test.ts.
 */
export async function numbersFixture(engine: 'pglite' | 'postgres'): Promise<NumbersFixture> {
  const app = await startTestApp(engine, { now: () => NOW })
  const db = app.t.admin
  const tenant = app.tenant.tenant_id
  let number = 100
  const service = async (tenantId: string, name: string) =>
    (
      await db.query<{ id: string }>(
        `insert into services (tenant_id, name, pricing, price_cents) values ($1, $2, 'fixed', 1000) returning id`,
        [tenantId, name],
      )
    ).rows[0].id
  const contact = async (tenantId: string, name: string) =>
    (await db.query<{ id: string }>('insert into contacts (tenant_id, display_name) values ($1, $2) returning id', [tenantId, name]))
      .rows[0].id
  const address = async (tenantId: string, contactId: string, city: string, postal: string) =>
    (
      await db.query<{ id: string }>(
        `insert into addresses (tenant_id, contact_id, line1, city, state, postal_code) values ($1, $2, '1 Main St', $3, 'AL', $4) returning id`,
        [tenantId, contactId, city, postal],
      )
    ).rows[0].id
  const visit = async (
    tenantId: string,
    contactId: string,
    addressId: string | null,
    start: string,
    lines: Array<[string, number, number]>,
    completed = true,
  ) => {
    const id = (
      await db.query<{ id: string }>(
        `insert into tickets (tenant_id, number, contact_id, address_id, scheduled_start, scheduled_end)
       values ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '1 hour') returning id`,
        [tenantId, number++, contactId, addressId, start],
      )
    ).rows[0].id
    for (const [serviceId, quantity, unit] of lines) {
      await db.query(
        'insert into ticket_line_items (tenant_id, ticket_id, service_id, description, quantity, unit_price_cents) values ($1, $2, $3, $4, $5, $6)',
        [tenantId, id, serviceId, 'line', quantity, unit],
      )
    }
    if (completed) await db.query(`update tickets set status = 'completed', closed_at = scheduled_start where id = $1`, [id])
    return id
  }
  const invoice = async (contactId: string, ticketId: string | null, issuedOn: string, status: string, total: number, extra = '') =>
    (
      await db.query<{ id: string }>(
        `insert into invoices (tenant_id, number, ticket_id, contact_id, status, currency, issued_on, due_on, subtotal_cents, total_cents${extra ? ', archived_at' : ''})
     values ($1, $2, $3, $4, $5, 'USD', $6, $6, $7, $7${extra ? ', now()' : ''}) returning id`,
        [tenant, `INV-${number++}`, ticketId, contactId, status, issuedOn, total],
      )
    ).rows[0].id
  const payment = (invoiceId: string, cents: number, at: string) =>
    db.query(`insert into payments (tenant_id, invoice_id, amount_cents, method, received_at) values ($1, $2, $3, 'card', $4)`, [
      tenant,
      invoiceId,
      cents,
      at,
    ])

  const windows = await service(tenant, 'Window cleaning')
  const screens = await service(tenant, PAYLOAD)
  const gutters = await service(tenant, FORMULA_SERVICE)
  const ann = await contact(tenant, 'Ann Able')
  const bob = await contact(tenant, 'Bob Best')
  const cy = await contact(tenant, 'Cy Cole')
  const annHome = await address(tenant, ann, 'Huntsville', '35801')
  const bobHome = await address(tenant, bob, PAYLOAD, '35802')
  await address(tenant, cy, 'Madison', '35758')

  // November 2026 in Chicago.
  const t1 = await visit(tenant, ann, annHome, '2026-11-03T15:00:00Z', [
    [windows, 1, 15000],
    [screens, 2, 500],
  ])
  const t2 = await visit(tenant, bob, bobHome, '2026-11-10T16:00:00Z', [[windows, 1, 12000]])
  await visit(tenant, ann, annHome, '2026-12-01T05:30:00Z', [[screens, 1, 3000]])
  await visit(tenant, ann, annHome, '2026-11-25T15:00:00Z', [[windows, 1, 50000]], false)
  // October 31, 23:30 in Chicago: October's, though it is November in UTC. No address on the visit: Cy's own counts.
  await visit(tenant, cy, null, '2026-11-01T04:30:00Z', [[windows, 1, 99900]])
  // November 2025.
  const t6 = await visit(tenant, ann, annHome, '2025-11-05T15:00:00Z', [[windows, 1, 14000]])
  await visit(tenant, cy, null, '2025-11-20T15:00:00Z', [
    [windows, 1, 10000],
    [gutters, 1, 2000],
  ])

  const i1 = await invoice(ann, t1, '2026-11-03', 'paid', 17000)
  await payment(i1, 17000, '2026-11-04T15:00:00Z')
  const i2 = await invoice(bob, t2, '2026-11-10', 'partially_paid', 12000)
  await payment(i2, 5000, '2026-12-01T05:30:00Z')
  const voided = await invoice(bob, null, '2026-11-12', 'void', 50000)
  await payment(voided, 1000, '2026-11-12T15:00:00Z')
  await invoice(ann, null, '2026-11-15', 'draft', 7000)
  const archived = await invoice(ann, null, '2026-11-16', 'sent', 8000, 'archived')
  await payment(archived, 8000, '2026-11-16T15:00:00Z')
  const october = await invoice(cy, null, '2026-10-31', 'paid', 3000)
  await payment(october, 3000, '2026-11-01T04:30:00Z')
  const i6 = await invoice(ann, t6, '2025-11-05', 'paid', 14000)
  await payment(i6, 14000, '2025-11-06T15:00:00Z')

  // Another business, busy the same month: none of it may show.
  const other = await app.createTenant('Rival Windows')
  const otherService = await service(other.tenant_id, 'Rival service')
  const rival = await contact(other.tenant_id, 'Rival customer')
  await visit(other.tenant_id, rival, await address(other.tenant_id, rival, 'Huntsville', '35801'), '2026-11-04T15:00:00Z', [
    [otherService, 1, 777700],
  ])
  return { app, services: { windows, screens, gutters }, otherService }
}
