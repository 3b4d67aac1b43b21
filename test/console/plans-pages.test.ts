import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { runAutopay } from '../../core/domains/autopay/autopay.js'
import { issueDueRecurringInvoices } from '../../core/domains/recurring-invoices/issue.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, type TestEngine, behaviourEngine } from '../helpers/databases.js'
import { type FakeCard, type FakeStripe, signedDelivery, startFakeStripe, stripeEvent } from '../helpers/fake-stripe.js'
import { made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'
import type { Services } from '../../core/kernel/context.js'

const SECRET = 'whsec_test_plan_pages_0123456789'

/** Tuesday 2026-12-01, 10:00 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-12-01T16:00:00Z') }

/** Autopay's pass that emails each customer of a due charge the amount, the card and the day, their delivery, then the charge. */
async function tellThenCharge(services: Services): Promise<void> {
  await runAutopay(services)
  clock.now = new Date(clock.now.getTime() + 60_000)
  await deliverDue(services)
  await runAutopay(services)
}

/** The owner's pages and the customer's, with Stripe faked: the pages, the fake, and the plan of the catalog. */
async function planApp(engine: TestEngine): Promise<{ pages: PageApp; stripe: FakeStripe; service: string }> {
  clock.now = new Date('2026-12-01T16:00:00Z')
  const stripe = await startFakeStripe()
  stripe.now = () => clock.now
  const payments = createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url })
  const pages = await startPageApp(engine, { now: () => clock.now, integrations: { stripe: payments } })
  const service = (await made(pages.app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 9000 })).id
  return { pages, stripe, service }
}

/** A customer who accepted the plan through their emailed link with the given card: their id, the plan's and the link. */
async function acceptedBy(pages: PageApp, stripe: FakeStripe, planId: string, name: string, card: FakeCard) {
  const app = pages.app
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`
  const contact = (await made(app, 'contact', 'create', { display_name: name, email })).id
  const offered = await made(app, 'customer_plan', 'propose', { plan_id: planId, contact_id: contact, starts_on: '2026-12-01' })
  await made(app, 'customer_plan', 'send', { customer_plan_id: offered.id }, 'asked')
  clock.now = new Date(clock.now.getTime() + 60_000)
  await deliverDue(app.services)
  const link = /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(String(app.email.sent.findLast((m) => m.to === email)?.text))![0]
  const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }), redirect: 'manual' })
  const sessionId = String(posted.headers.get('location')).split('/').pop()!
  const signed = signedDelivery(stripeEvent('checkout.session.completed', stripe.completeSetup(sessionId, card)), SECRET)
  await fetch(`${app.url}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
    body: signed.body,
  })
  return { contact, customerPlanId: offered.id as string, link }
}

