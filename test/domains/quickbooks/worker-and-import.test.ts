import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncQuickBooks } from '../../../core/domains/quickbooks/sync-job.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import type { FakeQuickBooks } from '../../helpers/fake-quickbooks.js'
import { type QuickBooksFixture, quickbooksFixture } from '../../helpers/quickbooks.js'
import { connectedBusiness, sentInvoice, syncRow } from './sync-fixtures.js'

const WINDOWS = [{ description: 'Window cleaning', unit_price_cents: 9_000 }]

describe.each(engines)('QuickBooks in the worker, and the one-time import (%s)', (engine) => {
  let qb: QuickBooksFixture
  let fake: FakeQuickBooks
  let app: TestApp

  beforeAll(async () => {
    qb = await quickbooksFixture()
    fake = qb.fake
    app = await startTestApp(engine, qb.services)
  })
  afterAll(async () => {
    await app?.close()
    await qb?.close()
  })

  it('syncs a company once when two workers pass at the same moment, then only when due or asked', async () => {
    const b = await connectedBusiness(app, qb)
    await sentInvoice(b, { display_name: 'Two Workers' }, WINDOWS)
    const [first, second] = await Promise.all([syncQuickBooks(app.services), syncQuickBooks(app.services)])
    const mine = [...first.synced, ...second.synced].filter((s) => s.tenant_id === b.tenantId)
    expect(mine).toHaveLength(1)
    expect(fake.records('Customer', b.realmId)).toHaveLength(1)
    expect(fake.records('Invoice', b.realmId)).toHaveLength(1)
    const [conn] = await b.sql('select last_sync_at, last_sync_error, lease_until from quickbooks_connections')
    expect(conn.last_sync_at).toBeTruthy()
    expect(conn.last_sync_error).toBeNull()
    expect(conn.lease_until).toBeNull()
    // Just synced: not due again until asked (or five minutes pass).
    expect((await syncQuickBooks(app.services)).synced.map((s) => s.tenant_id)).not.toContain(b.tenantId)
    await b.sql('update quickbooks_connections set sync_requested_at = now()')
    expect((await syncQuickBooks(app.services)).synced.map((s) => s.tenant_id)).toContain(b.tenantId)
  })

  it('keeps the words of a sync QuickBooks failed as a whole, and waits before trying again', async () => {
    const b = await connectedBusiness(app, qb)
    await sentInvoice(b, { display_name: 'Server Down' }, WINDOWS)
    // Every other company is synced first, so the failures below meet this one.
    await syncQuickBooks(app.services)
    await sentInvoice(b, { display_name: 'Server Still Down' }, WINDOWS)
    await b.sql('update quickbooks_connections set sync_requested_at = now()')
    for (let i = 0; i < 4; i++) fake.failNext(503)
    const pass = await syncQuickBooks(app.services)
    expect(pass.failures.map((f) => f.tenant_id)).toContain(b.tenantId)
    const [conn] = await b.sql('select last_sync_error, backoff_until > now() as waiting from quickbooks_connections')
    expect(conn.last_sync_error).toMatch(/wait a few minutes/)
    expect(conn.waiting).toBe(true)
    expect((await syncQuickBooks(app.services)).synced.map((s) => s.tenant_id)).not.toContain(b.tenantId)
    // Asking again goes past the wait; the sync resumes where it stopped and doubles nothing.
    await b.sql('update quickbooks_connections set sync_requested_at = now()')
    const resumed = await syncQuickBooks(app.services)
    expect(resumed.synced.map((s) => s.tenant_id)).toContain(b.tenantId)
    expect(
      fake
        .records('Customer', b.realmId)
        .map((c) => c.DisplayName)
        .sort(),
    ).toEqual(['Server Down', 'Server Still Down'])
    expect(fake.records('Invoice', b.realmId)).toHaveLength(2)
  })

  it('imports the QuickBooks customers through the import path: a dry run first, matched before created, never twice', async () => {
    const b = await connectedBusiness(app, qb)
    const here = await b.act('contact', 'create', { display_name: 'Already Here', email: 'here@example.com' })
    const company = fake.data[b.realmId]
    company.create('Customer', { DisplayName: 'Already Here Inc', PrimaryEmailAddr: { Address: 'here@example.com' } })
    company.create('Customer', {
      DisplayName: 'Maria Lopez',
      GivenName: 'Maria',
      FamilyName: 'Lopez',
      PrimaryEmailAddr: { Address: 'maria@example.com' },
      PrimaryPhone: { FreeFormNumber: '(256) 555-0100' },
      BillAddr: { Line1: '4 Elm Rd', City: 'Madison', CountrySubDivisionCode: 'AL', PostalCode: '35758' },
    })
    company.create('Customer', { DisplayName: 'Bad Phone Co', PrimaryPhone: { FreeFormNumber: '12' } })

    const dry = await b.act('quickbooks', 'import_customers', {})
    expect(dry.dry_run).toBe(true)
    expect(dry.rows.map((r: any) => r.outcome)).toEqual(['matched', 'created', 'created'])
    expect(dry.rows[2].warnings[0]).toContain('not a phone number')
    expect(await b.sql("select count(*)::int as n from contacts where source = 'quickbooks_import'")).toEqual([{ n: 0 }])

    const done = await b.act('quickbooks', 'import_customers', { dry_run: false })
    expect(done.rows.map((r: any) => r.outcome)).toEqual(['matched', 'created', 'created'])
    const maria = (await b.sql("select id from contacts where display_name = 'Maria Lopez'"))[0]
    expect(await b.sql('select line1, city from addresses where contact_id = $1', [maria.id])).toEqual([
      { line1: '4 Elm Rd', city: 'Madison' },
    ])
    expect(await syncRow(b, 'customer', here.id)).toMatchObject({ state: 'synced', remote_id: '1' })

    const again = await b.act('quickbooks', 'import_customers', { dry_run: false })
    expect(again.rows.map((r: any) => r.outcome)).toEqual(['matched', 'matched', 'matched'])
    expect(await b.sql("select count(*)::int as n from contacts where source = 'quickbooks_import'")).toEqual([{ n: 2 }])
    // Imported customers are the QuickBooks ones: the next sync sends nothing about them.
    const report = await b.sync()
    expect(report.customers).toMatchObject({ created: 0, updated: 0, matched: 0 })
    expect(fake.records('Customer', b.realmId)).toHaveLength(3)
  })

  it("queues an agent's import for the owner", async () => {
    const b = await connectedBusiness(app, qb)
    const r = await app.action(
      'quickbooks',
      'import_customers',
      { dry_run: false },
      { reasoning: 'The owner asked to bring the books in', token: b.agentToken },
    )
    expect(r.status, JSON.stringify(r.body.error)).toBe(202)
    expect(r.body.data.status).toBe('pending_authorization')
    expect(await b.sql("select count(*)::int as n from contacts where source = 'quickbooks_import'")).toEqual([{ n: 0 }])
  })
})
