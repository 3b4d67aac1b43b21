import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { runAutopay } from '../../core/domains/autopay/autopay.js'
import { issueDueRecurringInvoices } from '../../core/domains/recurring-invoices/issue.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { type CapturingEmail, capturingEmail } from '../helpers/email.js'
import { type FakeStripe, signedDelivery, startFakeStripe, stripeEvent } from '../helpers/fake-stripe.js'
import { asTenant, letters, made } from '../helpers/fixtures.js'

const SECRET = 'whsec_test_promises_plans_0123456789'

/** Tuesday 2026-12-01, 10:00 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-12-01T16:00:00Z') }

/** An email client that keeps what it is given, and delivers only while `on` (an email provider is set). */
function switchableEmail(): CapturingEmail & { on: boolean } {
  const captured = capturingEmail()
  const mail: CapturingEmail & { on: boolean } = {
    ...captured,
    on: true,
    get delivers(): boolean {
      return mail.on
    },
  }
  return mail
}

describe.each(engines)('what the plan and autopay words say, the product does (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  const mail = switchableEmail()
  let planId: string
  let n = 0

  beforeAll(async () => {
    clock.now = new Date('2026-12-01T16:00:00Z')
    stripe = await startFakeStripe()
    stripe.now = () => clock.now
    const payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url })
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: payments }, email: mail })
    const service = (await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 9000 })).id
    planId = (
      await app.ownerAction('plan', 'create', {
        name: 'Monthly windows',
        includes: [{ service_id: service, visits: 1 }],
        price_cents: 4500,
        cycle: 'monthly',
        term_cycles: 12,
      })
    ).id
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  /** A minute on, then the worker's delivery of what is due. */
  async function aMinuteLater(): Promise<void> {
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(app.services)
  }

  /** A customer who accepted the plan on its page and saved a card on Stripe's: their id, address and customer plan. */
  async function customerOnPlan() {
    const email = `promise${++n}@plans.test`
    const contact = (await made(app, 'contact', 'create', { display_name: `Plan Customer ${letters(n)}`, email })).id
    const offered = await made(app, 'customer_plan', 'propose', {
      plan_id: planId,
      contact_id: contact,
      starts_on: clock.now.toISOString().slice(0, 10),
    })
    await made(app, 'customer_plan', 'send', { customer_plan_id: offered.id }, 'they asked for the plan')
    await aMinuteLater()
    const link = /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(String(mail.sent.findLast((m) => m.to === email)?.text))![0]
    const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }), redirect: 'manual' })
    const sessionId = String(posted.headers.get('location')).split('/').pop()!
    const signed = signedDelivery(stripeEvent('checkout.session.completed', stripe.completeSetup(sessionId, 'visa')), SECRET)
    const hook = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
      body: signed.body,
    })
    expect(hook.status).toBe(200)
    return { contact, email, customerPlanId: offered.id as string }
  }

  /** The statuses of the plan's visits still to come. */
  const comingVisits = (customerPlanId: string) =>
    asTenant(app, async (tx) => {
      const r = await tx.query<{ status: string }>(
        `select t.status from tickets t join series s on s.id = t.series_id
          where s.customer_plan_id = $1 and t.scheduled_start > $2 order by t.scheduled_start`,
        [customerPlanId, clock.now],
      )
      return r.rows.map((row) => row.status)
    })

  /** The charges Stripe was asked for on the customer's invoices. */
  const chargesOf = async (contact: string) => {
    const ids = await asTenant(app, async (tx) => (await tx.query('select id from invoices where contact_id = $1', [contact])).rows)
    return [...stripe.paymentIntents.values()].filter((pi) => ids.some((i) => i.id === pi.metadata?.invoice_id)).length
  }

  /** Autopay's passes over a few minutes, with the worker delivering what they queue. */
  async function autopayPasses(): Promise<void> {
    await issueDueRecurringInvoices(app.services)
    for (let i = 0; i < 3; i++) {
      await runAutopay(app.services)
      await aMinuteLater()
    }
  }

  it('pausing a customer plan cancels its coming visits', async () => {
    const { customerPlanId } = await customerOnPlan()
    const before = await comingVisits(customerPlanId)
    expect(before.length).toBeGreaterThan(0)
    expect(new Set(before)).toEqual(new Set(['scheduled']))
    await app.ownerAction('customer_plan', 'pause', { customer_plan_id: customerPlanId })
    const after = await comingVisits(customerPlanId)
    expect(after.filter((s) => s !== 'cancelled')).toEqual([])
  })

  it('cancelling a customer plan cancels its coming visits', async () => {
    const { customerPlanId } = await customerOnPlan()
    expect((await comingVisits(customerPlanId)).length).toBeGreaterThan(0)
    await app.ownerAction('customer_plan', 'cancel', { customer_plan_id: customerPlanId, note: 'Moving away' })
    const after = await comingVisits(customerPlanId)
    expect(after.filter((s) => s !== 'cancelled')).toEqual([])
  })

  it('a forgotten card is charged no more, and the invoice is emailed with its pay link', async () => {
    const { contact, email } = await customerOnPlan()
    await app.ownerAction('card', 'remove', { contact_id: contact })
    const sentBefore = mail.sent.length
    await autopayPasses()
    expect(await chargesOf(contact)).toBe(0)
    const invoices = mail.sent.slice(sentBefore).filter((m) => m.to === email && /invoice/i.test(String(m.subject)))
    expect(invoices).toHaveLength(1)
    expect(String(invoices[0].text)).toMatch(/http:\/\/127\.0\.0\.1:\d+\/pay\/[\w-]{43}/)
  })

  it('autopay charges nothing while email is off, and charges once it is on and the customer was told', async () => {
    const { contact } = await customerOnPlan()
    mail.on = false
    try {
      await autopayPasses()
      expect(await chargesOf(contact)).toBe(0)
    } finally {
      mail.on = true
    }
    await autopayPasses()
    expect(await chargesOf(contact)).toBe(1)
  })
})
