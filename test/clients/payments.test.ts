import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient, describePayments, PAYMENTS_OFF, paymentsOf } from '../../core/clients/payments.js'
import { paymentLinkFor } from '../../core/domains/invoices/payment-link.js'
import { defaultTemplate } from '../../core/domains/messages/default-templates.js'
import { messageValues, renderTexts } from '../../core/domains/messages/render.js'
import { loadTenantSettings } from '../../core/domains/settings/model.js'
import { AppError } from '../../core/kernel/errors.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'
import { asTenant, auditActions, newContact, settings } from '../helpers/fixtures.js'

const WEBHOOK_SECRET = 'whsec_test_secret_for_payments'

describe.each(engines)('payment links through Stripe Checkout (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  let jane: string
  let clock = new Date('2026-03-10T16:00:00Z')

  beforeAll(async () => {
    stripe = await startFakeStripe()
    stripe.now = () => clock
    app = await startTestApp(engine, {
      now: () => clock,
      integrations: { stripe: createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: WEBHOOK_SECRET, apiBase: stripe.url }) },
    })
    await settings(app, { default_tax_rate_bp: 825 })
    jane = await newContact(app, { display_name: 'Jane Payton', email: 'jane@example.com', phone: '+12565550100' })
  })
  afterAll(async () => {
    await app.close()
    await stripe.close()
  })

  const sentInvoice = async (
    contactId = jane,
    lines: unknown[] = [
      { description: 'Exterior windows', unit_price_cents: 10_000, quantity: 2 },
      { description: 'Screens', unit_price_cents: 500, quantity: 3, taxable: false },
    ],
  ) => {
    const created = await app.action('invoice', 'create', { contact_id: contactId, line_items: lines })
    expect(created.status, JSON.stringify(created.body.error)).toBe(200)
    await app.action('invoice', 'mark_sent', { invoice_id: created.body.data.id })
    return created.body.data
  }
  const stored = (invoiceId: string) =>
    asTenant(
      app,
      async (tx) =>
        (
          await tx.query<any>(
            `select stripe_checkout_session_id, stripe_checkout_url, stripe_checkout_amount_cents, stripe_checkout_expires_at from invoices where id = $1`,
            [invoiceId],
          )
        ).rows[0],
    )
  const customerOf = (contactId: string) =>
    asTenant(
      app,
      async (tx) =>
        (await tx.query<{ stripe_customer_id: string | null }>('select stripe_customer_id from contacts where id = $1', [contactId]))
          .rows[0].stripe_customer_id,
    )
  const posts = (path: string) => stripe.requests.filter((r) => r.path === path)

  it('creates the Stripe customer once, a Checkout Session with the invoice lines and tax, and stores both', async () => {
    const inv = await sentInvoice()
    expect(inv.total_cents).toBe(20_000 + 1650 + 1500)
    const before = stripe.requests.length
    const url = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/)
    const [customerCall, sessionCall] = stripe.requests.slice(before)
    expect(customerCall).toMatchObject({ method: 'POST', path: '/v1/customers', authorization: 'Bearer sk_test_fake' })
    expect(customerCall.body).toMatchObject({
      name: 'Jane Payton',
      email: 'jane@example.com',
      phone: '+12565550100',
      metadata: { contact_id: jane, tenant_id: app.tenant.tenant_id },
    })
    expect(customerCall.idempotencyKey).toBe(`customer-${app.tenant.tenant_id}-${jane}`)
    const customerId = await customerOf(jane)
    expect(customerId).toMatch(/^cus_fake_/)

    expect(sessionCall.path).toBe('/v1/checkout/sessions')
    expect(sessionCall.idempotencyKey).toBe(`checkout-${inv.id}-23150-first`)
    const body = sessionCall.body
    expect(body).toMatchObject({
      mode: 'payment',
      customer: customerId,
      client_reference_id: inv.id,
      metadata: { invoice_id: inv.id, tenant_id: app.tenant.tenant_id },
      success_url: `${app.url}/payments/thank-you?invoice=${inv.number}`,
      cancel_url: `${app.url}/payments/cancelled?invoice=${inv.number}`,
    })
    expect(
      body.line_items.map((l: any) => [
        l.price_data.product_data.name,
        l.price_data.currency,
        Number(l.price_data.unit_amount),
        Number(l.quantity),
      ]),
    ).toEqual([
      ['Exterior windows', 'usd', 10_000, 2],
      ['Screens', 'usd', 500, 3],
      ['Tax', 'usd', 1650, 1],
    ])
    const session = stripe.sessions.get(url!.split('/').pop()!)!
    expect(session.amount_total).toBe(23_150)

    expect(await stored(inv.id)).toMatchObject({
      stripe_checkout_session_id: session.id,
      stripe_checkout_url: url,
      stripe_checkout_amount_cents: 23_150,
    })
    expect(await auditActions(app, 'invoice', inv.id)).toContain('payment_link')
    expect(await auditActions(app, 'contact', jane)).toContain('link_stripe_customer')
  })

  it('reuses the open session while it charges what is due, and the customer on the next invoice', async () => {
    const inv = await sentInvoice()
    const first = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    const before = stripe.requests.length
    expect(await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)).toBe(first)
    expect(stripe.requests.length).toBe(before)

    const other = await sentInvoice()
    const customers = posts('/v1/customers').length
    await paymentLinkFor(app.services, app.tenant.tenant_id, other.id)
    expect(posts('/v1/customers').length).toBe(customers)
    expect(posts('/v1/checkout/sessions').at(-1)!.body.customer).toBe(await customerOf(jane))
  })

  it('makes a new session for the balance after a partial payment, and after the old one is about to expire', async () => {
    const inv = await sentInvoice()
    const first = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    const paid = await app.action(
      'invoice',
      'record_payment',
      { invoice_id: inv.id, amount_cents: 3150, method: 'cash' },
      { reasoning: 'The customer paid' },
    )
    expect(paid.body.data.invoice.status).toBe('partially_paid')
    const second = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    expect(second).not.toBe(first)
    const call = posts('/v1/checkout/sessions').at(-1)!
    expect(call.body.line_items).toEqual([
      {
        quantity: '1',
        price_data: { currency: 'usd', unit_amount: '20000', product_data: { name: `Invoice ${inv.number} (balance due)` } },
      },
    ])
    expect(call.idempotencyKey).toBe(`checkout-${inv.id}-20000-${first!.split('/').pop()}`)

    // 23.5 hours later the session has half an hour left: too little to hand out in an email.
    clock = new Date(clock.getTime() + 23.5 * 3600 * 1000)
    try {
      const third = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
      expect(third).not.toBe(second)
      expect((await stored(inv.id)).stripe_checkout_url).toBe(third)
    } finally {
      clock = new Date('2026-03-10T16:00:00Z')
    }
  })

  it('gives no link for a paid, void or draft-free-of-debt invoice, or when payments are off', async () => {
    const inv = await sentInvoice()
    await app.action(
      'invoice',
      'record_payment',
      { invoice_id: inv.id, amount_cents: inv.total_cents, method: 'check' },
      { reasoning: 'The customer paid' },
    )
    const before = stripe.requests.length
    expect(await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)).toBeNull()

    const free = await sentInvoice(jane, [{ description: 'Warranty visit', unit_price_cents: 0 }])
    expect(await paymentLinkFor(app.services, app.tenant.tenant_id, free.id)).toBeNull()

    const owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user' as const, id: app.tenant.owner_user_id, role: 'owner' as const } }
    const voided = await sentInvoice()
    const { performAction } = await import('../../core/kernel/operations.js')
    await performAction(
      app.services,
      owner,
      { domain: 'invoice', action: 'void', data: { invoice_id: voided.id } },
      { requestId: 'void-test' },
    )
    expect(await paymentLinkFor(app.services, app.tenant.tenant_id, voided.id)).toBeNull()
    expect(stripe.requests.length).toBe(before)

    const open = await sentInvoice()
    expect(await paymentLinkFor({ ...app.services, integrations: { stripe: null } }, app.tenant.tenant_id, open.id)).toBeNull()
    expect(stripe.requests.length).toBe(before)
  })

  it('turns a Stripe failure into a typed error and stores nothing', async () => {
    const inv = await sentInvoice()
    await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    await app.action(
      'invoice',
      'record_payment',
      { invoice_id: inv.id, amount_cents: 100, method: 'cash' },
      { reasoning: 'The customer paid' },
    )
    const storedBefore = await stored(inv.id)
    stripe.failNext(400, {
      type: 'invalid_request_error',
      message: 'The currency provided (usd) is not supported',
      code: 'parameter_invalid',
    })
    const err = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id).catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({
      code: 'UNAVAILABLE',
      status: 503,
      details: { provider: 'stripe', retryable: false, stripe_code: 'parameter_invalid' },
    })
    expect(err.message).toContain('The currency provided (usd) is not supported')
    expect(await stored(inv.id)).toEqual(storedBefore)

    const attempts = stripe.requests.length
    stripe.failNext(503, { type: 'api_error', message: 'Stripe is temporarily unavailable' })
    stripe.failNext(503, { type: 'api_error', message: 'Stripe is temporarily unavailable' })
    const outage = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id).catch((e) => e)
    expect(outage).toMatchObject({ code: 'UNAVAILABLE', details: { retryable: true } })
    const tried = stripe.requests.slice(attempts)
    expect(tried).toHaveLength(2)
    expect(tried[1].idempotencyKey).toBe(tried[0].idempotencyKey)
    expect(await stored(inv.id)).toEqual(storedBefore)

    // One failed attempt: the client tries again with the same key and the link comes back.
    stripe.failNext(503, { type: 'api_error', message: 'Stripe is temporarily unavailable' })
    const url = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\//)
    expect((await stored(inv.id)).stripe_checkout_url).toBe(url)
  })

  it('an unknown invoice is NOT_FOUND', async () => {
    await expect(paymentLinkFor(app.services, app.tenant.tenant_id, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})

describe.each(engines)('invoice emails without Stripe keys (%s)', (engine) => {
  let app: TestApp

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null }, now: () => new Date('2026-03-10T16:00:00Z') })
    await app.t.admin.query(`update tenants set payment_instructions = $1 where id = $2`, [
      'Pay by check to Sparkle Windows, 12 Main St, or Zelle to pay@sparkle.test.',
      app.tenant.tenant_id,
    ])
  })
  afterAll(() => app.close())

  it("carry the business's payment instructions and no link", async () => {
    const jane = await newContact(app, { display_name: 'Jane Nokeys', email: 'jane.nokeys@example.com' })
    const inv = (
      await app.action('invoice', 'create', {
        contact_id: jane,
        line_items: [{ description: 'Windows', unit_price_cents: 12_500, taxable: false }],
      })
    ).body.data
    const link = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    expect(link).toBeNull()
    expect(describePayments(paymentsOf(app.services))).toBe(PAYMENTS_OFF)
    const body = await asTenant(app, async (tx) => {
      const message = { contact_id: jane, kind: 'invoice', invoice_id: inv.id, send_at: new Date('2026-03-10T16:00:00Z') }
      const values = await messageValues(tx, message, await loadTenantSettings(tx))
      const template = await defaultTemplate(tx, 'invoice')
      return renderTexts(
        { subject: template.subject, body: template.body, custom: null, kind: 'invoice' },
        { ...values, payment_link: link },
      ).body
    })
    expect(body).toContain(`Here is invoice ${inv.number} for $125.00`)
    expect(body).toContain('Pay by check to Sparkle Windows, 12 Main St, or Zelle to pay@sparkle.test.')
    expect(body).not.toMatch(/https?:\/\//)
    expect(body).not.toContain('Pay online')
  })
})
