import { afterEach, describe, expect, it } from 'vitest'
import { QuickBooksError } from '../../core/domains/quickbooks/client/quickbooks.js'
import { type FakeQuickBooks, type FakeQuickBooksOptions, startFakeQuickBooks } from '../helpers/fake-quickbooks.js'
import { clientFor, connect } from './quickbooks-connect.js'

describe('QuickBooks client limits and retries', () => {
  let fake: FakeQuickBooks | undefined
  const start = async (options: FakeQuickBooksOptions = {}) => {
    fake = await startFakeQuickBooks(options)
    return fake
  }
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  it('waits after a 429 (Retry-After when given, else the configured wait) and then succeeds', async () => {
    const fake = await start()
    const { company } = await connect(fake, clientFor(fake, { QUICKBOOKS_THROTTLE_WAIT_MS: '300' }))
    fake.failNext(429)
    let started = Date.now()
    await company.preferences()
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    fake.failNext(429, undefined, { 'Retry-After': '1' })
    started = Date.now()
    await company.preferences()
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(company.stats).toMatchObject({ throttled: 2, retries: 2, requests: 4 })
  })

  it('takes a ThrottleExceeded fault (003001) answered with HTTP 200 as a throttle too', async () => {
    const fake = await start()
    const { company } = await connect(fake, clientFor(fake))
    fake.failNext(200, {
      Fault: {
        Error: [{ Message: 'message=ThrottleExceeded', Detail: 'The request limit was reached.', code: '003001' }],
        type: 'SERVICE',
      },
    })
    expect((await company.preferences()).SalesFormsPrefs).toBeDefined()
    expect(company.stats.throttled).toBe(1)
  })

  it('gives up after five throttled retries with a retryable error', async () => {
    const fake = await start()
    const { company } = await connect(fake, clientFor(fake, { QUICKBOOKS_THROTTLE_WAIT_MS: '10' }))
    for (let i = 0; i < 6; i++) fake.failNext(429)
    const error = await company.preferences().catch((e) => e)
    expect(error).toBeInstanceOf(QuickBooksError)
    expect(error).toMatchObject({ status: 429, code: '003001', retryable: true })
    expect(company.stats).toMatchObject({ requests: 6, throttled: 6 })
  })

  it('backs off on server errors, succeeds when they pass, and errors (retryable) when they do not', async () => {
    const fake = await start()
    const { company } = await connect(fake, clientFor(fake, {}, { backoffMs: [100, 200, 400] }))
    fake.failNext(503)
    let started = Date.now()
    await company.preferences()
    expect(Date.now() - started).toBeGreaterThanOrEqual(100)
    for (let i = 0; i < 4; i++) fake.failNext(500)
    started = Date.now()
    const error = await company.preferences().catch((e) => e)
    expect(Date.now() - started).toBeGreaterThanOrEqual(700)
    expect(error).toMatchObject({ status: 500, code: '10000', retryable: true })
    expect(error.message).toMatch(/^An application error has occurred while processing your request: System Failure Error/)
  })

  it('uses the default backoff of 0.5 s, 1 s and 2 s', async () => {
    const fake = await start()
    const { company } = await connect(fake, clientFor(fake, {}, { backoffMs: undefined }))
    for (let i = 0; i < 4; i++) fake.failNext(502)
    const started = Date.now()
    await expect(company.preferences()).rejects.toMatchObject({ status: 502, retryable: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(3500)
  })

  it('says a network failure is retryable', async () => {
    const fake = await start()
    const client = clientFor(fake)
    const { company } = await connect(fake, client)
    await fake.close()
    await expect(company.preferences()).rejects.toMatchObject({ code: 'network', status: 0, retryable: true })
    await expect(client.refresh('x', new Date())).rejects.toMatchObject({ code: 'network', retryable: true })
  })

  it('keeps under the requests per window: the fake throttles nothing when the limits match', async () => {
    const fake = await start({ requestsPerMinute: 20, windowMs: 1000 })
    const client = clientFor(fake, { QUICKBOOKS_REQUESTS_PER_MINUTE: '20' }, { windowMs: 1000 })
    const { company } = await connect(fake, client)
    // Two companies of one client share the limit of their realm.
    const { company: again } = await connect(fake, client)
    const started = Date.now()
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? company : again).create('Customer', { DisplayName: `Paced ${i}` }, `paced-${i}`)),
    )
    expect(fake.counts.throttled).toBe(0)
    expect(fake.counts.created.Customer).toBe(50)
    // 50 requests at 20 a second cannot all have gone before two windows passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
  })

  it('meets 429s when it allows more than the company may send, and still gets everything done', async () => {
    const fake = await start({ requestsPerMinute: 20, windowMs: 1000 })
    const client = clientFor(fake, { QUICKBOOKS_REQUESTS_PER_MINUTE: '100', QUICKBOOKS_THROTTLE_WAIT_MS: '200' }, { windowMs: 1000 })
    const { company } = await connect(fake, client)
    await Promise.all(Array.from({ length: 30 }, (_, i) => company.create('Customer', { DisplayName: `Pushy ${i}` }, `pushy-${i}`)))
    expect(fake.counts.throttled).toBeGreaterThan(0)
    expect(company.stats.throttled).toBe(fake.counts.throttled)
    expect(fake.counts.created.Customer).toBe(30)
  })

  it('keeps under the concurrent requests of a company', async () => {
    const fake = await start({ maxConcurrent: 3, latencyMs: 50 })
    const { company } = await connect(fake, clientFor(fake, { QUICKBOOKS_MAX_CONCURRENT: '3' }))
    await Promise.all(Array.from({ length: 24 }, () => company.preferences()))
    expect(fake.counts.throttled).toBe(0)

    const { company: eager } = await connect(fake, clientFor(fake, { QUICKBOOKS_MAX_CONCURRENT: '8' }))
    await Promise.all(Array.from({ length: 24 }, () => eager.preferences()))
    expect(fake.counts.throttled).toBeGreaterThan(0)
  })
})
