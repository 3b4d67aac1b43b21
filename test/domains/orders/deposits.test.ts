import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient, type PaymentsClient } from '../../../core/clients/payments.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { signedDelivery, startFakeStripe, stripeEvent, type FakeStripe } from '../../helpers/fake-stripe.js'
import { expectFields, made } from '../../helpers/fixtures.js'

const SECRET = 'whsec_test_deposit_secret_0123456789'

/** Tuesday 2026-10-27, 10:15 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }

describe.each(engines)("a deposit asked on a quote, paid on Stripe's page on accepting, credited on the final invoice (%s)", (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  let payments: PaymentsClient
  let jane: string

  beforeAll(async () => {
    stripe = await startFakeStripe()
    payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url })
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: payments } })
    jane = (await made(app, 'contact', 'create', { display_name: 'Jane Dempsey', email: 'jane@example.com' })).id
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  /** A quote of 150.00 (no tax) asking the given deposit, sent and delivered: its accept link. */
  async function sentQuote(deposit: Record<string, number>): Promise<{ quote: any; accept: string }> {
    const quote = await made(app, 'quote', 'create', {
      contact_id: jane,
      line_items: [{ description: 'Windows', unit_price_cents: 15_000, taxable: false }],
      ...deposit,
    })
    await made(app, 'quote', 'send', { quote_id: quote.id }, 'she asked')
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(app.services)
    const text = String(app.email.sent.at(-1)?.text)
    return { quote, accept: /http:\/\/127\.0\.0\.1:\d+\/quote\/[\w-]{43}/.exec(text)![0] }
  }
  const accept = (link: string) => fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }) }).then((r) => r.text())
  const orderOf = async (quoteId: string) => expectData(await app.query({ type: 'orders', quote_id: quoteId })).items[0]
  const deliver = (event: unknown) => {
    const signed = signedDelivery(event, SECRET)
    return fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
      body: signed.body,
    })
  }

  it("accepting offers Stripe's page for the deposit; the paid deposit is recorded once and credited on the order's invoice", async () => {
    const { quote, accept: link } = await sentQuote({ deposit_percent: 30 })
    expect([quote.deposit_percent, quote.deposit_cents]).toEqual([30, null])
    const page = await accept(link)
    expect(page).toContain('Pay the $45.00 deposit')
    const href = /<a class="button" href="([^"]+)">/.exec(page)![1]
    const sessionId = href.split('/').pop()!
    const session = stripe.sessions.get(sessionId)!
    expect(session.metadata).toMatchObject({ order_id: (await orderOf(quote.id)).id })
    expect(await orderOf(quote.id)).toMatchObject({ deposit_cents: 4_500, deposit_paid_cents: 0, deposit_paid_at: null })
    const event = stripeEvent('checkout.session.completed', stripe.completed(sessionId))
    expect((await deliver(event)).status).toBe(200)
    expect((await deliver(event)).status).toBe(200)
    const paid = await orderOf(quote.id)
    expect([paid.deposit_paid_cents, paid.status]).toEqual([4_500, 'pending_fulfilment'])
    // The used link now says the deposit arrived rather than offering to take it again.
    const again = await fetch(link).then((r) => r.text())
    expect(again).toContain('Your deposit of $45.00 was received')
    expectData(await app.action('order', 'fulfil', { order_id: paid.id }, { reasoning: 'done' }))
    const { invoice } = expectData(await app.action('order', 'invoice', { order_id: paid.id }))
    expect([invoice.total_cents, invoice.amount_paid_cents, invoice.amount_due_cents, invoice.status]).toEqual([
      15_000,
      4_500,
      10_500,
      'partially_paid',
    ])
    expect(invoice.payments.map((p: any) => [p.method, p.amount_cents, p.reference])).toEqual([
      ['stripe', 4_500, `Deposit for order ${paid.number}`],
    ])
  })

  it('a deposit is an amount or a percent, never more than the total', async () => {
    const line = [{ description: 'Windows', unit_price_cents: 15_000, taxable: false }]
    expectFields(await app.action('quote', 'create', { contact_id: jane, line_items: line, deposit_cents: 100, deposit_percent: 10 }), [
      'data.deposit_percent',
    ])
    expectFields(await app.action('quote', 'create', { contact_id: jane, line_items: line, deposit_cents: 15_001 }), ['data.deposit_cents'])
    expectFields(await app.action('quote', 'create', { contact_id: jane, line_items: line, deposit_percent: 101 }), [
      'data.deposit_percent',
    ])
  })

  it('with payments off a deposit is refused, saying why, and a quote asking one is accepted without it', async () => {
    const { quote, accept: link } = await sentQuote({ deposit_cents: 5_000 })
    app.services.integrations.stripe = null
    try {
      const refused = await app.action('quote', 'create', {
        contact_id: jane,
        line_items: [{ description: 'Windows', unit_price_cents: 100 }],
        deposit_cents: 50,
      })
      expectFields(refused, ['data.deposit_cents'])
      expect(refused.body.error.details.issues[0].message).toContain('online payments are off')
      const page = await accept(link)
      expect(page).toContain('the quote is accepted')
      expect(page).toContain('No deposit is taken online')
      expect(await orderOf(quote.id)).toMatchObject({ status: 'pending_fulfilment', deposit_cents: 0 })
    } finally {
      app.services.integrations.stripe = payments
    }
  })
})
