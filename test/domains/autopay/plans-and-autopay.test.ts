import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient, type PaymentsClient } from '../../../core/clients/payments.js'
import { claimCharge, runAutopay, sendCharge, STALE_MS } from '../../../core/domains/autopay/autopay.js'
import { issueDueRecurringInvoices } from '../../../core/domains/recurring-invoices/issue.js'
import { withTenant } from '../../../core/db/tenant.js'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import { dailyBriefing } from '../../../mcp/workflows/daily-briefing.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { type FakeCard, type FakeStripe, signedDelivery, startFakeStripe, stripeEvent } from '../../helpers/fake-stripe.js'
import { made, letters } from '../../helpers/fixtures.js'

const SECRET = 'whsec_test_plans_secret_0123456789'

/** Tuesday 2026-12-01, 10:00 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-12-01T16:00:00Z') }
const DAY = 86_400_000

describe.each(engines)('service plans accepted with a saved card, charged by autopay (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  let payments: PaymentsClient
  let service: string
  let plan: any
  let n = 0

  beforeAll(async () => {
    clock.now = new Date('2026-12-01T16:00:00Z')
    stripe = await startFakeStripe()
    stripe.now = () => clock.now
    payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url })
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: payments } })
    service = (await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 9000 })).id
    plan = await app.ownerAction('plan', 'create', {
      name: 'Monthly windows',
      includes: [{ service_id: service, visits: 1 }],
      price_cents: 4500,
      cycle: 'monthly',
      term_cycles: 12,
    })
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  const deliver = (event: unknown) => {
    const signed = signedDelivery(event, SECRET)
    return fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
      body: signed.body,
    })
  }
  const later = async (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms)
  }
  /** The card link of the last email to a customer. */
  const lastLink = (to: string) =>
    /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(String(app.email.sent.findLast((m) => m.to === to)?.text))![0]
  const sql = <T = any>(text: string, values: unknown[] = []) =>
    withTenant(
      app.services.db,
      { tenantId: app.tenant.tenant_id, actorType: 'system', requestId: 't' },
      async (tx) => (await tx.query(text, values)).rows as T[],
    )

  /**
   * The pass that finds charges due and emails each customer the amount, the card and the day, then the delivery of
   * those notices: autopay charges nothing before it, and the next pass charges.
   */
  const tellCustomers = async () => {
    await runAutopay(app.services)
    await later(60_000)
    await deliverDue(app.services)
  }

  /** A customer on the plan, accepted on its page with the given test card: the customer's id, plan and card's payment method. */
  async function customerOnPlan(card: FakeCard = 'visa') {
    const contact = (await made(app, 'contact', 'create', { display_name: `Plan Customer ${letters(++n)}`, email: `plan${n}@example.com` }))
      .id
    const offered = await made(app, 'customer_plan', 'propose', {
      plan_id: plan.id,
      contact_id: contact,
      starts_on: clock.now.toISOString().slice(0, 10),
    })
    await made(app, 'customer_plan', 'send', { customer_plan_id: offered.id }, 'she asked for the plan')
    await later(60_000)
    await deliverDue(app.services)
    const link = lastLink(`plan${n}@example.com`)
    const page = await fetch(link).then((r) => r.text())
    const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }), redirect: 'manual' })
    expect(posted.status).toBe(303)
    const sessionId = String(posted.headers.get('location')).split('/').pop()!
    const completed = stripe.completeSetup(sessionId, card)
    expect((await deliver(stripeEvent('checkout.session.completed', completed))).status).toBe(200)
    const pm = stripe.sessions.get(sessionId)!.setup_intent
    return { contact, planId: offered.id, page, sessionId, completed, pm }
  }

  it("the offer shows what it includes, its charges and the mandate; saving a card on Stripe's page starts the plan", async () => {
    const { contact, planId, page, sessionId, completed } = await customerOnPlan()
    expect(page).toContain('Monthly windows')
    expect(page).toContain('$45.00 a month for 12 months, renewing')
    expect(page).toContain('January 1, 2027')
    expect(page).toContain('I authorize')
    const session = stripe.sessions.get(sessionId)!
    expect(session).toMatchObject({ mode: 'setup', metadata: { customer_plan_id: planId } })
    // A redelivery of the event changes nothing.
    expect((await deliver(stripeEvent('checkout.session.completed', completed))).status).toBe(200)
    const mine = expectData(await app.query({ type: 'customer_plans', contact_id: contact })).items[0]
    expect(mine).toMatchObject({ status: 'active', card: 'visa 4242', next_charge_on: '2026-12-01' })
    // A visit a month for a term of twelve, none done yet.
    expect([mine.visits_done, mine.visits_left]).toEqual([0, 12])
    const [first] = await sql(
      `select t.id from tickets t join series s on s.id = t.series_id where s.customer_plan_id = $1 order by t.scheduled_start limit 1`,
      [planId],
    )
    await sql(`update tickets set status = 'completed', closed_at = now() where id = $1`, [first.id])
    const after = expectData(await app.query({ type: 'customer_plans', contact_id: contact })).items[0]
    expect([after.visits_done, after.visits_left]).toEqual([1, 11])
    expect(mine.mandate_text).toContain('Monthly windows')
    expect((await sql('select count(*)::int as n from saved_cards where contact_id = $1', [contact]))[0].n).toBe(1)
    const series = await sql('select rule from series where customer_plan_id = $1', [planId])
    expect(series.map((s) => s.rule)).toEqual(['FREQ=MONTHLY;INTERVAL=1'])
    // The card number never reached us: only brand, last four and expiry are kept.
    const cards = await sql('select * from saved_cards where contact_id = $1', [contact])
    expect(Object.keys(cards[0])).not.toContain('number')
  })

  it('the plan invoice is charged once on its due date; a restart or a second worker never charges twice', async () => {
    const { contact } = await customerOnPlan()
    await issueDueRecurringInvoices(app.services)
    const [invoice] = await sql('select id, autopay, amount_due_cents from invoices where contact_id = $1', [contact])
    expect([invoice.autopay, invoice.amount_due_cents]).toEqual([true, 4500])
    const charges = () => [...stripe.paymentIntents.values()].filter((pi) => pi.metadata?.invoice_id === invoice.id).length
    // The first pass charges nothing: it emails the customer the amount, the card and the day, once.
    const sentBefore = app.email.sent.length
    await Promise.all([runAutopay(app.services), runAutopay(app.services)])
    expect(charges()).toBe(0)
    await later(60_000)
    await deliverDue(app.services)
    const notices = app.email.sent.slice(sentBefore).filter((m) => m.to === `plan${n}@example.com` && /will be charged/.test(m.subject))
    expect(notices).toHaveLength(1)
    expect(notices[0].text).toMatch(/is \$45\.00\. It will be charged to your Visa ending 4242 on December 1, 2026: nothing to do\./)
    await Promise.all([runAutopay(app.services), runAutopay(app.services)])
    expect(charges()).toBe(1)
    await runAutopay(app.services)
    const [paid] = await sql('select status, amount_paid_cents from invoices where id = $1', [invoice.id])
    expect(paid).toEqual({ status: 'paid', amount_paid_cents: 4500 })
    expect((await sql('select count(*)::int as n from payments where invoice_id = $1', [invoice.id]))[0].n).toBe(1)
  })

  it('a worker lost mid-charge: the try is sent again with its key, Stripe answers with the first charge, one payment', async () => {
    const { contact } = await customerOnPlan()
    await issueDueRecurringInvoices(app.services)
    await tellCustomers()
    const [invoice] = await sql('select id from invoices where contact_id = $1', [contact])
    const claim = await withTenant(app.services.db, { tenantId: app.tenant.tenant_id, actorType: 'system', requestId: 't' }, (tx) =>
      claimCharge(tx, app.services, app.tenant.tenant_id, invoice.id, '2026-12-01'),
    )
    // Stripe charges; the worker dies before it records anything.
    expect((await sendCharge(app.services, claim!)).status).toBe('succeeded')
    const charged = stripe.paymentIntents.size
    await runAutopay(app.services)
    expect(stripe.paymentIntents.size).toBe(charged)
    expect((await sql('select status from invoices where id = $1', [invoice.id]))[0].status).toBe('sent')
    await later(STALE_MS + 60_000)
    await runAutopay(app.services)
    expect(stripe.paymentIntents.size).toBe(charged)
    const replays = stripe.requests.filter((r) => r.idempotencyKey === claim!.key)
    expect(replays.length).toBe(2)
    expect((await sql('select status from invoices where id = $1', [invoice.id]))[0].status).toBe('paid')
    expect((await sql('select count(*)::int as n from payments where invoice_id = $1', [invoice.id]))[0].n).toBe(1)
  })

  it('a decline is retried 1, 3 and 5 days after the first try, the customer emailed a link to save another card; a new card is charged once they are told of it', async () => {
    const { contact } = await customerOnPlan('insufficient_funds')
    await issueDueRecurringInvoices(app.services)
    await tellCustomers()
    const [invoice] = await sql('select id, number from invoices where contact_id = $1', [contact])
    const sentBefore = app.email.sent.length
    await runAutopay(app.services)
    const failing = expectData(await app.query({ type: 'card_charges', failing: 'true', contact_id: contact })).items
    expect(failing[0]).toMatchObject({
      attempt: 1,
      status: 'declined',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      retry_on: '2026-12-02',
    })
    await later(60_000)
    await deliverDue(app.services)
    const email = app.email.sent.slice(sentBefore).find((m) => m.to === `plan${n}@example.com` && /\/card\//.test(String(m.text)))!
    expect(email.text).toContain(`invoice ${invoice.number}`)
    expect(email.text).toMatch(/\/card\/[\w-]{43}/)
    // The same day: no second try.
    await runAutopay(app.services)
    const tries = () =>
      sql<{ attempt: number; retry_on: string | null }>(
        'select attempt, retry_on::text from autopay_attempts where invoice_id = $1 order by attempt',
        [invoice.id],
      )
    expect((await tries()).length).toBe(1)
    for (const day of [1, 3, 5]) {
      clock.now = new Date(Date.parse('2026-12-01T16:10:00Z') + day * DAY)
      await runAutopay(app.services)
    }
    expect((await tries()).map((t) => t.retry_on)).toEqual(['2026-12-02', '2026-12-04', '2026-12-06', null])
    clock.now = new Date(Date.parse('2026-12-01T16:10:00Z') + 9 * DAY)
    await runAutopay(app.services)
    expect((await tries()).length).toBe(4)
    // The briefing names the failed payment.
    const principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
    const { briefing } = (await dailyBriefing.run({ services: app.services, principal, requestId: 'briefing-cards' }, {})) as {
      briefing: string
    }
    expect(briefing).toContain(
      `Failed card payments: Plan Customer ${letters(n)} $45.00 on ${invoice.number} (insufficient_funds, no more tries)`,
    )
    // The customer saves another card through the emailed link: it is charged at the next pass.
    const link = /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(String(email.text))![0]
    const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'card' }), redirect: 'manual' })
    const sessionId = String(posted.headers.get('location')).split('/').pop()!
    expect(stripe.sessions.get(sessionId)).toMatchObject({ mode: 'setup', metadata: { card_link_id: expect.any(String) } })
    await deliver(stripeEvent('checkout.session.completed', stripe.completeSetup(sessionId, 'mastercard')))
    await later(60_000)
    // The new card is another card: the customer is told of it first, then it is charged.
    await tellCustomers()
    expect((await sql('select status from invoices where id = $1', [invoice.id]))[0].status).toBe('sent')
    await runAutopay(app.services)
    expect((await sql('select status from invoices where id = $1', [invoice.id]))[0].status).toBe('paid')
    expect(expectData(await app.query({ type: 'card_charges', failing: 'true', contact_id: contact })).items).toEqual([])
  })

  it("a charge the customer's bank wants them to confirm emails them the invoice's pay link", async () => {
    const { contact } = await customerOnPlan('authentication_required')
    await issueDueRecurringInvoices(app.services)
    await tellCustomers()
    const sentBefore = app.email.sent.length
    await runAutopay(app.services)
    const [attempt] = await sql(
      'select a.status, a.code from autopay_attempts a join invoices i on i.id = a.invoice_id where i.contact_id = $1',
      [contact],
    )
    expect(attempt).toEqual({ status: 'needs_customer', code: 'authentication_required' })
    await later(60_000)
    await deliverDue(app.services)
    const email = app.email.sent
      .slice(sentBefore)
      .find((m) => m.to === `plan${n}@example.com` && String(m.text).includes('confirm the payment'))!
    expect(email.text).toContain('confirm the payment')
    expect(email.text).toMatch(/\/pay\/[\w-]{43}/)
  })

  it("refunds are the owner's: through Stripe for a card payment, never an agent's", async () => {
    const { contact } = await customerOnPlan()
    await issueDueRecurringInvoices(app.services)
    await tellCustomers()
    await runAutopay(app.services)
    const [payment] = await sql(
      'select p.id, p.invoice_id from payments p join invoices i on i.id = p.invoice_id where i.contact_id = $1',
      [contact],
    )
    const agent = await app.action('invoice', 'refund', { invoice_id: payment.invoice_id, payment_id: payment.id, amount_cents: 1000 })
    expect(agent.status).toBe(403)
    const refund = await app.ownerAction('invoice', 'refund', {
      invoice_id: payment.invoice_id,
      payment_id: payment.id,
      amount_cents: 1000,
    })
    expect(refund).toMatchObject({ amount_cents: 1000, payment_refunded_cents: 1000, stripe_refund_id: expect.stringMatching(/^re_/) })
    expect(stripe.refunds.get(refund.stripe_refund_id)).toMatchObject({ amount: 1000 })
    await expect(
      app.ownerAction('invoice', 'refund', { invoice_id: payment.invoice_id, payment_id: payment.id, amount_cents: 4000 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
  })

  it('a plan that does not renew ends with its term: no invoice after it, and it reads as ended', async () => {
    const once = await app.ownerAction('plan', 'create', {
      name: 'Two months of windows',
      includes: [{ service_id: service, visits: 1 }],
      price_cents: 9000,
      cycle: 'monthly',
      term_cycles: 2,
      renews: false,
    })
    const contact = (await made(app, 'contact', 'create', { display_name: 'Short Term', email: 'short@example.com' })).id
    const starts = clock.now.toISOString().slice(0, 10)
    const offered = await made(app, 'customer_plan', 'propose', { plan_id: once.id, contact_id: contact, starts_on: starts })
    await app.ownerAction('customer_plan', 'send', { customer_plan_id: offered.id })
    await later(60_000)
    await deliverDue(app.services)
    const link = lastLink('short@example.com')
    const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }), redirect: 'manual' })
    const sessionId = String(posted.headers.get('location')).split('/').pop()!
    await deliver(stripeEvent('checkout.session.completed', stripe.completeSetup(sessionId, 'visa')))
    for (let month = 0; month < 4; month++) {
      await issueDueRecurringInvoices(app.services)
      await later(31 * DAY)
    }
    expect((await sql('select count(*)::int as n from invoices where contact_id = $1', [contact]))[0].n).toBe(2)
    const mine = expectData(await app.query({ type: 'customer_plans', contact_id: contact })).items[0]
    expect([mine.status, mine.next_charge_on]).toEqual(['ended', null])
    expect(expectData(await app.query({ type: 'customer_plans', status: 'ended' })).items.map((p: any) => p.id)).toContain(offered.id)
  })

  it('an agent proposes and sends a plan, but a price change waits for the owner every time, and it never charges a card', async () => {
    const { planId, contact } = await customerOnPlan()
    const change = await app.action(
      'customer_plan',
      'change_price',
      { customer_plan_id: planId, price_cents: 100 },
      { reasoning: 'discount' },
    )
    expect(change.status).toBe(202)
    const autopay = await app.action('card', 'set_autopay', { contact_id: contact, autopay: true }, { reasoning: 'asked' })
    expect(autopay.status).toBe(202)
    const retry = await app.action('card', 'retry_charge', { invoice_id: '00000000-0000-4000-8000-000000000001' })
    expect(retry.status).toBe(403)
    const owner = await app.ownerAction('customer_plan', 'change_price', { customer_plan_id: planId, price_cents: 4900 })
    expect(owner.price_cents).toBe(4900)
    const [billing] = await sql('select line_items from recurring_invoices where customer_plan_id = $1', [planId])
    expect(JSON.stringify(billing.line_items)).toContain('4900')
  })
})

