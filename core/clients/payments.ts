import type Stripe from 'stripe'
import { lazyPackage } from './lazy-package.js'
import { AppError } from '../kernel/errors.js'
import { log } from '../kernel/log.js'
import type { Services } from '../kernel/context.js'
import { integrationOf } from '../kernel/plug-in.js'

/** Where Stripe is and how to reach it. */
export interface PaymentsConfig {
  secretKey: string
  /** Verifies webhook deliveries (whsec_...); without it payments cannot be recorded. */
  webhookSecret?: string
  /** Another Stripe API address (a local fake in tests), e.g. http://127.0.0.1:12111. */
  apiBase?: string
  /** Per attempt; default 15 s, so a technician at the door is not kept waiting for long. */
  timeoutMs?: number
}

/** A customer as Stripe keeps it. */
export interface StripeCustomerInput {
  name: string
  email: string | null
  phone: string | null
  metadata: Record<string, string>
}

/** An open Checkout Session: the page the customer pays on. */
export interface CheckoutSession {
  id: string
  url: string
  expiresAt: Date
}

/** A card saved through a Checkout Session in setup mode, as Stripe keeps it. */
export interface SavedCardDetails {
  setupIntentId: string
  paymentMethodId: string
  customerId: string
  brand: string
  last4: string
  expMonth: number
  expYear: number
}

/** What an off-session charge of a saved card came to. */
export type OffSessionCharge =
  | { status: 'succeeded'; paymentIntentId: string; amountCents: number; currency: string }
  | { status: 'processing'; paymentIntentId: string }
  | { status: 'declined'; paymentIntentId: string | null; code: string; declineCode: string | null; message: string }
  | { status: 'needs_customer'; paymentIntentId: string | null; message: string }

/** A refund as Stripe made it. */
export interface StripeRefund {
  id: string
  status: string
  amountCents: number
}