describe.each(engines)("the owner's service plans and failed payments, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  let stripe: FakeStripe
  let service: string
  let planId: string
  beforeAll(async () => {
    ;({ pages, stripe, service } = await planApp(engine))
  })
  afterAll(async () => {
    await pages?.app.close()
    await stripe?.close()
  })

  it('adds a plan to the catalog, offers it to a customer and sends it; the customer accepts with a card', async () => {
    const empty = await pages.owner.get('/plans')
    expect(empty.html).toContain('No plans yet.')
    const refused = await pages.owner.submit(empty.html, '/plans', [
      ['name', 'Monthly windows'],
      ['service_id', service],
      ['visits', '1'],
      ['price', 'forty'],
      ['cycle', 'monthly'],
      ['term_cycles', '12'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('expected an amount in dollars and cents such as 45.50, not &quot;forty&quot;')
    const added = await pages.owner.submit(empty.html, '/plans', [
      ['name', 'Monthly windows'],
      ['service_id', service],
      ['visits', '1'],
      ['price', '45.00'],
      ['cycle', 'monthly'],
      ['term_cycles', '12'],
      ['renews', 'on'],
    ])
    expect(added.status).toBe(303)
    planId = String(added.location).split('/')[2].split('?')[0]
    const plan = await pages.owner.get(added.location as string)
    expect(plan.html).toContain('The plan is in your catalog.')
    expect(plan.html).toContain('$45.00 a month for 12 months, renewing')
    const ada = (await made(pages.app, 'contact', 'create', { display_name: 'Ada Plan', email: 'ada@example.com' })).id
    const chosen = await pages.owner.get(`/plans/${planId}?contact_id=${ada}`)
    const offered = await pages.owner.submit(chosen.html, `/plans/${planId}/offer`, [['starts_on', '2026-12-01']])
    expect(offered.status).toBe(303)
    const mine = await pages.owner.get(offered.location as string)
    expect(mine.html).toContain('Offered. Send it to the customer to accept.')
    const customerPlanId = String(offered.location).split('/')[2].split('?')[0]
    const sent = await pages.owner.submit(mine.html, `/customer-plans/${customerPlanId}/send`, [])
    expect(sent.status).toBe(303)
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(pages.app.services)
    const email = pages.app.email.sent.findLast((m) => m.to === 'ada@example.com')!
    expect(email.subject).toBe('Your Monthly windows plan with Sparkle Windows')
    const link = /http:\/\/127\.0\.0\.1:\d+\/card\/[\w-]{43}/.exec(String(email.text))![0]
    const offer = await fetch(link).then((r) => r.text())
    expect(offer).toContain('Accept and save a card')
    expect(offer).toContain('No thanks')
    const posted = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }), redirect: 'manual' })
    expect(posted.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\//)
    const sessionId = String(posted.headers.get('location')).split('/').pop()!
    const signed = signedDelivery(stripeEvent('checkout.session.completed', stripe.completeSetup(sessionId, 'visa')), SECRET)
    await fetch(`${pages.app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
      body: signed.body,
    })
    const active = await pages.owner.get(`/customer-plans/${customerPlanId}`)
    expect(active.html).toContain('<dd>active</dd>')
    expect(active.html).toContain('visa 4242')
    expect(active.html).toContain('<dt>Next charge</dt><dd>2026-12-01</dd>')
    const customer = await pages.owner.get(`/customers/${ada}`)
    expect(customer.html).toContain('visa ending 4242')
    expect(customer.html).toContain(`<a href="/customer-plans/${customerPlanId}">Monthly windows</a>: active`)
  })

  it('a declined card shows on Home and Failed payments; Charge again and Ask for a new card work; a cancelled plan offers its refund', async () => {
    const bo = await acceptedBy(pages, stripe, planId, 'Bo Declined', 'insufficient_funds')
    await issueDueRecurringInvoices(pages.app.services)
    await tellThenCharge(pages.app.services)
    const home = await pages.owner.get('/')
    expect(home.html).toContain('<h2>Failed card payments</h2>')
    expect(home.html).toContain('<b>Bo Declined</b>: $45.00')
    const failed = await pages.owner.get('/payments/failed')
    expect(failed.html).toContain('Declined (insufficient funds)')
    expect(failed.html).toContain('Next try 2026-12-02')
    const again = await pages.owner.submit(failed.html, '/payments/failed/retry', [])
    expect(again.status).toBe(303)
    const asked = await pages.owner.submit(failed.html, '/payments/failed/ask', [])
    expect(asked.status).toBe(303)
    expect((await pages.owner.get(asked.location as string)).html).toContain('The customer is emailed a link to save another card')
    const mine = await pages.owner.get(`/customer-plans/${bo.customerPlanId}`)
    expect(mine.html).toContain('A card payment failed')
    expect((await pages.owner.get(`/customers/${bo.contact}`)).html).toContain('Card payment failed on')
    // Ada paid; cancelling her plan lists her payment to refund.
    await runAutopay(pages.app.services)
    const ada = (await pages.app.query({ type: 'customer_plans', status: 'active' })).body.data.items.find(
      (p: any) => p.customer_name === 'Ada Plan',
    )
    const page = await pages.owner.get(`/customer-plans/${ada.id}`)
    const cancelled = await pages.owner.submit(page.html, `/customer-plans/${ada.id}/cancel`, [['note', 'Moving away']])
    const settled = await pages.owner.get(cancelled.location as string)
    expect(settled.html).toContain('Cancelled: no more visits or invoices.')
    expect(settled.html).toContain('Settling up')
    const refunded = await pages.owner.submit(settled.html, `/customer-plans/${ada.id}/refund`, [['amount', '45.00']])
    expect(refunded.status).toBe(303)
    expect((await pages.owner.get(refunded.location as string)).html).toContain('Refunded.')
    expect([...stripe.refunds.values()].map((r) => r.amount)).toEqual([4500])
  })
})

describe.skipIf(!browserAvailable)("the plan pages and the customer's offer in Chromium at 390 px", () => {
  let pages: PageApp
  let stripe: FakeStripe
  let browser: Browser
  let plan: any
  let failedPlan: string
  let offerLink: string
  beforeAll(async () => {
    let service: string
    ;({ pages, stripe, service } = await planApp(behaviourEngine))
    plan = await pages.app.ownerAction('plan', 'create', {
      name: 'Quarterly windows and gutters',
      description: 'Inside and out, every season.',
      includes: [{ service_id: service, visits: 1 }],
      price_cents: 12_000,
      cycle: 'quarterly',
      term_cycles: 4,
    })
    const cy = await acceptedBy(pages, stripe, plan.id, 'Cy Declined', 'insufficient_funds')
    failedPlan = cy.customerPlanId
    await issueDueRecurringInvoices(pages.app.services)
    await tellThenCharge(pages.app.services)
    // An invoice an agent wrote for Cy, who pays by autopay: it waits for the owner on Failed payments.
    await pages.app.ownerAction('card', 'set_autopay', { contact_id: cy.contact, autopay: true })
    const extra = await made(pages.app, 'invoice', 'create', {
      contact_id: cy.contact,
      line_items: [{ description: 'Skylights', unit_price_cents: 6_000 }],
    })
    await made(pages.app, 'invoice', 'send', { invoice_id: extra.id }, 'Cy asked for the skylights too')
    const dee = (await made(pages.app, 'contact', 'create', { display_name: 'Dee Offer', email: 'dee@example.com' })).id
    const offered = await made(pages.app, 'customer_plan', 'propose', { plan_id: plan.id, contact_id: dee, starts_on: '2026-12-01' })
    await made(pages.app, 'customer_plan', 'send', { customer_plan_id: offered.id }, 'asked')
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(pages.app.services)
    offerLink = /\/card\/[\w-]{43}/.exec(String(pages.app.email.sent.findLast((m) => m.to === 'dee@example.com')?.text))![0]
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
    await stripe?.close()
  })

  it('fits the phone and passes axe', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      for (const path of ['/plans', `/plans/${plan.id}`, `/customer-plans/${failedPlan}`, '/payments/failed', offerLink]) {
        const page = await openOnPhone(tab, pages.app, path)
        expect(await page.textContent('body')).toMatch(/Quarterly windows and gutters|Failed payments|Cy Declined/)
        if (path === '/payments/failed') expect(await page.textContent('body')).toContain('Allow the charge')
      }
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
