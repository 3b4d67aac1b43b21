import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../../core/clients/payments.js'
import { paymentLinkFor } from '../../../core/domains/invoices/payment-link.js'
import { performAction } from '../../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { signedDelivery, startFakeStripe, stripeEvent, type FakeStripe } from '../../helpers/fake-stripe.js'
import { newContact } from '../../helpers/fixtures.js'

const SECRET = 'whsec_void_test_secret'

describe.each(engines)('voiding an invoice paid online (%s)', (engine) => {
  let app: TestApp
  let stripe: FakeStripe

  beforeAll(async () => {
    stripe = await startFakeStripe()
    app = await startTestApp(engine, {
      integrations: { stripe: createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: SECRET, apiBase: stripe.url }) },
    })
  })
  afterAll(async () => {
    await app.close()
    await stripe.close()
  })

  it('is queued for the owner when an agent asks, and changes nothing until the owner allows it', async () => {
    const jane = await newContact(app, { display_name: 'Jane Void', email: 'jane.void@example.com' })
    const inv = (
      await app.action('invoice', 'create', {
        contact_id: jane,
        line_items: [{ description: 'Windows', unit_price_cents: 8000, taxable: false }],
      })
    ).body.data
    await app.action('invoice', 'mark_sent', { invoice_id: inv.id })
    const url = await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)
    const signed = signedDelivery(stripeEvent('checkout.session.completed', stripe.completed(url!.split('/').pop()!)), SECRET)
    const hook = await fetch(`${app.url}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'stripe-signature': signed.signature },
      body: signed.body,
    })
    expect(hook.status).toBe(200)
    expect((await app.query({ type: 'invoices', id: inv.id })).body.data).toMatchObject({ status: 'paid', amount_paid_cents: 8000 })

    const bare = await app.action('invoice', 'void', { invoice_id: inv.id })
    expect(bare.status).toBe(422)
    expect(bare.body.error.code).toBe('REASONING_REQUIRED')

    const asked = await app.action(
      'invoice',
      'void',
      { invoice_id: inv.id, reason: 'Customer was charged twice' },
      { reasoning: 'Duplicate job entry' },
    )
    expect(asked.status).toBe(202)
    expect(asked.body.data).toMatchObject({ status: 'pending_authorization' })
    const still = (await app.query({ type: 'invoices', id: inv.id, include: 'payments' })).body.data
    expect(still).toMatchObject({ status: 'paid', voided_at: null })
    expect(still.payments).toHaveLength(1)

    const owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user' as const, id: app.tenant.owner_user_id, role: 'owner' as const } }
    const decided = await performAction(
      app.services,
      owner,
      { domain: 'authorization', action: 'decide', data: { request_id: asked.body.data.request_id, decision: 'allow_once' } },
      { requestId: 'owner-allows' },
    )
    expect(decided.queued).toBe(false)
    const voided = (await app.query({ type: 'invoices', id: inv.id, include: 'payments' })).body.data
    expect(voided).toMatchObject({
      status: 'void',
      void_reason: 'Customer was charged twice',
      amount_paid_cents: 8000,
      amount_due_cents: 0,
    })
    expect(voided.payments[0]).toMatchObject({ method: 'stripe', amount_cents: 8000 })
    expect(await paymentLinkFor(app.services, app.tenant.tenant_id, inv.id)).toBeNull()
  })
})
