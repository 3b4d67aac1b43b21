import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { paymentLinkFor } from '../../core/domains/invoices/payment-link.js'
import { capturedLog } from '../helpers/captured-log.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { signedDelivery, startFakeStripe, stripeEvent, type FakeStripe } from '../helpers/fake-stripe.js'
import { snapshotTenant } from '../helpers/tenant-data.js'
import { asTenant, newContact } from '../helpers/fixtures.js'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import { dailyBriefing } from '../../mcp/workflows/daily-briefing.js'
import { MAX_CENTS } from '../../core/vocabulary/money.js'
import { pageClient } from '../helpers/technician-fixture.js'

const SECRET = 'whsec_test_webhook_secret_0123456789'

/** A response body as JSON, loosely typed for assertions. */
const json = (res: Response): Promise<any> => res.json()

describe.each(engines)('POST /api/webhooks/stripe (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  let jane: string
  const log = capturedLog()
  const logged = log.lines

  beforeAll(async () => {
    stripe = await startFakeStripe()
    app = await startTestApp(engine, {
      integrations: { stripe: createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url }) },
    })
    jane = await newContact(app, { display_name: 'Jane Webhook', email: 'jane.webhook@example.com' })
    log.start()
  })
  afterEach(() => {
    log.clear()
  })
  afterAll(async () => {
    log.stop()
    await app.close()
    await stripe.close()
  })

  /** A sent invoice of 100.00 + 50.00 (no tax) with its open checkout session. */
  const invoiceWithSession = async () => {
    const inv = (
      await app.action('invoice', 'create', {
        contact_id: jane,
        line_items: [
          { description: 'Windows', unit_price_cents: 10_000, taxable: false },
          { description: 'Gutters', unit_price_cents: 5000, taxable: false },
        ],
      })
    ).body.data
    await app.action('invoice', 'mark_sent', { invoice_id: inv.id })
    const url = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    return { invoice: inv, sessionId: url!.split('/').pop()! }
  }
  const deliver = (event: unknown, signature?: string, secret = SECRET) => {
    const signed = signedDelivery(event, secret)
    return fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === '' ? {} : { 'stripe-signature': signature ?? signed.signature }) },
      body: signed.body,
    })
  }
  const invoiceRow = (id: string) =>
    asTenant(
      app,
      async (tx) =>
        (
          await tx.query<any>(
            `select status, amount_paid_cents, amount_due_cents, credit_cents, stripe_payment_intent_id, stripe_checkout_session_id, stripe_checkout_url from invoices where id = $1`,
            [id],
          )
        ).rows[0],
    )
  const paymentsOf = (id: string) =>
    asTenant(
      app,
      async (tx) =>
        (
          await tx.query<any>(
            'select amount_cents, method, reference, external_event_id from payments where invoice_id = $1 order by created_at',
            [id],
          )
        ).rows,
    )
  const snapshot = () => snapshotTenant(app.t.admin, app.tenant.tenant_id)

  it('records a paid checkout: payment stored once, invoice paid, payment intent kept, audited as the system', async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    const event = stripeEvent('checkout.session.completed', stripe.completed(sessionId))
    const res = await deliver(event)
    const body = await json(res)
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body.data).toMatchObject({ received: true, outcome: 'recorded', invoice_id: invoice.id, tenant_id: app.tenant.tenant_id })
    const pi = `pi_fake_${sessionId.slice(-6)}`
    expect(await invoiceRow(invoice.id)).toMatchObject({
      status: 'paid',
      amount_paid_cents: 15_000,
      amount_due_cents: 0,
      stripe_payment_intent_id: pi,
      stripe_checkout_session_id: sessionId,
      stripe_checkout_url: null,
    })
    expect(await paymentsOf(invoice.id)).toEqual([{ amount_cents: 15_000, method: 'stripe', reference: pi, external_event_id: event.id }])
    const trail = await app.query({ type: 'audit_trail', entity_id: invoice.id, action: 'record_payment' })
    expect(trail.body.data.items[0]).toMatchObject({ actor_type: 'system', changes: { status: { old: 'sent', new: 'paid' } } })
    expect(await paymentLinkFor(app.services, app.tenant.tenant_id, invoice.id)).toBeNull()
  })

  it('a replayed event answers 200 and changes nothing', async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    const event = stripeEvent('checkout.session.completed', stripe.completed(sessionId))
    expect((await deliver(event)).status).toBe(200)
    const before = await snapshot()
    const again = await deliver(event)
    expect(again.status).toBe(200)
    expect((await json(again)).data.outcome).toBe('replayed')
    // The same session reported by a second event (a different id) is not a second payment either.
    const twin = await deliver(stripeEvent('checkout.session.async_payment_succeeded', stripe.completed(sessionId)))
    expect((await json(twin)).data.outcome).toBe('replayed')
    const after = await snapshot()
    expect({ ...after, stripe_events: [] }).toEqual({ ...before, stripe_events: [] })
    expect(await paymentsOf(invoice.id)).toHaveLength(1)
  })

  it('a partial payment leaves the invoice partially_paid with the rest due', async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    const res = await deliver(stripeEvent('checkout.session.completed', stripe.completed(sessionId, { amount_total: 6000 })))
    expect(res.status).toBe(200)
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'partially_paid', amount_paid_cents: 6000, amount_due_cents: 9000 })
    // The next link charges the balance, on a new session.
    const url = await paymentLinkFor(app.services, app.tenant.tenant_id, invoice.id)
    expect(stripe.sessions.get(url!.split('/').pop()!)!.amount_total).toBe(9000)
  })

  it('records money beyond the amount due and a second payment of a paid invoice: the invoice shows the credit, the briefing lists it', async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    const over = await deliver(stripeEvent('checkout.session.completed', stripe.completed(sessionId, { amount_total: 17_500 })))
    expect(over.status, JSON.stringify(await over.clone().json())).toBe(200)
    expect((await json(over)).data.outcome).toBe('recorded')
    expect(await invoiceRow(invoice.id)).toMatchObject({
      status: 'paid',
      amount_paid_cents: 17_500,
      amount_due_cents: 0,
      credit_cents: 2500,
    })
    expect(logged.some((l) => l.level === 'warn' && /beyond its amount due/.test(l.msg))).toBe(true)

    // The customer pays the same invoice again on another session (a second, genuine payment intent).
    const second = stripe.completed(sessionId, {
      id: 'cs_fake_second_payment',
      payment_intent: 'pi_fake_second_payment',
      amount_total: 15_000,
    })
    const again = await deliver(stripeEvent('checkout.session.completed', second))
    expect(again.status).toBe(200)
    expect((await json(again)).data.outcome).toBe('recorded')
    expect(await invoiceRow(invoice.id)).toMatchObject({
      status: 'paid',
      amount_paid_cents: 32_500,
      amount_due_cents: 0,
      credit_cents: 17_500,
    })
    expect((await paymentsOf(invoice.id)).map((p: any) => [p.amount_cents, p.reference])).toEqual([
      [17_500, `pi_fake_${sessionId.slice(-6)}`],
      [15_000, 'pi_fake_second_payment'],
    ])

    const read = (await app.query({ type: 'invoices', id: invoice.id })).body.data
    expect(read).toMatchObject({ credit_cents: 17_500, amount_due_cents: 0, total_cents: 15_000 })
    const withCredit = (await app.query({ type: 'invoices', credit: 'true' })).body.data.items.map((i: any) => i.id)
    expect(withCredit).toContain(invoice.id)
    expect((await app.query({ type: 'invoices', credit: 'false' })).body.data.items.map((i: any) => i.id)).not.toContain(invoice.id)
    expect(await paymentLinkFor(app.services, app.tenant.tenant_id, invoice.id)).toBeNull()

    const principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
    const { briefing } = (await dailyBriefing.run({ services: app.services, principal, requestId: 'briefing-credit' }, {})) as {
      briefing: string
    }
    expect(briefing).toMatch(
      new RegExp(`Credits to refund: .*${invoice.number} Jane Webhook \\$175\\.00 \\(paid \\$325\\.00 of \\$150\\.00\\)`),
    )
  })

  it('acknowledges signed events it cannot read with 200, logs them, and changes nothing but the note kept for the owner', async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    const before = await snapshot()
    const good = stripeEvent('checkout.session.completed', stripe.completed(sessionId))
    const shapes: unknown[] = [
      { ...good, data: undefined },
      { ...good, data: {} },
      { ...good, data: { object: 'cs_just_a_string' } },
      { ...good, data: { object: { ...stripe.completed(sessionId), id: 42 } } },
      { ...good, data: { object: { ...stripe.completed(sessionId), amount_total: 'lots' } } },
      { ...good, data: { object: { ...stripe.completed(sessionId), metadata: 'tenant' } } },
      { ...good, created: 'yesterday' },
      { ...good, created: 1e15 },
      { ...good, type: 42 },
      [],
      null,
      'checkout.session.completed',
    ]
    for (const shape of shapes) {
      const res = await deliver(shape)
      const body = await json(res)
      expect(res.status, JSON.stringify(shape)).toBe(200)
      expect(body.data, JSON.stringify(shape)).toMatchObject({ received: true, outcome: 'malformed' })
    }
    expect(logged.filter((l) => l.level === 'warn' && /stripe event malformed/.test(l.msg))).toHaveLength(shapes.length)
    // The shapes whose session still names the invoice are one event (one id): kept once, for the owner to check in Stripe.
    const after = await snapshot()
    expect({ ...after, stripe_events: [] }).toEqual({ ...before, stripe_events: [] })
    const kept = (await app.query({ type: 'unapplied_payments' })).body.data.items.filter((e: any) => e.event_id === good.id)
    expect(kept).toEqual([
      expect.objectContaining({
        outcome: 'malformed',
        invoice_id: invoice.id,
        invoice_number: invoice.number,
        reason: expect.stringMatching(/^It could not be read: data\.object\.id/),
      }),
    ])
  })

  it("an amount beyond what an invoice holds is acknowledged with 200, logged and kept for the owner; Stripe's redelivery changes nothing", async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    const before = await invoiceRow(invoice.id)
    const huge = stripeEvent('checkout.session.completed', stripe.completed(sessionId, { amount_total: 3_000_000_000 }))
    const res = await deliver(huge)
    const body = await json(res)
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body.data).toMatchObject({ received: true, event_id: huge.id, outcome: 'refused', invoice_id: invoice.id })
    expect(await invoiceRow(invoice.id)).toEqual(before)
    expect(await paymentsOf(invoice.id)).toEqual([])
    expect(logged.some((l) => l.level === 'error' && /stripe event refused/.test(l.msg) && l.event_id === huge.id)).toBe(true)
    const again = await deliver(huge)
    expect(again.status).toBe(200)
    expect((await json(again)).data.outcome).toBe('replayed')

    // An amount that fits alone but not with what is paid already.
    expect((await json(await deliver(stripeEvent('checkout.session.completed', stripe.completed(sessionId))))).data.outcome).toBe(
      'recorded',
    )
    const second = stripe.completed(sessionId, { id: 'cs_fake_too_much', payment_intent: 'pi_fake_too_much', amount_total: MAX_CENTS })
    const tooMuch = stripeEvent('checkout.session.completed', second)
    const res2 = await deliver(tooMuch)
    expect(res2.status).toBe(200)
    expect((await json(res2)).data.outcome).toBe('refused')
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', amount_paid_cents: 15_000 })

    const kept = (await app.query({ type: 'unapplied_payments' })).body.data.items
    const of = (id: unknown) => kept.find((e: any) => e.event_id === id)
    expect(of(huge.id)).toMatchObject({
      outcome: 'refused',
      amount_cents: 3_000_000_000,
      currency: 'usd',
      invoice_id: invoice.id,
      invoice_number: invoice.number,
      reason: expect.stringContaining('beyond 2147483647 cents, the most an invoice holds'),
    })
    expect(of(tooMuch.id)).toMatchObject({ outcome: 'refused', amount_cents: MAX_CENTS })

    // The owner sees them on Home, and the agent in daily_briefing.
    const home = await (await pageClient(app, 'owner@sparkle.test')).get('/')
    expect(home.html).toContain('<h2>Online payments not recorded: ')
    expect(home.html).toContain(`<a href="/invoices/${invoice.id}">Invoice ${invoice.number}</a> $30,000,000.00`)
    expect(home.html).toContain(`Stripe event ${huge.id}`)
    const principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
    const { briefing } = (await dailyBriefing.run({ services: app.services, principal, requestId: 'briefing-unapplied' }, {})) as {
      briefing: string
    }
    expect(briefing).toMatch(new RegExp(`Online payments not recorded: .*${invoice.number} 3000000000 cents usd \\(Its amount`))
  })

  it('an event our records refuse for any other reason is kept for the owner and acknowledged, not retried into a 500 or 400', async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    // A rule of the database that this payment breaks (as a constraint added later might): set up here, not under test.
    await app.t.admin.exec(`create function refuse_test_payment() returns trigger language plpgsql as $$ begin
        if new.reference = 'pi_breaks_a_rule' then raise exception 'no' using errcode = '23514', constraint = 'payments_test_rule'; end if;
        return new; end $$;
      create trigger payments_test_rule before insert on payments for each row execute function refuse_test_payment();`)
    try {
      const event = stripeEvent('checkout.session.completed', stripe.completed(sessionId, { payment_intent: 'pi_breaks_a_rule' }))
      const res = await deliver(event)
      expect(res.status).toBe(200)
      expect((await json(res)).data).toMatchObject({ outcome: 'refused', invoice_id: invoice.id })
      expect(await paymentsOf(invoice.id)).toEqual([])
      expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'sent', amount_paid_cents: 0, stripe_checkout_session_id: sessionId })
      const kept = (await app.query({ type: 'unapplied_payments' })).body.data.items.find((e: any) => e.event_id === event.id)
      expect(kept).toMatchObject({ outcome: 'refused', reason: 'It could not be recorded: The values break the rule payments_test_rule' })
      expect(logged.some((l) => l.level === 'error' && l.event_id === event.id)).toBe(true)
    } finally {
      await app.t.admin.exec('drop trigger payments_test_rule on payments; drop function refuse_test_payment()')
    }
  })

  it('refuses a forged, missing or stale signature with 400 and changes nothing', async () => {
    const { sessionId } = await invoiceWithSession()
    const event = stripeEvent('checkout.session.completed', stripe.completed(sessionId))
    const before = await snapshot()
    const forged = await deliver(event, undefined, 'whsec_someone_else')
    expect(forged.status).toBe(400)
    expect((await json(forged)).error).toMatchObject({ code: 'VALIDATION_ERROR' })
    const missing = await deliver(event, '')
    expect(missing.status).toBe(400)
    expect((await json(missing)).error.message).toContain('Stripe-Signature')
    const signed = signedDelivery(event, SECRET)
    const tampered = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'stripe-signature': signed.signature, 'content-type': 'application/json' },
      body: signed.body.replace('"amount_total":15000', '"amount_total":1'),
    })
    expect(tampered.status).toBe(400)
    const stripeLib = (await import('stripe')).default
    const old = stripeLib.webhooks.generateTestHeaderString({
      payload: signed.body,
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    })
    const stale = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'stripe-signature': old, 'content-type': 'application/json' },
      body: signed.body,
    })
    expect(stale.status).toBe(400)
    expect(await snapshot()).toEqual(before)
  })

  it('an event for an invoice this server does not have is logged and acknowledged', async () => {
    const { sessionId } = await invoiceWithSession()
    const other = await app.createTenant('Other Windows')
    const before = await snapshot()
    const foreign = stripe.completed(sessionId, {
      metadata: { tenant_id: other.tenant_id, invoice_id: stripe.sessions.get(sessionId)!.metadata.invoice_id },
    })
    const res = await deliver(stripeEvent('checkout.session.completed', foreign))
    expect(res.status).toBe(200)
    expect((await json(res)).data.outcome).toBe('unknown_invoice')
    const none = await deliver(
      stripeEvent('checkout.session.completed', stripe.completed(sessionId, { metadata: {}, client_reference_id: null })),
    )
    expect((await json(none)).data.outcome).toBe('unknown_invoice')
    const notUuid = await deliver(
      stripeEvent(
        'checkout.session.completed',
        stripe.completed(sessionId, { metadata: { tenant_id: "x' or 1=1", invoice_id: 'y' }, client_reference_id: null }),
      ),
    )
    expect((await json(notUuid)).data.outcome).toBe('unknown_invoice')
    expect(await snapshot()).toEqual(before)
    expect(logged.filter((l) => l.level === 'warn' && /stripe event/.test(l.msg))).toHaveLength(3)
  })

  it('a delayed payment: awaiting, then failed (noted, a new link is made), then paid on a new session', async () => {
    const { invoice, sessionId } = await invoiceWithSession()
    const pending = await deliver(stripeEvent('checkout.session.completed', stripe.completed(sessionId, { payment_status: 'unpaid' })))
    expect((await json(pending)).data.outcome).toBe('awaiting_payment')
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'sent', amount_paid_cents: 0, stripe_checkout_url: null })

    const failed = await deliver(
      stripeEvent('checkout.session.async_payment_failed', stripe.completed(sessionId, { payment_status: 'unpaid' })),
    )
    expect((await json(failed)).data.outcome).toBe('payment_failed')
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'sent', amount_paid_cents: 0 })
    expect(await paymentsOf(invoice.id)).toEqual([])
    const trail = await app.query({ type: 'audit_trail', entity_id: invoice.id, action: 'online_payment_failed' })
    expect(trail.body.data.items).toHaveLength(1)
    expect(trail.body.data.items[0].actor_type).toBe('system')

    const url = await paymentLinkFor(app.services, app.tenant.tenant_id, invoice.id)
    const retry = url!.split('/').pop()!
    expect(retry).not.toBe(sessionId)
    const ok = await deliver(stripeEvent('checkout.session.async_payment_succeeded', stripe.completed(retry)))
    expect((await json(ok)).data.outcome).toBe('recorded')
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: 'paid', amount_due_cents: 0 })
  })

  it('acknowledges event types it does not handle without touching anything', async () => {
    const before = await snapshot()
    const res = await deliver(stripeEvent('customer.created', { id: 'cus_x', object: 'customer' }))
    expect(res.status).toBe(200)
    expect((await json(res)).data.outcome).toBe('ignored')
    expect(await snapshot()).toEqual(before)
  })
})

describe.each(engines)('POST /api/webhooks/stripe with payments off (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
  })
  afterAll(() => app.close())

  it('answers 503 saying what to configure', async () => {
    const signed = signedDelivery(stripeEvent('checkout.session.completed', { id: 'cs_x' }), SECRET)
    const res = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'stripe-signature': signed.signature },
      body: signed.body,
    })
    expect(res.status).toBe(503)
    const body = await json(res)
    expect(body.error).toMatchObject({ code: 'UNAVAILABLE' })
    expect(body.error.message).toContain('STRIPE_SECRET_KEY')
  })

  it('serves the pages Stripe sends customers back to', async () => {
    const thanks = await fetch(`${app.url}/payments/thank-you?invoice=INV-2026-0007`)
    expect(thanks.status).toBe(200)
    expect(await thanks.text()).toContain('Your payment for invoice INV-2026-0007 was received')
    const cancelled = await (await fetch(`${app.url}/payments/cancelled?invoice=<script>alert(1)</script>`)).text()
    expect(cancelled).toContain('No payment was made, and nothing was charged')
    expect(cancelled).not.toContain('<script>')
  })
})
