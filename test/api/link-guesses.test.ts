import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { loadConfig } from '../../core/kernel/config.js'
import { issuePayLink } from '../../core/domains/invoices/pay-links.js'
import { issueResponseLinks } from '../../core/domains/messages/response-links.js'
import { issueQuoteLinks } from '../../core/domains/quotes/quote-links.js'
import { asTenant } from '../helpers/fixtures.js'
import { seedLinkedRecords } from '../helpers/linked-records.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'
import { awayFromWindowEdge } from '../helpers/rate-windows.js'

/** Addresses of clients, as the proxy in front names them (TRUST_PROXY=loopback). */
const GUESSER = '203.0.113.7'
const NEIGHBOUR = '198.51.100.20'

describe.each(engines)('guessing the secret of public links (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  /** One real link of each kind, as paths. */
  const real: Record<'quote' | 'respond' | 'pay' | 'calendar', string> = { quote: '', respond: '', pay: '', calendar: '' }

  const from = (client: string, path: string, init: RequestInit = {}) =>
    fetch(app.url + path, { redirect: 'manual', ...init, headers: { 'x-forwarded-for': client, ...init.headers } })
  const made43 = (c: string) => c.repeat(43)

  beforeAll(async () => {
    stripe = await startFakeStripe()
    const config = { ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent', TRUST_PROXY: 'loopback' }), logLevel: 'silent' as const }
    app = await startTestApp(engine, { config })
    app.services.config.publicBaseUrl = app.url
    app.services.integrations.stripe = createPaymentsClient({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_guesses',
      apiBase: stripe.url,
    })
    const { quote, sent, ticket, invoice, confirmation } = await seedLinkedRecords(app)
    // The links delivery would put into the emails, made here as setup.
    const links = await asTenant(app, async (tx) => ({
      quote: await issueQuoteLinks(tx, app.services, app.tenant.tenant_id, { id: sent.message.id, kind: 'quote', quote_id: quote.id }),
      respond: await issueResponseLinks(tx, app.services, app.tenant.tenant_id, {
        id: confirmation.id,
        kind: 'confirmation',
        ticket_id: ticket.id,
      }),
      pay: await issuePayLink(tx, app.services, app.tenant.tenant_id, invoice.id),
    }))
    real.quote = new URL(String(links.quote.quote_accept_link)).pathname
    real.respond = new URL(String(links.respond.confirm_link)).pathname
    real.pay = new URL(links.pay).pathname
    real.calendar = new URL((await app.ownerAction('calendar_feed', 'create', { user_id: null })).https_url).pathname
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  it('twenty unknown secrets from one address, over every kind of link, then RATE_LIMITED saying when to try again', async () => {
    await awayFromWindowEdge()
    const guesses = [`/quote/${made43('a')}`, `/respond/${made43('b')}`, `/pay/${made43('c')}`, `/calendar/${made43('d')}.ics`]
    for (let i = 0; i < 20; i++) expect((await from(GUESSER, guesses[i % 4])).status, guesses[i % 4]).toBe(404)
    for (const path of [...guesses, `/quote/${made43('e')}`]) {
      const refused = await from(GUESSER, path)
      expect(refused.status, path).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      const body = (await refused.json()) as { error: { code: string; message: string; details: { retry_after_seconds: number } } }
      expect(body.error).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^Too many unknown links from this address; try again in \d+ s$/),
      })
    }
    const answered = await from(GUESSER, `/quote/${made43('f')}`, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }) })
    expect(answered.status).toBe(429)
  })

  it('real links keep working, for the guesser too, and are never counted; another address is not held back', async () => {
    expect((await from(GUESSER, real.quote)).status).toBe(200)
    expect((await from(GUESSER, real.respond)).status).toBe(200)
    expect((await from(GUESSER, real.pay)).status).toBe(200)
    expect((await from(GUESSER, real.calendar)).status).toBe(200)
    for (let i = 0; i < 25; i++) expect((await from(NEIGHBOUR, real.respond)).status).toBe(200)
    expect((await from(NEIGHBOUR, `/respond/${made43('g')}`)).status).toBe(404)
    expect((await from(NEIGHBOUR, `/pay/${made43('h')}`)).status).toBe(404)
  })
})
