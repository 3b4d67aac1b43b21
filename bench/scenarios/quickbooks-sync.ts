import { randomBytes, randomUUID } from 'node:crypto'
import { createServices } from '../../api/product.js'
import { createQuickBooksClient, quickbooksConfigFromEnv } from '../../core/domains/quickbooks/client/quickbooks.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { withTenant } from '../../core/db/tenant.js'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { saveConnection } from '../../core/domains/quickbooks/connection.js'
import { syncCompany } from '../../core/domains/quickbooks/sync/sync-company.js'
import { sealTokens } from '../../core/domains/quickbooks/tokens.js'
import { writePersonalData } from '../../core/personal-data/write.js'
import { createSecretBox } from '../../core/kernel/secret-box.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { startFakeQuickBooks } from '../fake-quickbooks.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** How much a first sync sends, and QuickBooks' published limit it is held to (both can be lowered for a quick look). */
const CUSTOMERS = Number(process.env.BENCH_QUICKBOOKS_CUSTOMERS ?? 2_000)
const INVOICES = Number(process.env.BENCH_QUICKBOOKS_INVOICES ?? 5_000)
const PER_MINUTE = Number(process.env.BENCH_QUICKBOOKS_PER_MINUTE ?? 500)

/**
 * A business's first QuickBooks sync: CUSTOMERS customers with INVOICES sent invoices (two lines each, one a catalog
 * service), against the local QuickBooks holding the client to PER_MINUTE requests a minute and 10 at once, as Intuit
 * does. Then a second sync, which must send nothing. Prints the time, requests, 429s and duplicates (must be 0).
 */
export const quickbooksFirstSync: Scenario = {
  name: 'quickbooks first sync',
  needs: 'nothing',
  async run() {
    const fake = await startFakeQuickBooks({ requestsPerMinute: PER_MINUTE, maxConcurrent: 10 })
    const db = await openPglite(undefined)
    try {
      await migrate(db)
      await writePersonalData(db, PERSONAL_DATA)
      const config = quickbooksConfigFromEnv({ ...fake.env, QUICKBOOKS_REQUESTS_PER_MINUTE: String(PER_MINUTE) })
      if (!config) throw new Error('the local QuickBooks gave no client id')
      const client = createQuickBooksClient(config)
      const secrets = createSecretBox(randomBytes(32))
      const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db, {
        integrations: { quickbooks: client },
        secrets,
      })
      const tenant = await createTenant(db, { name: 'Books Windows', owner_email: 'owner@books.example' })
      fake.setPreference('CustomTxnNumbers', true)
      await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) => seed(tx, tenant.tenant_id))
      const back = new URL(fake.authorizeCode(fake.realmId, 'http://127.0.0.1/callback', 'bench'))
      const tokens = await client.exchangeCode(back.searchParams.get('code') ?? '', 'http://127.0.0.1/callback', new Date())
      await withTenant(db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) =>
        saveConnection(tx, tenant.tenant_id, fake.realmId, sealTokens(secrets, tokens), null),
      )
      const started = performance.now()
      const first = await syncCompany(services, tenant.tenant_id, randomUUID())
      const seconds = (performance.now() - started) / 1000
      const firstRequests = fake.requests.length
      const firstThrottled = fake.counts.throttled
      const again = await syncCompany(services, tenant.tenant_id, randomUUID())
      const secondRequests = fake.requests.length - firstRequests
      const customers = fake.records('Customer')
      const invoices = fake.records('Invoice')
      const doubled =
        customers.length -
        new Set(customers.map((c) => c.DisplayName)).size +
        (invoices.length - new Set(invoices.map((i) => i.DocNumber)).size)
      const missing = CUSTOMERS - customers.length + (INVOICES - invoices.length)
      const sentAgain = again.customers.created + again.customers.updated + again.invoices.created + again.invoices.updated
      const rows: BenchRow[] = [
        {
          measure: `first sync: ${CUSTOMERS} customers, ${INVOICES} invoices at ${PER_MINUTE} requests/min`,
          value: `${(seconds / 60).toFixed(1)} min (${seconds.toFixed(0)} s)`,
          note: `${first.customers.created} customers and ${first.invoices.created} invoices created, ${first.items.created} items; ${(firstRequests / (seconds / 60)).toFixed(0)} requests/min`,
        },
        { measure: 'first sync: requests to QuickBooks', value: String(firstRequests) },
        { measure: 'first sync: answered 429 (throttled)', value: String(firstThrottled), target: '0', met: firstThrottled === 0 },
        { measure: 'records doubled in QuickBooks', value: String(doubled), target: '0', met: doubled === 0 },
        { measure: 'records missing from QuickBooks', value: String(missing), target: '0', met: missing === 0 },
        {
          measure: 'second sync: records sent again',
          value: String(sentAgain),
          target: '0',
          met: sentAgain === 0,
          note: `${secondRequests} requests (reads: preferences are kept, so only the change feed)`,
        },
      ]
      return rows
    } finally {
      await db.close()
      await fake.close()
    }
  },
}

/** The customers, one catalog service and the sent invoices, written straight to the tables (the sync is measured, not the making). */
async function seed(tx: import('../../core/db/types.js').Queryable, tenantId: string): Promise<void> {
  await tx.query(`insert into services (tenant_id, name, pricing, price_cents) values ($1, 'Screen cleaning', 'fixed', 4000)`, [tenantId])
  await tx.query(
    `insert into contacts (tenant_id, display_name, first_name, last_name, emails, lifecycle)
     select $1, 'Customer ' || n, 'Customer', n::text, jsonb_build_array(jsonb_build_object('value', 'customer' || n || '@books.example')), 'customer'
     from generate_series(1, $2) n`,
    [tenantId, CUSTOMERS],
  )
  await tx.query(
    `insert into invoices (tenant_id, number, contact_id, status, currency, issued_on, due_on, subtotal_cents, tax_cents, total_cents, sent_at)
     select $1, 'INV-2026-' || lpad(n::text, 5, '0'), c.id, 'draft', 'USD', date '2026-10-01', date '2026-10-31', 16500, 0, 16500, null
     from generate_series(1, $2) n
     join (select id, row_number() over (order by id) as k from contacts) c on c.k = 1 + (n - 1) % $3`,
    [tenantId, INVOICES, CUSTOMERS],
  )
  await tx.query(
    `insert into invoice_line_items (tenant_id, invoice_id, service_id, description, quantity, unit_price_cents, position)
     select $1::uuid, i.id, null::uuid, 'Window cleaning', 1, 12500, 0 from invoices i
     union all
     select $1::uuid, i.id, s.id, 'Screen cleaning', 1, 4000, 1 from invoices i cross join services s`,
    [tenantId],
  )
  // Sent once their lines are in: a sent invoice's lines never change.
  await tx.query(`update invoices set status = 'sent', sent_at = now()`)
}
