import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { QuickBooksClient } from '../../../core/domains/quickbooks/client/quickbooks.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import type { FakeQuickBooks } from '../../helpers/fake-quickbooks.js'
import { type QuickBooksFixture, quickbooksFixture } from '../../helpers/quickbooks.js'
import { connectedBusiness, sentInvoice, syncRow } from './sync-fixtures.js'

const WINDOWS = [{ description: 'Window cleaning', unit_price_cents: 12_500, quantity: 2 }]

describe.each(engines)('QuickBooks sync (%s)', (engine) => {
  let qb: QuickBooksFixture
  let fake: FakeQuickBooks
  let client: QuickBooksClient
  let app: TestApp

  beforeAll(async () => {
    qb = await quickbooksFixture()
    fake = qb.fake
    client = qb.client
    app = await startTestApp(engine, qb.services)
  })
  afterAll(async () => {
    await app?.close()
    await qb?.close()
  })

  it('sends customers, items, invoices and payments once; a second sync creates nothing', async () => {
    const b = await connectedBusiness(app, qb)
    fake.setPreference('CustomTxnNumbers', true, b.realmId)
    await b.sql('update tenants set default_tax_rate_bp = 825 where id = app_tenant()')
    const service = await b.act('service', 'create', { name: 'Screen: cleaning', pricing: 'fixed', price_cents: 4_000 })
    const jane = await sentInvoice(b, { display_name: 'Jane Smith', email: 'jane@example.com', phones: [{ value: '(256) 555-0142' }] }, [
      ...WINDOWS,
      { service_id: service.id, quantity: 3 },
    ])
    await b.act('address', 'add', { contact_id: jane.contactId, line1: '12 Oak St', city: 'Huntsville', state: 'AL', postal_code: '35801' })
    await b.act('invoice', 'record_payment', { invoice_id: jane.invoiceId, amount_cents: 10_000, method: 'check', reference: '1042' })
    // A prospect with nothing sent is not a customer of the books.
    await b.act('contact', 'create', { display_name: 'Just Asking' })

    const report = await b.sync()
    expect(report.customers).toMatchObject({ created: 1, failed: 0 })
    expect(report.invoices).toMatchObject({ created: 1, failed: 0, disagreed: 0 })
    expect(report.payments_out).toMatchObject({ created: 1, failed: 0 })
    const [customer] = fake.records('Customer', b.realmId)
    expect(customer).toMatchObject({
      DisplayName: 'Jane Smith',
      PrimaryEmailAddr: { Address: 'jane@example.com' },
      BillAddr: { Line1: '12 Oak St', City: 'Huntsville', CountrySubDivisionCode: 'AL', PostalCode: '35801' },
    })
    // QuickBooks refuses a colon in a name: the item is named without it.
    expect(fake.records('Item', b.realmId).map((i) => i.Name)).toContain('Screen- cleaning')
    const [invoice] = fake.records('Invoice', b.realmId)
    expect(invoice.DocNumber).toBe(jane.number)
    expect(invoice.CustomerRef.value).toBe(customer.Id)
    expect(Math.round(invoice.TotalAmt * 100)).toBe(jane.totalCents)
    expect(Math.round(invoice.Balance * 100)).toBe(jane.totalCents - 10_000)
    expect(fake.records('Payment', b.realmId)).toHaveLength(1)
    expect(await syncRow(b, 'invoice', jane.invoiceId)).toMatchObject({ state: 'synced', remote_id: invoice.Id, error: null })

    const writes = () => fake.requests.filter((r) => r.method === 'POST' && r.path.includes(b.realmId)).length
    const before = writes()
    const again = await b.sync()
    expect(again.customers).toMatchObject({ created: 0, updated: 0, matched: 0 })
    expect(again.invoices).toMatchObject({ created: 0, updated: 0 })
    expect(again.payments_out.created).toBe(0)
    expect(writes()).toBe(before)
    expect(fake.records('Customer', b.realmId)).toHaveLength(1)
    expect(fake.records('Invoice', b.realmId)).toHaveLength(1)
  })

  it('matches a QuickBooks customer by email, then by DisplayName, before creating one', async () => {
    const b = await connectedBusiness(app, qb)
    const byEmail = await b.act('contact', 'create', { display_name: 'Robert Jones', email: 'bob@example.com' })
    const byName = await b.act('contact', 'create', { display_name: 'Acme Property Management' })
    await sentInvoice(b, byEmail.id, WINDOWS)
    await sentInvoice(b, byName.id, WINDOWS)
    const seeded = await client
      .company(b.realmId, { accessToken: async () => tokenOf(b), afterUnauthorized: async () => tokenOf(b) })
      .create('Customer', { DisplayName: 'Bob Jones', PrimaryEmailAddr: { Address: 'BOB@example.com' } }, 'seed-1')
    const seededName = await client
      .company(b.realmId, { accessToken: async () => tokenOf(b), afterUnauthorized: async () => tokenOf(b) })
      .create('Customer', { DisplayName: 'Acme Property Management' }, 'seed-2')

    const report = await b.sync()
    expect(report.customers).toMatchObject({ created: 0, matched: 2 })
    expect(fake.records('Customer', b.realmId)).toHaveLength(2)
    expect((await syncRow(b, 'customer', byEmail.id))?.remote_id).toBe(seeded.Id)
    expect((await syncRow(b, 'customer', byName.id))?.remote_id).toBe(seededName.Id)
  })

  it('makes a DisplayName a vendor or employee holds unique, says so, and goes on with the batch', async () => {
    const b = await connectedBusiness(app, qb)
    fake.addVendor('Pat Green', b.realmId)
    fake.addEmployee('Pat Green (2)', b.realmId)
    const pat = await sentInvoice(b, { display_name: 'Pat Green', email: 'pat@example.com' }, WINDOWS)
    const other = await sentInvoice(b, { display_name: 'Lee Brown' }, WINDOWS)
    const report = await b.sync()
    expect(report.customers).toMatchObject({ created: 2, renamed: 1, failed: 0 })
    const row = await syncRow(b, 'customer', pat.contactId)
    expect(row).toMatchObject({ state: 'synced' })
    expect(row?.note).toContain('"Pat Green (3)"')
    expect(
      fake
        .records('Customer', b.realmId)
        .map((c) => c.DisplayName)
        .sort(),
    ).toEqual(['Lee Brown', 'Pat Green (3)'])
    expect((await syncRow(b, 'invoice', other.invoiceId))?.state).toBe('synced')
    expect((await syncRow(b, 'invoice', pat.invoiceId))?.state).toBe('synced')
  })

  it('sends a change with the SyncToken it holds, and re-reads a stale one once', async () => {
    const b = await connectedBusiness(app, qb)
    const jane = await sentInvoice(b, { display_name: 'Jane Change', email: 'old@example.com' }, WINDOWS)
    await b.sync()
    const [remote] = fake.records('Customer', b.realmId)
    // The bookkeeper edits the customer in QuickBooks: the SyncToken we hold is now stale.
    await client
      .company(b.realmId, { accessToken: async () => tokenOf(b), afterUnauthorized: async () => tokenOf(b) })
      .update('Customer', { Id: remote.Id, SyncToken: remote.SyncToken, sparse: true, Notes: 'Gate code 1234' }, 'bookkeeper-1')
    await b.act('contact', 'update', { contact_id: jane.contactId, emails: [{ value: 'new@example.com' }] })
    const report = await b.sync()
    expect(report.customers).toMatchObject({ updated: 1, failed: 0 })
    const [after] = fake.records('Customer', b.realmId)
    expect(after.PrimaryEmailAddr.Address).toBe('new@example.com')
    expect(after.Notes).toBe('Gate code 1234')
    const stale = fake.requests.filter((r) => r.path.endsWith('/customer') && (r.body as any)?.SyncToken === remote.SyncToken)
    expect(stale.length).toBeGreaterThanOrEqual(2)
  })

  it('voids in QuickBooks an invoice voided here, and reports totals that disagree instead of rounding them away', async () => {
    const b = await connectedBusiness(app, qb)
    await b.sql('update tenants set default_tax_rate_bp = 825 where id = app_tenant()')
    const voided = await sentInvoice(b, { display_name: 'Void Me' }, WINDOWS)
    await b.sync()
    await b.act('invoice', 'void', { invoice_id: voided.invoiceId, reason: 'billed twice' })
    expect((await b.sync()).invoices.voided).toBe(1)
    const [remote] = fake.records('Invoice', b.realmId)
    expect(remote.Balance).toBe(0)
    expect((await syncRow(b, 'invoice', voided.invoiceId))?.voided).toBe(true)
    expect((await b.sync()).invoices.voided).toBe(0)

    // The company computes its own sales tax (automated sales tax) at another rate: QuickBooks' total differs by cents.
    fake.data[b.realmId].automatedSalesTaxBp = 800
    const taxed = await sentInvoice(b, { display_name: 'Tax Payer' }, WINDOWS)
    const report = await b.sync()
    expect(report.invoices.disagreed).toBe(1)
    const row = await syncRow(b, 'invoice', taxed.invoiceId)
    expect(row?.state).toBe('failed')
    expect(row?.error).toContain('QuickBooks has 270.00, this invoice 270.63')
    expect(row?.remote_id).toBeTruthy()
    // It is not sent again until it changes or the owner retries it.
    expect((await b.sync()).invoices).toMatchObject({ created: 0, updated: 0, disagreed: 0 })
  })

  it('records a payment the bookkeeper entered in QuickBooks once, so the invoice is not shown as owed', async () => {
    const b = await connectedBusiness(app, qb)
    const jane = await sentInvoice(b, { display_name: 'Jane Pays' }, WINDOWS)
    await b.sync()
    const [remote] = fake.records('Invoice', b.realmId)
    fake.bookkeeperPayment(remote.Id, 250, b.realmId)
    const report = await b.sync()
    expect(report.payments_in.recorded).toBe(1)
    const [invoice] = await b.sql('select status, amount_paid_cents from invoices where id = $1', [jane.invoiceId])
    expect(invoice).toEqual({ status: 'paid', amount_paid_cents: 25_000 })
    const payments = await b.sql('select method, reference from payments where invoice_id = $1', [jane.invoiceId])
    expect(payments).toEqual([{ method: 'quickbooks', reference: expect.stringContaining('QuickBooks payment') }])
    // Read again (the overlap re-reads the same changes): nothing recorded twice, nothing sent back.
    await b.sql('update quickbooks_connections set changes_since = null')
    const again = await b.sync()
    expect(again.payments_in.recorded).toBe(0)
    expect(again.payments_out.created).toBe(0)
    expect(await b.sql('select count(*)::int as n from payments where invoice_id = $1', [jane.invoiceId])).toEqual([{ n: 1 }])
    expect(fake.records('Payment', b.realmId)).toHaveLength(1)
  })

  it('never creates a second record after a crash between the QuickBooks write and our commit', async () => {
    const b = await connectedBusiness(app, qb)
    const jane = await sentInvoice(b, { display_name: 'Jane Crash', email: 'crash@example.com' }, WINDOWS)
    // The process dies right after QuickBooks made the customer and the invoice: their answers never reach our database.
    const real = app.services.integrations.quickbooks as QuickBooksClient
    let crashes = 0
    app.services.integrations.quickbooks = stoppingAfter(real, ['Customer', 'Invoice'], () => crashes++)
    try {
      await expect(b.sync()).rejects.toThrow('the process stopped')
    } finally {
      app.services.integrations.quickbooks = real
    }
    expect(crashes).toBe(1)
    expect(fake.records('Customer', b.realmId)).toHaveLength(1)
    await b.sync()
    app.services.integrations.quickbooks = stoppingAfter(real, ['Invoice'], () => {})
    await b.sql("update quickbooks_records set state = 'pending', fingerprint = null where kind = 'invoice'")
    try {
      await b.sync().catch(() => {})
    } finally {
      app.services.integrations.quickbooks = real
    }
    await b.sync()
    expect(fake.records('Customer', b.realmId)).toHaveLength(1)
    expect(fake.records('Invoice', b.realmId)).toHaveLength(1)
    expect(await syncRow(b, 'invoice', jane.invoiceId)).toMatchObject({ state: 'synced' })
  })

  it('refreshes a token that expires mid-batch, and stops for the owner when Intuit refuses the refresh', async () => {
    const b = await connectedBusiness(app, qb)
    for (let i = 0; i < 4; i++) await sentInvoice(b, { display_name: `Mid Batch ${i}` }, WINDOWS)
    const [before] = await b.sql('select refresh_token from quickbooks_connections')
    fake.expireAccessTokens()
    const report = await b.sync()
    expect(report.invoices.created).toBe(4)
    const [after] = await b.sql('select refresh_token, status from quickbooks_connections')
    expect(after.refresh_token).not.toBe(before.refresh_token)
    expect(after.status).toBe('connected')

    // The grant is gone at Intuit (revoked there): the refresh is refused once and never retried.
    await client.revoke(app.services.secrets?.open(after.refresh_token) ?? '')
    fake.expireAccessTokens()
    await sentInvoice(b, { display_name: 'After Revoke' }, WINDOWS)
    await expect(b.sync()).rejects.toThrow(/connect again/)
    const [stopped] = await b.sql('select status, status_reason, access_token from quickbooks_connections')
    expect(stopped).toMatchObject({ status: 'needs_reconnect', access_token: null })
    expect(stopped.status_reason).toMatch(/Intuit refused/)
  })

  /** The client, except that the process stops right after QuickBooks made one of these: the answer never reaches our database. */
  function stoppingAfter(real: QuickBooksClient, entities: string[], stopped: () => void): QuickBooksClient {
    return {
      ...real,
      company: (realmId, tokens) => {
        const company = real.company(realmId, tokens)
        return {
          ...company,
          create: async (entity: string, body: object, requestId: string) => {
            const made = await company.create(entity, body, requestId)
            if (!entities.includes(entity)) return made
            stopped()
            throw new Error('the process stopped')
          },
        }
      },
    }
  }

  async function tokenOf(b: { sql: (t: string) => Promise<any[]> }): Promise<string> {
    const [row] = await b.sql('select access_token from quickbooks_connections')
    return app.services.secrets?.open(row.access_token) ?? ''
  }
})
