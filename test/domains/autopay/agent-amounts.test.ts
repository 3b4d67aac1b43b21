import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import { createPaymentsClient } from '../../../core/clients/payments.js'
import { runAutopay } from '../../../core/domains/autopay/autopay.js'
import { withTenant } from '../../../core/db/tenant.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { dailyBriefing } from '../../../mcp/workflows/daily-briefing.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { type FakeStripe, signedDelivery, startFakeStripe, stripeEvent } from '../../helpers/fake-stripe.js'
import { PAYMENT_INSTRUCTIONS, settings } from '../../helpers/fixtures.js'

const SECRET = 'whsec_test_agent_amounts_0123456789'

/** Tuesday 2026-12-01, 10:00 in Chicago. */
const clock = { now: new Date('2026-12-01T16:00:00Z') }

// A card is charged only for an amount the owner or the customer agreed to: an invoice an agent wrote for a customer on
// autopay is not charged until the owner allows it, on a card that names the customer, the amount, the card and the day;
// the owner's own invoices are charged as before; and the customer is emailed before every charge.
describe.each(engines)("autopay charges only the owner's amounts (%s)", (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  let contact: string
  const why = { reasoning: 'The customer asked for the extra work' }

  beforeAll(async () => {
    clock.now = new Date('2026-12-01T16:00:00Z')
    stripe = await startFakeStripe()
    stripe.now = () => clock.now
    const payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url })
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: payments } })
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    contact = (await app.ownerAction('contact', 'create', { display_name: 'Ava Autopay', email: 'ava@example.com' })).id
    // The customer saves a card on Stripe's page through the owner's emailed request, and asks for autopay.
    await app.ownerAction('card', 'request', { contact_id: contact })
    await later(60_000)
    await deliverDue(app.services)
    const link = /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(
      String(app.email.sent.findLast((m) => m.to === 'ava@example.com')?.text),
    )![0]
    const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'card' }), redirect: 'manual' })
    const sessionId = String(posted.headers.get('location')).split('/').pop()!
    const signed = signedDelivery(stripeEvent('checkout.session.completed', stripe.completeSetup(sessionId, 'visa')), SECRET)
    const hook = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
      body: signed.body,
    })
    expect(hook.status).toBe(200)
    await app.ownerAction('card', 'set_autopay', { contact_id: contact, autopay: true })
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  const later = async (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms)
  }
  const sql = <T = any>(text: string, values: unknown[] = []) =>
    withTenant(
      app.services.db,
      { tenantId: app.tenant.tenant_id, actorType: 'system', requestId: 't' },
      async (tx) => (await tx.query(text, values)).rows as T[],
    )
  const chargesOf = (invoiceId: string) => [...stripe.paymentIntents.values()].filter((pi) => pi.metadata?.invoice_id === invoiceId)
  /** Several passes of the worker: autopay, then delivery of what it queued, a minute apart each. */
  const worker = async (passes = 3) => {
    for (let i = 0; i < passes; i++) {
      await runAutopay(app.services)
      await later(60_000)
      await deliverDue(app.services)
    }
  }

  it("an agent's invoice is not charged: sending it asks the owner at once, on a card naming the customer, the amount, the card and the day", async () => {
    const invoice = expectData(
      await app.action('invoice', 'create', {
        contact_id: contact,
        line_items: [{ description: 'Whole house, inside and out', unit_price_cents: 480_000 }],
        due_on: '2026-12-01',
      }),
    )
    expect(invoice.amount_set_by).toBe('agent')
    expectData(await app.action('invoice', 'send', { invoice_id: invoice.id }, why))
    const [asked] = expectData(await app.query({ type: 'authorization_requests', status: 'pending', limit: 10 })).items.filter(
      (r: any) => r.action_key === 'card.allow_charge',
    )
    expect(asked.data).toEqual({ invoice_id: invoice.id })
    expect(asked.preview.asks_every_time[0]).toBe(
      `lets autopay charge Ava Autopay's visa ending 4242 $4,800.00 for invoice ${invoice.number}, on December 1, 2026 ` +
        '(after the customer is emailed the amount, the card and the day)',
    )
    await worker()
    expect(chargesOf(invoice.id)).toEqual([])
    expect((await sql('select status from invoices where id = $1', [invoice.id]))[0].status).toBe('sent')
    // Its email does not promise a charge, and no notice of one goes.
    const mails = app.email.sent.filter((m) => m.to === 'ava@example.com')
    expect(mails.some((m) => /will be charged/i.test(`${m.subject}\n${m.text}`))).toBe(false)
    const waiting = expectData(await app.query({ type: 'charges_to_allow' })).items
    expect(waiting).toEqual([expect.objectContaining({ invoice_id: invoice.id, amount_due_cents: 480_000, card: 'visa 4242' })])
    const principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
    const { briefing } = (await dailyBriefing.run({ services: app.services, principal, requestId: 'briefing-allow' }, {})) as {
      briefing: string
    }
    expect(briefing).toContain(
      `Not charged until the owner allows it (an agent set the amount): Ava Autopay $4,800.00 on ${invoice.number}`,
    )

    // The owner allows it: the customer is told the amount, the card and the day, then it is charged once.
    const decided = await app.ownerAction('authorization', 'decide', { request_id: asked.id, decision: 'allow_once' })
    expect(decided.status).toBe('executed')
    expect((await sql('select amount_set_by from invoices where id = $1', [invoice.id]))[0].amount_set_by).toBe('owner')
    const before = app.email.sent.length
    await worker()
    const notice = app.email.sent.slice(before).find((m) => m.to === 'ava@example.com' && /will be charged/.test(m.subject))!
    expect(notice.text).toContain(`Invoice ${invoice.number} from`)
    expect(notice.text).toMatch(/is \$4,800\.00\. It will be charged to your Visa ending 4242 on December 1, 2026: nothing to do\./)
    expect(chargesOf(invoice.id)).toHaveLength(1)
    const noticeSent = app.email.sent.indexOf(notice)
    expect(noticeSent).toBeGreaterThanOrEqual(before)
    expect((await sql('select status from invoices where id = $1', [invoice.id]))[0].status).toBe('paid')
  })

  it('an agent asking to allow a charge waits for the owner every time, and no Allow Always lifts it', async () => {
    const invoice = expectData(
      await app.action('invoice', 'create', { contact_id: contact, line_items: [{ description: 'Screens', unit_price_cents: 9_000 }] }),
    )
    await app.ownerAction('invoice', 'mark_sent', { invoice_id: invoice.id })
    const bare = await app.action('card', 'allow_charge', { invoice_id: invoice.id })
    expectError(bare, 422, 'REASONING_REQUIRED')
    expect(bare.body.error.message).toContain("lets autopay charge Ava Autopay's visa ending 4242 $90.00")
    const queued = expectData(await app.action('card', 'allow_charge', { invoice_id: invoice.id }, why), 202)
    await expect(app.ownerAction('authorization', 'decide', { request_id: queued.request_id, decision: 'allow_always' })).rejects.toThrow(
      /allow_always cannot apply/,
    )
    await worker()
    expect(chargesOf(invoice.id)).toEqual([])
  })

  it("the owner's own invoice is charged on its due date, after the customer is told", async () => {
    const invoice = await app.ownerAction('invoice', 'create', {
      contact_id: contact,
      line_items: [{ description: 'Gutters', unit_price_cents: 12_000 }],
      due_on: clock.now.toISOString().slice(0, 10),
    })
    expect(invoice.amount_set_by).toBe('person')
    await app.ownerAction('invoice', 'send', { invoice_id: invoice.id })
    await runAutopay(app.services)
    expect(chargesOf(invoice.id)).toEqual([])
    await later(60_000)
    await deliverDue(app.services)
    await runAutopay(app.services)
    expect(chargesOf(invoice.id)).toHaveLength(1)
    const [notice] = await sql<{ amount_cents: number; status: string }>(
      `select n.amount_cents, m.status from autopay_notices n join scheduled_messages m on m.id = n.message_id where n.invoice_id = $1`,
      [invoice.id],
    )
    expect(notice).toEqual({ amount_cents: 12_000, status: 'sent' })
  })
})