/** Online payments through Stripe; the product uses only this interface. */
export interface PaymentsClient {
  /** One line for the start banner. */
  describe(): string
  /** False when no webhook secret is set: links work but payments cannot be recorded. */
  readonly verifiesWebhooks: boolean
  createCustomer(input: StripeCustomerInput, idempotencyKey: string): Promise<{ id: string }>
  createCheckoutSession(params: Stripe.Checkout.SessionCreateParams, idempotencyKey: string): Promise<CheckoutSession>
  /** A Checkout Session in setup mode: the customer saves a card for later off-session charges; no card number reaches us. */
  createSetupSession(
    params: {
      customerId: string
      successUrl: string
      cancelUrl: string
      metadata: Record<string, string>
      currency: string
      description: string
    },
    idempotencyKey: string,
  ): Promise<CheckoutSession>
  /** The card a completed setup session saved: GET /v1/setup_intents/{id} with expand[]=payment_method. */
  savedCardOf(setupIntentId: string): Promise<SavedCardDetails>
  /** Charges a saved card with the customer away: POST /v1/payment_intents with confirm=true, off_session=true. A decline or a charge that needs the customer is a result, not an error; only an unavailable Stripe (network, 5xx, rate limit, bad key) throws the usual UNAVAILABLE AppError. */
  chargeOffSession(
    params: {
      customerId: string
      paymentMethodId: string
      amountCents: number
      currency: string
      description: string
      metadata: Record<string, string>
    },
    idempotencyKey: string,
  ): Promise<OffSessionCharge>
  /** Refunds part or all of a payment: POST /v1/refunds {payment_intent, amount}. Stripe refusing (already refunded, too large) is a VALIDATION_ERROR AppError naming the field 'data.amount_cents' with Stripe's message; an unavailable Stripe is UNAVAILABLE. */
  refund(
    params: { paymentIntentId: string; amountCents: number; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<StripeRefund>
  /** The event of a webhook delivery whose signature verifies, else a VALIDATION_ERROR (400). */
  verifyEvent(rawBody: Buffer, signature: string | undefined): Stripe.Event
}

/** The name Stripe plugs in under (core/domains/stripe): its client is services.integrations.stripe. */
export const PAYMENTS_CAPABILITY = 'stripe'

/** This server's Stripe client, or null while payments are off (no STRIPE_SECRET_KEY). */
export function paymentsOf(services: Pick<Services, 'integrations'>): PaymentsClient | null {
  return integrationOf<PaymentsClient>(services, PAYMENTS_CAPABILITY)
}

/** The banner line when no Stripe key is configured. */
export const PAYMENTS_OFF = 'payments are off: no STRIPE_SECRET_KEY; invoices carry your payment instructions'

/** The banner line for the payments client, on or off. */
export function describePayments(client: PaymentsClient | null): string {
  return client ? client.describe() : PAYMENTS_OFF
}

/** The stripe package, loaded when payments are on. */
const stripePackage = lazyPackage<typeof Stripe>('stripe')

/** The client from STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE, or null when no key is set. */
export function paymentsClientFromEnv(env: NodeJS.ProcessEnv): PaymentsClient | null {
  if (!env.STRIPE_SECRET_KEY) return null
  return createPaymentsClient({
    secretKey: env.STRIPE_SECRET_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    apiBase: env.STRIPE_API_BASE || undefined,
  })
}

/** A payments client over the stripe package; every Stripe failure becomes a typed UNAVAILABLE error. */
export function createPaymentsClient(config: PaymentsConfig): PaymentsClient {
  const stripe = new (stripePackage())(config.secretKey, {
    ...addressOf(config.apiBase),
    // Every write carries an idempotency key, so the retry can never charge or create twice.
    maxNetworkRetries: 1,
    timeout: config.timeoutMs ?? 15_000,
    telemetry: false,
  })
  const mode = config.secretKey.startsWith('sk_live_') || config.secretKey.startsWith('rk_live_') ? 'live' : 'test'
  return {
    verifiesWebhooks: !!config.webhookSecret,
    describe: () =>
      config.webhookSecret
        ? `Stripe Checkout (${mode} mode${config.apiBase ? `, API at ${config.apiBase}` : ''}); webhooks at /api/webhooks/stripe`
        : `Stripe Checkout (${mode} mode) WITHOUT STRIPE_WEBHOOK_SECRET: customers can pay, but payments are not recorded until it is set`,
    async createCustomer(input, idempotencyKey) {
      const customer = await stripeCall(() =>
        stripe.customers.create(
          {
            name: input.name,
            ...(input.email ? { email: input.email } : {}),
            ...(input.phone ? { phone: input.phone } : {}),
            metadata: input.metadata,
          },
          { idempotencyKey },
        ),
      )
      return { id: customer.id }
    },
    async createCheckoutSession(params, idempotencyKey) {
      return openSession(await stripeCall(() => stripe.checkout.sessions.create(params, { idempotencyKey })))
    },
    async createSetupSession(params, idempotencyKey) {
      const session = await stripeCall(() =>
        stripe.checkout.sessions.create(
          {
            mode: 'setup',
            customer: params.customerId,
            currency: params.currency.toLowerCase(),
            // Since API version 2026-09-30 Checkout takes allowed_payment_method_types; payment_method_types is refused.
            allowed_payment_method_types: ['card'],
            success_url: params.successUrl,
            cancel_url: params.cancelUrl,
            metadata: params.metadata,
            setup_intent_data: { metadata: params.metadata, description: params.description },
          },
          { idempotencyKey },
        ),
      )
      return openSession(session)
    },
    async savedCardOf(setupIntentId) {
      const intent = await stripeCall(() => stripe.setupIntents.retrieve(setupIntentId, { expand: ['payment_method'] }))
      const method = typeof intent.payment_method === 'object' ? intent.payment_method : null
      const customerId = idOf(intent.customer) ?? idOf(method?.customer ?? null)
      if (intent.status !== 'succeeded' || !method?.card || !customerId)
        throw new AppError('UNAVAILABLE', `Stripe setup intent ${setupIntentId} holds no saved card (status ${intent.status})`, {
          provider: 'stripe',
          retryable: false,
        })
      return {
        setupIntentId: intent.id,
        paymentMethodId: method.id,
        customerId,
        brand: method.card.brand,
        last4: method.card.last4,
        expMonth: method.card.exp_month,
        expYear: method.card.exp_year,
      }
    },
    async chargeOffSession(params, idempotencyKey) {
      const { errors } = stripePackage()
      return stripeCall(() =>
        stripe.paymentIntents
          .create(
            {
              amount: params.amountCents,
              currency: params.currency.toLowerCase(),
              customer: params.customerId,
              payment_method: params.paymentMethodId,
              off_session: true,
              confirm: true,
              description: params.description,
              metadata: params.metadata,
            },
            { idempotencyKey },
          )
          .then(chargeOf, (err) => {
            if (err instanceof errors.StripeCardError) return refusedCharge(err)
            throw err
          }),
      )
    },
    async refund(params, idempotencyKey) {
      const { errors } = stripePackage()
      const refund = await stripeCall(() =>
        stripe.refunds
          .create({ payment_intent: params.paymentIntentId, amount: params.amountCents, metadata: params.metadata }, { idempotencyKey })
          .catch((err) => {
            if (err instanceof errors.StripeInvalidRequestError && REFUND_REFUSALS.has(err.code ?? ''))
              throw new AppError('VALIDATION_ERROR', `data.amount_cents: ${err.message}`, {
                issues: [{ field: 'data.amount_cents', message: err.message }],
                provider: 'stripe',
                stripe_code: err.code,
              })
            throw err
          }),
      )
      return { id: refund.id, status: refund.status ?? 'pending', amountCents: refund.amount }
    },
    verifyEvent(rawBody, signature) {
      if (!config.webhookSecret)
        throw new AppError('UNAVAILABLE', 'Stripe webhooks cannot be verified: STRIPE_WEBHOOK_SECRET is not set on this server')
      if (!signature)
        throw new AppError('VALIDATION_ERROR', 'Missing Stripe-Signature header', {
          issues: [{ field: 'headers.stripe-signature', message: 'is required' }],
        })
      try {
        return stripe.webhooks.constructEvent(rawBody, signature, config.webhookSecret)
      } catch (err) {
        throw new AppError(
          'VALIDATION_ERROR',
          `The Stripe-Signature does not verify: ${err instanceof Error ? err.message : String(err)}`,
          { issues: [{ field: 'headers.stripe-signature', message: 'does not match the body and the webhook secret' }] },
        )
      }
    },
  }
}

/** The id and expiry of a session Stripe created, which must carry the page to send the customer to. */
function openSession(session: Stripe.Checkout.Session): CheckoutSession {
  if (!session.url)
    throw new AppError('UNAVAILABLE', `Stripe returned checkout session ${session.id} without a payment page URL`, {
      provider: 'stripe',
      retryable: false,
    })
  return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) }
}