describe.each(engines)('a plan offered while online payments are off (%s)', (engine) => {
  let app: TestApp
  let plan: any
  beforeAll(async () => {
    clock.now = new Date('2026-12-01T16:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    const service = (await made(app, 'service', 'create', { name: 'Gutters', pricing: 'fixed', price_cents: 12_000 })).id
    plan = await app.ownerAction('plan', 'create', {
      name: 'Gutters each season',
      includes: [{ service_id: service, visits: 1 }],
      price_cents: 12_000,
      cycle: 'quarterly',
      term_cycles: 4,
    })
  })
  afterAll(async () => {
    await app?.close()
  })

  /** A plan proposed to a new customer and sent: its id and the customer's link. */
  async function offered(name: string): Promise<{ id: string; text: string; link: string }> {
    const email = `${name.toLowerCase()}@example.com`
    const contact = (await made(app, 'contact', 'create', { display_name: name, email })).id
    const mine = await made(app, 'customer_plan', 'propose', { plan_id: plan.id, contact_id: contact, starts_on: '2026-12-01' })
    await app.ownerAction('customer_plan', 'send', { customer_plan_id: mine.id })
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(app.services)
    const text = String(app.email.sent.findLast((m) => m.to === email)?.text)
    return { id: mine.id, text, link: /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(text)![0] }
  }
  const status = async (id: string) => expectData(await app.query({ type: 'customer_plans', id })).status

  it('Accept starts the plan without a card: its invoices are emailed to be paid; No thanks declines it', async () => {
    const ada = await offered('Ada')
    // The email promises no card either: the page it links to asks for none.
    expect(ada.text).toContain('and accept it there:')
    expect(ada.text).not.toMatch(/sav(e|ing) a card/i)
    const page = await fetch(ada.link).then((r) => r.text())
    expect(page).toContain('>Accept</button>')
    expect(page).not.toContain('save a card')
    expect(page).toContain('with how to pay it')
    const accepted = await fetch(ada.link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }) }).then((r) => r.text())
    expect(accepted).toContain('has started')
    expect(await status(ada.id)).toBe('active')
    const again = await fetch(ada.link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }) })
    expect(again.status).toBe(409)
    const bo = await offered('Bo')
    await fetch(bo.link, { method: 'POST', body: new URLSearchParams({ answer: 'decline' }) })
    expect(await status(bo.id)).toBe('declined')
    // A card cannot be asked for while payments are off.
    const asked = await app.action('card', 'request', {
      contact_id: expectData(await app.query({ type: 'customer_plans', id: bo.id })).contact_id,
    })
    expect(asked.status).toBe(409)
  })
})
