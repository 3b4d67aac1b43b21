import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient, type PaymentsClient } from '../../core/clients/payments.js'
import { AppError } from '../../core/kernel/errors.js'
import { type FakeCard, type FakeStripe, startFakeStripe } from '../helpers/fake-stripe.js'

/** Saving a card through Checkout, charging it with the customer away and refunding, over HTTP against the local Stripe. */
describe('saved cards through Stripe', () => {
  let stripe: FakeStripe
  let payments: PaymentsClient
  let customerId: string
  let keys = 0
  const key = (what: string) => `${what}-${++keys}`

  beforeAll(async () => {
    stripe = await startFakeStripe()
    payments = createPaymentsClient({ secretKey: 'sk_test_fake', apiBase: stripe.url })
    customerId = (await payments.createCustomer({ name: 'Jane Payer', email: null, phone: null, metadata: {} }, key('customer'))).id
  })
  afterAll(async () => {
    await stripe.close()
  })

  const setupSession = () =>
    payments.createSetupSession(
      {
        customerId,
        successUrl: 'https://crm.test/cards/saved',
        cancelUrl: 'https://crm.test/cards/cancelled',
        metadata: { contact_id: 'c-1', tenant_id: 't-1' },
        currency: 'USD',
        description: 'Card on file for Jane Payer',
      },
      key('setup'),
    )
  const savedCard = async (card?: FakeCard) => {
    const session = await setupSession()
    return payments.savedCardOf(stripe.completeSetup(session.id, card).setup_intent)
  }
  const charge = (paymentMethodId: string, idempotencyKey = key('charge'), amountCents = 12_500) =>
    payments.chargeOffSession(
      { customerId, paymentMethodId, amountCents, currency: 'USD', description: 'Visit 2026-03-10', metadata: { order_id: 'o-1' } },
      idempotencyKey,
    )
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a failure')
      },
      (err) => err,
    )

  it('opens a setup-mode Checkout Session for a card, with the metadata on the session and its SetupIntent', async () => {
    const session = await setupSession()
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/)
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now())
    const sent = stripe.requests.at(-1)!
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions', idempotencyKey: `setup-${keys}` })
    expect(sent.body).toEqual({
      mode: 'setup',
      customer: customerId,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
      success_url: 'https://crm.test/cards/saved',
      cancel_url: 'https://crm.test/cards/cancelled',
      metadata: { contact_id: 'c-1', tenant_id: 't-1' },
      setup_intent_data: { metadata: { contact_id: 'c-1', tenant_id: 't-1' }, description: 'Card on file for Jane Payer' },
    })
    expect(stripe.sessions.get(session.id)).toMatchObject({
      mode: 'setup',
      status: 'open',
      payment_status: 'no_payment_required',
      setup_intent: null,
    })

    const done = stripe.completeSetup(session.id, 'mastercard')
    expect(done).toMatchObject({ id: session.id, status: 'complete', customer: customerId, setup_intent: expect.stringMatching(/^seti_/) })
  })

  it('reads the saved card from the SetupIntent with its payment method expanded', async () => {
    const session = await setupSession()
    const setupIntentId = stripe.completeSetup(session.id, 'mastercard').setup_intent
    // Without expand[]=payment_method the fake answers only the id, and the client would refuse it.
    expect(await payments.savedCardOf(setupIntentId)).toEqual({
      setupIntentId,
      paymentMethodId: expect.stringMatching(/^pm_/),
      customerId,
      brand: 'mastercard',
      last4: '4444',
      expMonth: 12,
      expYear: 2034,
    })
    expect(stripe.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/setup_intents/${setupIntentId}` })
  })

  it('an unknown SetupIntent is UNAVAILABLE, not retryable, carrying Stripe’s resource_missing', async () => {
    const err = await failure(payments.savedCardOf('seti_nope'))
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'UNAVAILABLE', details: { provider: 'stripe', retryable: false, stripe_code: 'resource_missing' } })
    expect(err.message).toContain("No such setupintent: 'seti_nope'")
  })

  it('charges a saved card off-session and confirms it at once', async () => {
    const card = await savedCard()
    const result = await charge(card.paymentMethodId, 'charge-visa')
    expect(result).toEqual({ status: 'succeeded', paymentIntentId: expect.stringMatching(/^pi_/), amountCents: 12_500, currency: 'usd' })
    const sent = stripe.requests.at(-1)!
    expect(sent).toMatchObject({ path: '/v1/payment_intents', idempotencyKey: 'charge-visa' })
    expect(sent.body).toEqual({
      amount: '12500',
      currency: 'usd',
      customer: customerId,
      payment_method: card.paymentMethodId,
      off_session: 'true',
      confirm: 'true',
      description: 'Visit 2026-03-10',
      metadata: { order_id: 'o-1' },
    })
    if (result.status !== 'succeeded') throw new Error(result.status)
    expect(stripe.paymentIntents.get(result.paymentIntentId)).toMatchObject({
      status: 'succeeded',
      latest_charge: expect.stringMatching(/^ch_/),
    })
  })

  it('a declined card is a result naming Stripe’s codes and the PaymentIntent Stripe made, not an error', async () => {
    const card = await savedCard('insufficient_funds')
    const result = await charge(card.paymentMethodId)
    expect(result).toEqual({
      status: 'declined',
      paymentIntentId: expect.stringMatching(/^pi_/),
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    })
    if (result.status !== 'declined') throw new Error(result.status)
    expect(stripe.paymentIntents.get(result.paymentIntentId!)).toMatchObject({ status: 'requires_payment_method' })

    const expired = await charge((await savedCard('expired')).paymentMethodId)
    expect(expired).toMatchObject({ status: 'declined', code: 'expired_card', message: 'Your card has expired.' })
  })

  it('a card whose bank wants the customer to authenticate needs the customer', async () => {
    const card = await savedCard('authentication_required')
    const result = await charge(card.paymentMethodId)
    expect(result).toEqual({
      status: 'needs_customer',
      paymentIntentId: expect.stringMatching(/^pi_/),
      message: 'Your card was declined. This transaction requires authentication.',
    })
  })

  it('a card that starts declining after it was saved', async () => {
    const card = await savedCard('visa')
    expect((await charge(card.paymentMethodId)).status).toBe('succeeded')
    stripe.setCard(card.paymentMethodId, 'declines')
    expect(await charge(card.paymentMethodId)).toMatchObject({ status: 'declined', code: 'card_declined', declineCode: 'generic_decline' })
  })

  it('Stripe down is UNAVAILABLE and retryable, after one retry with the same key, and charges nothing', async () => {
    const card = await savedCard()
    const before = stripe.paymentIntents.size
    const attempts = stripe.requests.length
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is down' })
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is down' })
    const err = await failure(charge(card.paymentMethodId, 'charge-outage'))
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'UNAVAILABLE', details: { provider: 'stripe', retryable: true } })
    expect(stripe.requests.slice(attempts).map((r) => r.idempotencyKey)).toEqual(['charge-outage', 'charge-outage'])
    expect(stripe.paymentIntents.size).toBe(before)
  })

  it('the same key and body again answers the first PaymentIntent and charges nothing more; another body with that key is refused', async () => {
    const card = await savedCard()
    const first = await charge(card.paymentMethodId, 'charge-once')
    const count = stripe.paymentIntents.size
    expect(await charge(card.paymentMethodId, 'charge-once')).toEqual(first)
    expect(stripe.paymentIntents.size).toBe(count)

    const declining = await savedCard('declines')
    const declined = await charge(declining.paymentMethodId, 'decline-once')
    expect(await charge(declining.paymentMethodId, 'decline-once')).toEqual(declined)

    const err = await failure(charge(card.paymentMethodId, 'charge-once', 99_900))
    expect(err).toMatchObject({ code: 'UNAVAILABLE', details: { retryable: false, stripe_type: 'StripeIdempotencyError' } })
    expect(stripe.paymentIntents.size).toBe(count + 1)
  })

  it('a held answer: Stripe has charged before the caller hears of it', async () => {
    const card = await savedCard()
    const held = stripe.holdNext('/v1/payment_intents')
    const pending = charge(card.paymentMethodId, 'charge-held')
    const request = await held.arrived
    expect(request.idempotencyKey).toBe('charge-held')
    expect([...stripe.paymentIntents.values()].at(-1)).toMatchObject({ status: 'succeeded', payment_method: card.paymentMethodId })
    held.release()
    expect(await pending).toMatchObject({ status: 'succeeded' })
  })

  it('refunds part of a payment, then refuses more than is left as a VALIDATION_ERROR on data.amount_cents', async () => {
    const card = await savedCard()
    const paid = await charge(card.paymentMethodId, key('charge'), 10_000)
    if (paid.status !== 'succeeded') throw new Error(paid.status)

    const refund = await payments.refund(
      { paymentIntentId: paid.paymentIntentId, amountCents: 4_000, metadata: { order_id: 'o-1' } },
      'refund-1',
    )
    expect(refund).toEqual({ id: expect.stringMatching(/^re_/), status: 'succeeded', amountCents: 4_000 })
    expect(stripe.requests.at(-1)).toMatchObject({
      path: '/v1/refunds',
      idempotencyKey: 'refund-1',
      body: { payment_intent: paid.paymentIntentId, amount: '4000', metadata: { order_id: 'o-1' } },
    })
    expect(stripe.refunds.get(refund.id)).toMatchObject({ object: 'refund', amount: 4_000, payment_intent: paid.paymentIntentId })

    const tooMuch = await failure(payments.refund({ paymentIntentId: paid.paymentIntentId, amountCents: 7_000, metadata: {} }, 'refund-2'))
    expect(tooMuch).toBeInstanceOf(AppError)
    expect(tooMuch).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
      details: {
        issues: [{ field: 'data.amount_cents', message: 'Refund amount ($70.00) is greater than unrefunded amount on charge ($60.00)' }],
        stripe_code: 'amount_too_large',
      },
    })

    await payments.refund({ paymentIntentId: paid.paymentIntentId, amountCents: 6_000, metadata: {} }, 'refund-3')
    const again = await failure(payments.refund({ paymentIntentId: paid.paymentIntentId, amountCents: 100, metadata: {} }, 'refund-4'))
    expect(again).toMatchObject({ code: 'VALIDATION_ERROR', details: { stripe_code: 'charge_already_refunded' } })
    expect(stripe.refunds.size).toBe(2)
  })
})
