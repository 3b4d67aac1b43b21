import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  describeQuickBooks,
  QUICKBOOKS_MINOR_VERSION,
  QUICKBOOKS_OFF,
  QuickBooksError,
  quickbooksClientFromEnv,
  quickbooksConfigFromEnv,
} from '../../core/domains/quickbooks/client/quickbooks.js'
import { type FakeQuickBooks, startFakeQuickBooks } from '../helpers/fake-quickbooks.js'
import { clientFor, connect, REDIRECT } from './quickbooks-connect.js'

/** The QuickBooksError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<QuickBooksError> {
  const error = await promise.then(
    () => undefined,
    (e) => e,
  )
  expect(error).toBeInstanceOf(QuickBooksError)
  return error as QuickBooksError
}

describe('QuickBooks configuration', () => {
  it('is off unless both the client id and secret are set, with the documented defaults', () => {
    expect(quickbooksClientFromEnv({ QUICKBOOKS_CLIENT_ID: 'id' })).toBeNull()
    expect(quickbooksConfigFromEnv({ QUICKBOOKS_CLIENT_ID: 'id', QUICKBOOKS_CLIENT_SECRET: 'secret' })).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      apiBase: 'https://quickbooks.api.intuit.com',
      authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
      tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      revokeUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      webhookVerifier: undefined,
      requestsPerMinute: 500,
      maxConcurrent: 10,
      throttleWaitMs: 60000,
    })
  })

  it('names the variable of a bad number or address', () => {
    const env = { QUICKBOOKS_CLIENT_ID: 'id', QUICKBOOKS_CLIENT_SECRET: 'secret' }
    expect(() => quickbooksConfigFromEnv({ ...env, QUICKBOOKS_REQUESTS_PER_MINUTE: 'lots' })).toThrow(/QUICKBOOKS_REQUESTS_PER_MINUTE/)
    expect(() => quickbooksConfigFromEnv({ ...env, QUICKBOOKS_MAX_CONCURRENT: '0' })).toThrow(/QUICKBOOKS_MAX_CONCURRENT.*at least 1/)
    expect(() => quickbooksConfigFromEnv({ ...env, QUICKBOOKS_THROTTLE_WAIT_MS: '-5' })).toThrow(/QUICKBOOKS_THROTTLE_WAIT_MS/)
    expect(() => quickbooksConfigFromEnv({ ...env, QUICKBOOKS_API_BASE: 'quickbooks' })).toThrow(/QUICKBOOKS_API_BASE/)
  })

  it('verifies webhook signatures with the verifier token', () => {
    const client = quickbooksClientFromEnv({
      QUICKBOOKS_CLIENT_ID: 'id',
      QUICKBOOKS_CLIENT_SECRET: 's',
      QUICKBOOKS_WEBHOOK_VERIFIER: 'verifier-1',
    })
    const body = Buffer.from('{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[{"name":"Payment","id":"9"}]}}]}')
    const good = createHmac('sha256', 'verifier-1').update(body).digest('base64')
    expect(client?.verifyWebhook(body, good)).toBe(true)
    expect(client?.verifyWebhook(Buffer.from(`${body} `), good)).toBe(false)
    expect(client?.verifyWebhook(body, createHmac('sha256', 'other').update(body).digest('base64'))).toBe(false)
    expect(client?.verifyWebhook(body, undefined)).toBe(false)
    expect(client?.verifyWebhook(body, 'short')).toBe(false)
    const unverified = quickbooksClientFromEnv({ QUICKBOOKS_CLIENT_ID: 'id', QUICKBOOKS_CLIENT_SECRET: 's' })
    expect(unverified?.verifyWebhook(body, good)).toBe(false)
  })
})

describe('QuickBooks client against a local QuickBooks', () => {
  let fake: FakeQuickBooks
  beforeAll(async () => {
    fake = await startFakeQuickBooks()
  })
  afterAll(async () => {
    await fake.close()
  })

  it('sends the owner to Intuit with the app, scope, redirect and state', () => {
    const url = new URL(clientFor(fake).authorizeUrl('state-xyz', REDIRECT))
    expect(`${url.origin}${url.pathname}`).toBe(`${fake.url}/connect/oauth2`)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: fake.clientId,
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      redirect_uri: REDIRECT,
      state: 'state-xyz',
    })
  })

  it('exchanges a code once for tokens with their lifetimes, and refresh tokens roll', async () => {
    const client = clientFor(fake)
    const back = new URL(fake.authorizeCode(fake.realmId, REDIRECT, 's'))
    expect(back.searchParams.get('realmId')).toBe(fake.realmId)
    const now = new Date('2026-11-24T12:00:00Z')
    const code = back.searchParams.get('code') ?? ''
    const tokens = await client.exchangeCode(code, REDIRECT, now)
    expect(tokens.accessExpiresAt.toISOString()).toBe('2026-11-24T13:00:00.000Z')
    expect(tokens.refreshExpiresAt.getTime() - now.getTime()).toBe(8_726_400_000)
    const tokenRequest = fake.requests.findLast((r) => r.path === '/oauth2/v1/tokens/bearer')
    expect(tokenRequest?.body).toEqual({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })
    expect((await failure(client.exchangeCode(code, REDIRECT, now))).code).toBe('invalid_grant')

    const next = await client.refresh(tokens.refreshToken, now)
    expect(next.refreshToken).not.toBe(tokens.refreshToken)
    const replayed = await failure(client.refresh(tokens.refreshToken, now))
    expect(replayed).toMatchObject({ code: 'invalid_grant', status: 400, retryable: false })
    expect((await client.refresh(next.refreshToken, now)).accessToken).toBeTruthy()
  })

  it('refuses a wrong client secret with invalid_client', async () => {
    const client = clientFor(fake, { QUICKBOOKS_CLIENT_SECRET: 'wrong' })
    expect(await failure(client.refresh('anything', new Date()))).toMatchObject({ code: 'invalid_client', status: 401 })
  })

  it('revokes a connection: its tokens stop working at the API and at the token endpoint', async () => {
    const client = clientFor(fake)
    const { company, tokens } = await connect(fake, client)
    await company.preferences()
    await client.revoke(tokens().refreshToken)
    expect(fake.requests.findLast((r) => r.path === '/v2/oauth2/tokens/revoke')?.body).toEqual({ token: tokens().refreshToken })
    expect((await failure(client.refresh(tokens().refreshToken, new Date()))).code).toBe('invalid_grant')
    // The refresh after the 401 fails too, and says so.
    expect((await failure(company.read('Customer', '1'))).code).toBe('invalid_grant')
  })

  it('creates, reads and updates a customer, with the minor version and requestid on the wire', async () => {
    const { company } = await connect(fake, clientFor(fake))
    const created = await company.create(
      'Customer',
      { DisplayName: 'Jane Roe', PrimaryEmailAddr: { Address: 'jane@example.com' } },
      'req-c1',
    )
    expect(created).toMatchObject({ DisplayName: 'Jane Roe', SyncToken: '0', Active: true })
    const write = fake.requests.findLast((r) => r.path.endsWith('/customer'))
    expect(write?.query).toEqual({ requestid: 'req-c1', minorversion: String(QUICKBOOKS_MINOR_VERSION) })
    expect((await company.read('Customer', created.Id)).PrimaryEmailAddr.Address).toBe('jane@example.com')
    const updated = await company.update(
      'Customer',
      { Id: created.Id, SyncToken: created.SyncToken, sparse: true, PrimaryPhone: { FreeFormNumber: '555-0100' } },
      'req-c2',
    )
    expect(updated).toMatchObject({
      SyncToken: '1',
      DisplayName: 'Jane Roe',
      PrimaryPhone: { FreeFormNumber: '555-0100' },
      PrimaryEmailAddr: { Address: 'jane@example.com' },
    })
    expect(fake.requests.every((r) => !r.path.startsWith('/v3') || r.query.minorversion === '75')).toBe(true)
  })

  it('surfaces QuickBooks refusals (6240, 5010, 6140) with their code and own words', async () => {
    const { company } = await connect(fake, clientFor(fake))
    fake.addVendor('Acme Supplies')
    const duplicate = await failure(company.create('Customer', { DisplayName: 'acme supplies' }, 'req-d1'))
    expect(duplicate).toMatchObject({ code: '6240', status: 400, faultType: 'ValidationFault', retryable: false })
    expect(duplicate.message).toMatch(/^Duplicate Name Exists Error: The name supplied already exists/)

    const customer = await company.create('Customer', { DisplayName: 'Stale Sam' }, 'req-s1')
    await company.update('Customer', { Id: customer.Id, SyncToken: '0', sparse: true, Notes: 'first' }, 'req-s2')
    const stale = await failure(company.update('Customer', { Id: customer.Id, SyncToken: '0', sparse: true, Notes: 'second' }, 'req-s3'))
    expect(stale).toMatchObject({ code: '5010', retryable: false })
    expect(stale.message).toMatch(/^Stale Object Error: /)

    fake.setPreference('CustomTxnNumbers', true)
    const item = await company.create('Item', { Name: 'Window cleaning', Type: 'Service', IncomeAccountRef: { value: '1' } }, 'req-i1')
    const invoice = (docNumber: string, requestId: string) =>
      company.create(
        'Invoice',
        {
          CustomerRef: { value: customer.Id },
          DocNumber: docNumber,
          Line: [
            {
              DetailType: 'SalesItemLineDetail',
              Amount: 120,
              SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 120 },
            },
          ],
        },
        requestId,
      )
    await invoice('INV-1001', 'req-n1')
    const taken = await failure(invoice('INV-1001', 'req-n2'))
    expect(taken).toMatchObject({ code: '6140' })
    expect(taken.message).toMatch(/^Duplicate Document Number Error: .*DocNumber=INV-1001/)
  })

  it('treats a Fault answered with HTTP 200 as an error', async () => {
    const { company } = await connect(fake, clientFor(fake))
    fake.failNext(200, {
      Fault: {
        Error: [{ Message: 'A business validation error has occurred', Detail: 'Business Validation Error: closed period', code: '6000' }],
        type: 'ValidationFault',
      },
      time: new Date().toISOString(),
    })
    const error = await failure(company.preferences())
    expect(error).toMatchObject({ status: 200, code: '6000', detail: 'Business Validation Error: closed period', retryable: false })
    expect(error.message).toBe('A business validation error has occurred: Business Validation Error: closed period')
  })

  it('refreshes once after a 401 from a token that expired mid-batch, then carries on', async () => {
    const { company, refreshes } = await connect(fake, clientFor(fake))
    const first = await company.create('Customer', { DisplayName: 'Before Expiry' }, 'req-e1')
    fake.expireAccessTokens()
    const second = await company.create('Customer', { DisplayName: 'After Expiry' }, 'req-e2')
    expect(refreshes()).toBe(1)
    expect(company.stats.retries).toBe(1)
    expect(fake.records('Customer').filter((c) => [first.Id, second.Id].includes(c.Id))).toHaveLength(2)
  })

  it('refreshes once for a batch of requests that all meet the expired token together', async () => {
    const { company, refreshes } = await connect(fake, clientFor(fake))
    await company.preferences()
    fake.expireAccessTokens()
    const batch = await Promise.all(
      Array.from({ length: 6 }, (_, i) => company.create('Customer', { DisplayName: `Batch ${i}` }, `req-b${i}`)),
    )
    expect(batch).toHaveLength(6)
    expect(refreshes()).toBe(1)
  })

  it('gives up with code unauthorized when the refreshed token is refused too', async () => {
    const client = clientFor(fake)
    const { tokens } = await connect(fake, client)
    const company = client.company(fake.realmId, { accessToken: async () => 'not-a-token', afterUnauthorized: async () => 'still-not' })
    expect(tokens().accessToken).toBeTruthy()
    const error = await failure(company.preferences())
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', retryable: false })
  })

  it('repeating a write with the same requestid creates nothing and answers the first record', async () => {
    const { company } = await connect(fake, clientFor(fake))
    const before = fake.counts.created.Customer ?? 0
    const first = await company.create('Customer', { DisplayName: 'Once Only' }, 'req-once')
    const again = await company.create('Customer', { DisplayName: 'Once Only' }, 'req-once')
    expect(again).toEqual(first)
    expect(fake.counts.created.Customer).toBe(before + 1)
    expect(fake.records('Customer').filter((c) => c.DisplayName === 'Once Only')).toHaveLength(1)
  })

  it('queries with where clauses and pages past 1,000 rows', async () => {
    const { company } = await connect(fake, clientFor(fake))
    const data = fake.data[fake.realmId]
    for (let i = 0; i < 2100; i++) data.create('Customer', { DisplayName: `Bulk ${String(i).padStart(4, '0')}`, CompanyName: 'Bulk' })
    const bulk = await company.query('Customer', "CompanyName = 'Bulk'")
    expect(bulk).toHaveLength(2100)
    expect(new Set(bulk.map((c) => c.Id)).size).toBe(2100)
    const queries = fake.requests.filter((r) => r.path.endsWith('/query')).slice(-3)
    expect(queries.map((r) => r.query.query)).toEqual([
      "select * from Customer where CompanyName = 'Bulk' startposition 1 maxresults 1000",
      "select * from Customer where CompanyName = 'Bulk' startposition 1001 maxresults 1000",
      "select * from Customer where CompanyName = 'Bulk' startposition 2001 maxresults 1000",
    ])
    data.create('Customer', { DisplayName: "O'Brien Plumbing", PrimaryEmailAddr: { Address: 'ob@example.com' } })
    expect(await company.query('Customer', "DisplayName = 'O\\'Brien Plumbing'")).toHaveLength(1)
    expect(await company.query('Customer', "PrimaryEmailAddr = 'ob@example.com'")).toHaveLength(1)
    expect(await company.query('Customer', "DisplayName = 'Nobody Here'")).toEqual([])
    const unknown = await failure(company.query('Spaceship'))
    expect(unknown).toMatchObject({ code: '4000', status: 400 })
  })

  it('reads changes since a time (cdc), a bookkeeper payment among them, and voids an invoice', async () => {
    const { company } = await connect(fake, clientFor(fake))
    const customer = await company.create('Customer', { DisplayName: 'Cdc Carla' }, 'req-cdc1')
    const item = await company.create('Item', { Name: 'Gutter cleaning', IncomeAccountRef: { value: '1' } }, 'req-cdc2')
    const invoice = await company.create(
      'Invoice',
      {
        CustomerRef: { value: customer.Id },
        Line: [
          {
            DetailType: 'SalesItemLineDetail',
            Amount: 80.5,
            SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 80.5 },
          },
        ],
        TxnTaxDetail: { TotalTax: 6.44 },
      },
      'req-cdc3',
    )
    expect(invoice).toMatchObject({ TotalAmt: 86.94, Balance: 86.94 })
    const since = new Date(fake.now.getTime())
    fake.advance(1000)
    const payment = fake.bookkeeperPayment(invoice.Id, 50)
    const changed = await company.changedSince(['Payment', 'Invoice', 'Customer'], since)
    expect(changed.Payment.map((p) => p.Id)).toEqual([payment.Id])
    expect(changed.Invoice).toMatchObject([{ Id: invoice.Id, Balance: 36.94 }])
    expect(changed.Customer).toEqual([])

    const current = await company.read('Invoice', invoice.Id)
    const stale = await failure(company.voidInvoice(invoice.Id, invoice.SyncToken, 'req-void0'))
    expect(stale.code).toBe('5010')
    const voided = await company.voidInvoice(invoice.Id, current.SyncToken, 'req-void1')
    expect(voided).toMatchObject({ Balance: 0, PrivateNote: 'Voided' })
    const request = fake.requests.findLast((r) => r.path.endsWith('/invoice'))
    expect(request?.query).toMatchObject({ operation: 'void', requestid: 'req-void1' })
  })

  it('accepts a webhook delivery signed with the verifier token, and only that', async () => {
    const client = clientFor(fake, { QUICKBOOKS_WEBHOOK_VERIFIER: 'verifier-abc' })
    const delivery = fake.webhook('verifier-abc', [{ name: 'Payment', id: '12', operation: 'Create' }])
    expect(JSON.parse(delivery.body).eventNotifications[0]).toMatchObject({
      realmId: fake.realmId,
      dataChangeEvent: { entities: [{ name: 'Payment', id: '12', operation: 'Create' }] },
    })
    expect(client.verifyWebhook(Buffer.from(delivery.body), delivery.signature)).toBe(true)
    const forged = fake.webhook('someone-else', [{ name: 'Payment', id: '12' }])
    expect(client.verifyWebhook(Buffer.from(forged.body), forged.signature)).toBe(false)
  })

  it('says in the start banner whether QuickBooks is on and where', () => {
    expect(describeQuickBooks(null)).toBe(QUICKBOOKS_OFF)
    expect(describeQuickBooks(clientFor(fake))).toBe(`QuickBooks Online (API at ${fake.url}, minor version 75)`)
  })

  it('reads the company name and preferences, where CustomTxnNumbers says whether our DocNumber is kept', async () => {
    const { company } = await connect(fake, clientFor(fake))
    fake.data[fake.realmId].companyName = 'Sparkle Windows LLC'
    expect(await company.read('CompanyInfo', fake.realmId)).toMatchObject({ CompanyName: 'Sparkle Windows LLC', Id: fake.realmId })
    fake.setPreference('CustomTxnNumbers', false)
    expect((await company.preferences()).SalesFormsPrefs.CustomTxnNumbers).toBe(false)
    fake.setPreference('CustomTxnNumbers', true)
    expect((await company.preferences()).SalesFormsPrefs.CustomTxnNumbers).toBe(true)
  })
})
