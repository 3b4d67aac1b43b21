import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../../api/product.js'
import { loadConfig } from '../../../core/kernel/config.js'
import { squareCsv, squareCustomers } from '../../../core/demo/square-export.js'
import { importInBatches } from '../../../core/domains/imports/run-import.js'
import { planSquareCustomers } from '../../../core/domains/imports/square-customers.js'
import { createTenant } from '../../../core/kernel/tenants.js'
import { engines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

/**
 * Customers in the generated export, imported three times (dry run, import, again) on each engine: five batches of 500,
 * so rows are matched across batches and chunks. How fast 10,000 import is a figure of `npm run bench` (square-import).
 */
const COUNT = 2_500

describe.each(engines)('a whole Square customer export (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t?.dispose())

  it(`dry-runs, imports and imports again ${COUNT.toLocaleString('en-US')} customers: the second run creates nothing`, async () => {
    const count = COUNT
    const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, t.db)
    const tenant = await createTenant(t.db, { name: 'Moving Windows', owner_email: 'owner@moving.example' })
    const principal = { tenantId: tenant.tenant_id, actor: { type: 'system' as const, id: null } }
    const customers = squareCustomers(count, 17)
    // The last customer again under a second Square id, with the first one's email: matched, never doubled.
    customers.push({ ...customers[count - 1], 'Square Customer ID': 'SQ-AGAIN', 'Email Address': customers[0]['Email Address'] as string })
    customers.push({ 'First Name': 'Broken', 'Email Address': 'not-an-address', 'Square Customer ID': 'SQ-BROKEN' })
    const rows = planSquareCustomers(squareCsv(customers))
    const run = (dryRun: boolean) => importInBatches(services, principal, rows, { dryRun, batchSize: 500, requestId: randomUUID() })
    const stored = async (table: string) =>
      Number((await t.admin.query<{ n: string }>(`select count(*) as n from ${table} where tenant_id = $1`, [tenant.tenant_id])).rows[0].n)

    const dry = await run(true)
    expect(dry).toMatchObject({ total: count + 2, created: count, matched: 1, refused: 1 })
    expect(dry.rows[count + 1]).toMatchObject({
      line: count + 3,
      outcome: 'refused',
      reason: expect.stringMatching(/Email Address "not-an-address"/),
    })
    expect(await stored('contacts')).toBe(0)

    const first = await run(false)
    expect(first).toMatchObject({ created: count, matched: 1, refused: 1 })
    expect(first.rows[count]).toMatchObject({ matched_by: 'email', contact_id: first.rows[0].contact_id })
    expect(await stored('contacts')).toBe(count)
    // The matched row's street is new to the customer it matched, so it is added to her.
    expect(await stored('addresses')).toBe(count + 1)
    expect(await stored('contact_external_ids')).toBe(count + 1)
    const entries = await t.admin.query<{ n: string }>(
      `select count(*) as n from search_entries where tenant_id = $1 and kind = 'contact'`,
      [tenant.tenant_id],
    )
    expect(Number(entries.rows[0].n)).toBe(count)

    const again = await run(false)
    expect(again).toMatchObject({ created: 0, matched: count + 1, refused: 1 })
    expect(await stored('contacts')).toBe(count)
    expect(await stored('notes')).toBe(Math.ceil(count / 7))
  }, 600_000)
})
