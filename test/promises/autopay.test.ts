import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../../core/kernel/context.js'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { runAutopay } from '../../core/domains/autopay/autopay.js'
import { issueDueRecurringInvoices } from '../../core/domains/recurring-invoices/issue.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { engines, type TestEngine } from '../helpers/databases.js'
import { type FakeStripe, signedDelivery, startFakeStripe, stripeEvent } from '../helpers/fake-stripe.js'
import { made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'

const SECRET = 'whsec_test_promises_autopay_0123456789'

/** Tuesday 2026-12-01, 10:00 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-12-01T16:00:00Z') }

/** A minute on, as the worker's next pass of autopay would come. */
async function aMinuteLater(services: Services): Promise<void> {
  clock.now = new Date(clock.now.getTime() + 60_000)
  await deliverDue(services)
  await runAutopay(services)
}

/** The owner's pages with Stripe faked, and a customer on a plan whose saved card is declined at its first charge. */
async function declinedCustomer(engine: TestEngine) {
  clock.now = new Date('2026-12-01T16:00:00Z')
  const stripe = await startFakeStripe()
  stripe.now = () => clock.now
  const payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url })
  const pages = await startPageApp(engine, { now: () => clock.now, integrations: { stripe: payments } })
  const app = pages.app
  const service = (await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 9000 })).id
  const plan = await app.ownerAction('plan', 'create', {
    name: 'Monthly windows',
    includes: [{ service_id: service, visits: 1 }],
    price_cents: 4500,
    cycle: 'monthly',
    term_cycles: 12,
  })
  const email = 'bo.declined@example.com'
  const contact = (await made(app, 'contact', 'create', { display_name: 'Bo Declined', email })).id
  const offered = await made(app, 'customer_plan', 'propose', { plan_id: plan.id, contact_id: contact, starts_on: '2026-12-01' })
  await made(app, 'customer_plan', 'send', { customer_plan_id: offered.id }, 'asked')
  clock.now = new Date(clock.now.getTime() + 60_000)
  await deliverDue(app.services)
  const link = /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(String(app.email.sent.findLast((m) => m.to === email)?.text))![0]
  const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }), redirect: 'manual' })
  const sessionId = String(posted.headers.get('location')).split('/').pop()!
  const signed = signedDelivery(stripeEvent('checkout.session.completed', stripe.completeSetup(sessionId, 'insufficient_funds')), SECRET)
  await fetch(`${app.url}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
    body: signed.body,
  })
  await issueDueRecurringInvoices(app.services)
  await runAutopay(app.services)
  await aMinuteLater(app.services)
  return { pages, stripe, contact, email }
}

describe.each(engines)('what the failed payments page says it does, it does (%s)', (engine) => {
  let pages: PageApp
  let stripe: FakeStripe
  let email: string
  beforeAll(async () => {
    ;({ pages, stripe, email } = await declinedCustomer(engine))
  })
  afterAll(async () => {
    await pages?.app.close()
    await stripe?.close()
  })

  it('Charge again: the declined invoice is charged again at the next pass of autopay, a minute later', async () => {
    const tries = () => [...stripe.paymentIntents.values()].length
    const before = tries()
    expect(before).toBeGreaterThan(0)
    const failed = await pages.owner.get('/payments/failed')
    expect(failed.html).toContain('Declined (insufficient funds)')
    const again = await pages.owner.submit(failed.html, '/payments/failed/retry', [])
    expect((await pages.owner.get(again.location as string)).html).toContain('It is charged again within a minute.')
    await aMinuteLater(pages.app.services)
    expect(tries()).toBe(before + 1)
  })

  it('Ask for a new card emails the customer a link to save another card', async () => {
    const sentBefore = pages.app.email.sent.length
    const failed = await pages.owner.get('/payments/failed')
    const asked = await pages.owner.submit(failed.html, '/payments/failed/ask', [])
    expect((await pages.owner.get(asked.location as string)).html).toContain('The customer is emailed a link to save another card')
    await aMinuteLater(pages.app.services)
    const mail = pages.app.email.sent.slice(sentBefore).filter((m) => m.to === email)
    expect(mail).toHaveLength(1)
    expect(String(mail[0].text)).toMatch(/\/card\/[\w-]{43}/)
  })
})