/** The id of a reference Stripe may have expanded. */
function idOf(ref: string | { id: string } | null): string | null {
  return typeof ref === 'string' ? ref : (ref?.id ?? null)
}

/** The refund codes that mean Stripe refuses this amount for this payment, not that Stripe is unavailable. */
const REFUND_REFUSALS = new Set(['amount_too_large', 'charge_already_refunded', 'charge_disputed'])

/** What a confirmed payment intent came to. */
function chargeOf(intent: Stripe.PaymentIntent): OffSessionCharge {
  switch (intent.status) {
    case 'succeeded':
      return { status: 'succeeded', paymentIntentId: intent.id, amountCents: intent.amount_received, currency: intent.currency }
    case 'processing':
      return { status: 'processing', paymentIntentId: intent.id }
    case 'requires_action':
      return { status: 'needs_customer', paymentIntentId: intent.id, message: 'The bank asks the customer to confirm this payment' }
  }
  const failure = intent.last_payment_error
  if (intent.status === 'requires_payment_method' && failure)
    return {
      status: 'declined',
      paymentIntentId: intent.id,
      code: failure.code ?? 'card_declined',
      declineCode: failure.decline_code ?? null,
      message: failure.message ?? 'The card was declined',
    }
  throw new AppError('UNAVAILABLE', `Stripe left payment intent ${intent.id} in status ${intent.status} after confirming it`, {
    provider: 'stripe',
    retryable: false,
  })
}

/** A charge the card refused (HTTP 402): Stripe puts the payment intent it made in the error. */
function refusedCharge(err: { code?: string; message: string; raw: unknown }): OffSessionCharge {
  const raw = err.raw as { payment_intent?: { id?: string }; decline_code?: string }
  const paymentIntentId = raw.payment_intent?.id ?? null
  if (err.code === 'authentication_required') return { status: 'needs_customer', paymentIntentId, message: err.message }
  // The package reports a missing decline_code as ''.
  return {
    status: 'declined',
    paymentIntentId,
    code: err.code ?? 'card_declined',
    declineCode: raw.decline_code || null,
    message: err.message,
  }
}

/** The host, port and protocol options of a base URL such as http://127.0.0.1:12111. */
function addressOf(apiBase: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBase) return {}
  const url = new URL(apiBase)
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol }
}

/** Runs a Stripe call; its failures become one typed error saying whether trying again later may help. */
async function stripeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    const { errors } = stripePackage()
    if (!(err instanceof errors.StripeError)) throw err
    const status = err.statusCode ?? 0
    const retryable =
      err instanceof errors.StripeConnectionError || err instanceof errors.StripeRateLimitError || status >= 500 || status === 0
    log('warn', 'stripe call failed', { type: err.type, code: err.code, status, message: err.message })
    throw new AppError(
      'UNAVAILABLE',
      `Online payment is unavailable right now: Stripe said "${err.message}"${retryable ? ' (try again shortly)' : ''}`,
      { provider: 'stripe', retryable, stripe_type: err.type, ...(err.code ? { stripe_code: err.code } : {}) },
    )
  }
}
