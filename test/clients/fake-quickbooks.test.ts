import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeQuickBooks, startFakeQuickBooks } from '../helpers/fake-quickbooks.js'

/** The local QuickBooks' own rules, checked on the wire as QuickBooks would answer them. */
describe('local QuickBooks', () => {
  let fake: FakeQuickBooks
  let accessToken: string
  beforeAll(async () => {
    fake = await startFakeQuickBooks()
    accessToken = await tokenFor(fake.realmId)
  })
  afterAll(async () => {
    await fake.close()
  })

  const basic = () => `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`
  async function tokenFor(realmId: string) {
    const code = new URL(fake.authorizeCode(realmId, 'http://127.0.0.1/cb', 's')).searchParams.get('code') ?? ''
    const res = await fetch(`${fake.url}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { Authorization: basic(), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1/cb' }),
    })
    const body: any = await res.json()
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 })
    return body.access_token as string
  }
  const api = async (method: string, path: string, body?: object, token = accessToken, realmId = fake.realmId) => {
    const res = await fetch(`${fake.url}/v3/company/${realmId}/${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const code = (answer: { body: any }) => answer.body.Fault?.Error[0].code ?? answer.body.fault?.error[0].code

  it('answers 401 with an AUTHENTICATION fault for a missing, unknown or expired token, and 403 for another company', async () => {
    const missing = await fetch(`${fake.url}/v3/company/${fake.realmId}/preferences`)
    expect(missing.status).toBe(401)
    expect((await api('GET', 'preferences', undefined, 'nope')).body.fault).toMatchObject({
      type: 'AUTHENTICATION',
      error: [{ code: '3200' }],
    })
    const other = await tokenFor('4620816365000000001')
    expect((await api('GET', 'preferences', undefined, other)).status).toBe(403)
    const aging = await tokenFor(fake.realmId)
    fake.advance(3599_000)
    expect((await api('GET', 'preferences', undefined, aging)).status).toBe(200)
    fake.advance(2_000)
    expect((await api('GET', 'preferences', undefined, aging)).status).toBe(401)
    accessToken = await tokenFor(fake.realmId)
  })

  it('keeps DisplayName unique across customers, vendors and employees, without colons', async () => {
    fake.addVendor('Hillside Hardware')
    fake.addEmployee('Pat Tech')
    expect(code(await api('POST', 'customer', { DisplayName: 'HILLSIDE hardware' }))).toBe('6240')
    expect(code(await api('POST', 'customer', { DisplayName: 'Pat Tech' }))).toBe('6240')
    expect(code(await api('POST', 'vendor', { DisplayName: 'Pat Tech' }))).toBe('6240')
    expect(code(await api('POST', 'customer', { DisplayName: 'Smith: kitchen' }))).toBe('6000')
    expect(code(await api('POST', 'customer', {}))).toBe('2020')
    const made = await api('POST', 'customer', { GivenName: 'Lee', FamilyName: 'Ames' })
    expect(made.body.Customer).toMatchObject({ DisplayName: 'Lee Ames', Id: expect.any(String), SyncToken: '0' })
  })

  it('checks SyncToken on update, merges sparse updates, and renames an inactive customer "(deleted)"', async () => {
    const { Customer: c } = (await api('POST', 'customer', { DisplayName: 'Sync Sue', PrimaryEmailAddr: { Address: 'sue@example.com' } }))
      .body
    const sparse = await api('POST', 'customer', {
      Id: c.Id,
      SyncToken: '0',
      sparse: true,
      BillAddr: { Line1: '1 Main St', City: 'Huntsville' },
    })
    expect(sparse.body.Customer).toMatchObject({
      SyncToken: '1',
      PrimaryEmailAddr: { Address: 'sue@example.com' },
      BillAddr: { City: 'Huntsville' },
    })
    const stale = await api('POST', 'customer', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'x' })
    expect(stale.status).toBe(400)
    expect(stale.body.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '5010', Message: 'Stale Object Error' }] })
    const full = await api('POST', 'customer', { Id: c.Id, SyncToken: '1', DisplayName: 'Sync Sue' })
    expect(full.body.Customer.PrimaryEmailAddr).toBeUndefined()
    const inactive = await api('POST', 'customer', { Id: c.Id, SyncToken: '2', sparse: true, Active: false })
    expect(inactive.body.Customer).toMatchObject({ Active: false, DisplayName: 'Sync Sue (deleted)' })
    // The name is free again, and a plain query does not see inactive customers.
    expect((await api('POST', 'customer', { DisplayName: 'Sync Sue' })).status).toBe(200)
    const q = async (text: string) => (await api('GET', `query?query=${encodeURIComponent(text)}`)).body.QueryResponse
    expect((await q("select * from Customer where DisplayName like 'Sync Sue%'")).Customer).toHaveLength(1)
    expect((await q(`select * from Customer where Active = false and Id = '${c.Id}'`)).Customer).toHaveLength(1)
    expect(await q("select * from Customer where DisplayName = 'Nobody'")).toEqual({})
    expect(code(await api('GET', `query?query=${encodeURIComponent('select * from Nothing')}`))).toBe('4000')
  })

  it('prices invoices to the cent, numbers them per the preference, and takes payments up to the balance', async () => {
    expect(code(await api('POST', 'item', { Name: 'No account', Type: 'Service' }))).toBe('2020')
    const item = (await api('POST', 'item', { Name: 'Screen repair', Type: 'Service', IncomeAccountRef: { value: '1' } })).body.Item
    expect(code(await api('POST', 'item', { Name: 'screen repair', Type: 'Service', IncomeAccountRef: { value: '1' } }))).toBe('6240')
    const customer = (await api('POST', 'customer', { DisplayName: 'Invoice Ivy' })).body.Customer
    const line = (qty: number, price: number, amount: number) => ({
      DetailType: 'SalesItemLineDetail',
      Amount: amount,
      SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: qty, UnitPrice: price },
    })
    expect(code(await api('POST', 'invoice', { CustomerRef: { value: '99999' }, Line: [line(1, 10, 10)] }))).toBe('2500')
    expect(code(await api('POST', 'invoice', { CustomerRef: { value: customer.Id }, Line: [line(3, 0.1, 0.31)] }))).toBe('6070')
    fake.setPreference('CustomTxnNumbers', false)
    const invoice = (
      await api('POST', 'invoice', {
        CustomerRef: { value: customer.Id },
        DocNumber: 'OURS-1',
        Line: [line(3, 0.1, 0.3), line(2, 19.99, 39.98)],
        TxnTaxDetail: { TotalTax: 3.3 },
      })
    ).body.Invoice
    expect(invoice).toMatchObject({ TotalAmt: 43.58, Balance: 43.58 })
    expect(invoice.DocNumber).not.toBe('OURS-1')
    const pay = (amount: number) =>
      api('POST', 'payment', {
        CustomerRef: { value: customer.Id },
        TotalAmt: amount,
        Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }],
      })
    expect(code(await pay(43.59))).toBe('6000')
    expect((await pay(40)).status).toBe(200)
    const after = (await api('GET', `invoice/${invoice.Id}`)).body.Invoice
    expect(after).toMatchObject({ Balance: 3.58, SyncToken: '1', LinkedTxn: [{ TxnType: 'Payment' }] })
  })

  it('reports deleted transactions in change data capture and replays a requestid answer', async () => {
    const customer = (await api('POST', 'customer', { DisplayName: 'Deleted Dan' })).body.Customer
    const item = (await api('GET', `query?query=${encodeURIComponent("select * from Item where Name = 'Screen repair'")}`)).body
      .QueryResponse.Item[0]
    const body = {
      CustomerRef: { value: customer.Id },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 5, SalesItemLineDetail: { ItemRef: { value: item.Id } } }],
    }
    const first = await api('POST', 'invoice?requestid=r-del-1', body)
    const again = await api('POST', 'invoice?requestid=r-del-1', body)
    expect(again.body.Invoice).toEqual(first.body.Invoice)
    const since = fake.now.toISOString()
    fake.advance(1000)
    await api('POST', 'invoice?operation=delete', { Id: first.body.Invoice.Id, SyncToken: '0' })
    const cdc = (await api('GET', `cdc?entities=Invoice,Customer&changedSince=${encodeURIComponent(since)}`)).body
    expect(cdc.CDCResponse[0].QueryResponse[0].Invoice).toEqual([
      { domain: 'QBO', status: 'Deleted', Id: first.body.Invoice.Id, MetaData: { LastUpdatedTime: expect.any(String) } },
    ])
    expect(cdc.CDCResponse[0].QueryResponse[1].Customer).toBeUndefined()
  })
})
