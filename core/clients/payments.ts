import type Stripe from 'stripe'
import { lazyPackage } from './lazy-package.js'
import { AppError } from '../errors.js'
import { log } from '../log.js'

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

/** Online payments through Stripe; the product uses only this interface. */
export interface PaymentsClient {
  /** One line for the start banner. */
  describe(): string
  /** False when no webhook secret is set: links work but payments cannot be recorded. */
  readonly verifiesWebhooks: boolean
  createCustomer(input: StripeCustomerInput, idempotencyKey: string): Promise<{ id: string }>
  createCheckoutSession(params: Stripe.Checkout.SessionCreateParams, idempotencyKey: string): Promise<CheckoutSession>
  /** The event of a webhook delivery whose signature verifies, else a VALIDATION_ERROR (400). */
  verifyEvent(rawBody: Buffer, signature: string | undefined): Stripe.Event
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
      const session = await stripeCall(() => stripe.checkout.sessions.create(params, { idempotencyKey }))
      if (!session.url)
        throw new AppError('UNAVAILABLE', `Stripe returned checkout session ${session.id} without a payment page URL`, {
          provider: 'stripe',
          retryable: false,
        })
      return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) }
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
