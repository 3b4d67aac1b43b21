import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { made } from '../domains/messages/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'
import { customer, dueMessage } from '../jobs/delivery-fixtures.js'

describe.each(engines)('the lasting pay link in an invoice email (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  let clock = new Date()
  const payments = () => createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: 'whsec_pay_link', apiBase: stripe.url })

  beforeAll(async () => {
    stripe = await startFakeStripe()
    stripe.now = () => clock
    app = await startTestApp(engine, { now: () => clock })
    app.services.payments = payments()
    await app.t.db.query(`update tenants set payment_instructions = 'Checks to Sparkle Windows, 12 Main St' where id = $1`, [
      app.tenant.tenant_id,
    ])
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  /** A sent invoice whose email the worker delivered; returns the invoice and the emailed text. */
  async function emailedInvoice(cents = 12_500): Promise<{ invoice: any; text: string }> {
    const jane = await customer(app, `Jane ${cents}`, `jane${cents}@example.com`)
    const invoice = await made(app, 'invoice', 'create', {
      contact_id: jane,
      line_items: [{ description: 'Gutter cleaning', unit_price_cents: cents }],
    })
    await made(app, 'invoice', 'mark_sent', { invoice_id: invoice.id })
    await dueMessage(app, { contact_id: jane, kind: 'invoice', invoice_id: invoice.id })
    await deliverDue(app.services)
    const mail = app.email.sent.filter((m) => m.to === `jane${cents}@example.com`).at(-1)
    expect(mail, 'the invoice email').toBeDefined()
    return { invoice, text: mail!.text }
  }
  const open = (path: string) => fetch(app.url + path, { redirect: 'manual' })

  it('goes to the open checkout page, to a new one once it expired, and says when the invoice is paid', async () => {
    const { invoice, text } = await emailedInvoice()
    const path = text.match(/Pay online: http:\/\/127\.0\.0\.1:\d+(\/pay\/[\w-]{43})/)?.[1]
    expect(path, text).toBeTruthy()
    expect(text).not.toContain('checkout.stripe.test')
    const sessionsAfterSend = stripe.sessions.size

    const first = await open(path!)
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\//)
    // Still open: the same page, no new session.
    const again = await open(path!)
    expect(again.headers.get('location')).toBe(first.headers.get('location'))
    expect(stripe.sessions.size).toBe(sessionsAfterSend)

    // Two days later Stripe's page has expired; the emailed link still works.
    clock = new Date(clock.getTime() + 48 * 3600_000)
    const later = await open(path!)
    expect(later.status).toBe(303)
    expect(later.headers.get('location')).not.toBe(first.headers.get('location'))
    expect(stripe.sessions.size).toBe(sessionsAfterSend + 1)

    await made(app, 'invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 12_500, method: 'check' })
    const paid = await open(path!)
    expect(paid.status).toBe(200)
    expect(await paid.text()).toContain(`Invoice ${invoice.number} from Sparkle Windows is paid`)
  })

  it('refuses an unknown link, and says so when Stripe or payments are unavailable', async () => {
    for (const bad of ['/pay/nope', `/pay/${'A'.repeat(43)}`]) {
      const r = await open(bad)
      expect(r.status).toBe(404)
      expect(await r.text()).toContain('This payment link is not valid')
    }
    const { text } = await emailedInvoice(9_900)
    const path = text.match(/\/pay\/[\w-]{43}/)![0]
    // Expired page, and Stripe down for both tries: a page that says to try again, not an error.
    clock = new Date(clock.getTime() + 48 * 3600_000)
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is down' })
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is down' })
    const down = await open(path)
    expect(down.status).toBe(503)
    expect(await down.text()).toContain('try the link again in a few minutes')
    expect((await open(path)).status).toBe(303)

    app.services.payments = null
    try {
      const off = await open(path)
      expect(off.status).toBe(503)
      expect(await off.text()).toContain('Checks to Sparkle Windows, 12 Main St')
      // Emails sent while payments are off carry the instructions and no link at all.
      const plain = (await emailedInvoice(4_400)).text
      expect(plain).toContain('Checks to Sparkle Windows, 12 Main St')
      expect(plain).not.toMatch(/\/pay\/|Pay online/)
    } finally {
      app.services.payments = payments()
    }
  })
})
