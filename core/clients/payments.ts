import type Stripe from 'stripe'
import { lazyPackage } from './lazy-package.js'
import type { Services } from '../context.js'
import { withTenant } from '../db/tenant.js'
import type { Queryable } from '../db/types.js'
import { AppError, notFound } from '../errors.js'
import { log } from '../log.js'
import { systemAuditor, writeAudit } from '../audit.js'

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

/** An invoice as a checkout needs it. */
interface CheckoutInvoice {
  id: string
  number: string
  status: string
  archived_at: Date | null
  currency: string
  total_cents: number
  amount_paid_cents: number
  amount_due_cents: number
  contact_id: string
  stripe_checkout_session_id: string | null
  stripe_checkout_url: string | null
  stripe_checkout_amount_cents: number | null
  stripe_checkout_expires_at: Date | null
  display_name: string
  email: string | null
  phone: string | null
  stripe_customer_id: string | null
  business_name: string
  lines: Array<{ description: string; quantity: number; unit_price_cents: number; tax_cents: number }>
}

/** A stored link is handed out only while the customer has at least this long to open it. */
const REUSE_MARGIN_MS = 60 * 60 * 1000

/** Stripe Checkout takes at most this many line items. */
const MAX_CHECKOUT_LINES = 100

/**
 * The online payment link of an invoice (a Stripe Checkout Session URL), made on first use outside any database
 * transaction; null when payments are off or the invoice has nothing due.
 */
export async function paymentLinkFor(services: Services, tenantId: string, invoiceId: string): Promise<string | null> {
  const stripe = services.payments
  if (!stripe) return null
  const scope = { tenantId, actorType: 'system' as const, requestId: `payment-link-${invoiceId}` }
  const invoice = await withTenant(services.db, scope, (tx) => loadCheckoutInvoice(tx, invoiceId))
  const due = Number(invoice.amount_due_cents)
  if (invoice.status === 'void' || invoice.status === 'paid' || invoice.archived_at || due <= 0) return null
  if (
    invoice.stripe_checkout_url &&
    Number(invoice.stripe_checkout_amount_cents) === due &&
    invoice.stripe_checkout_expires_at &&
    invoice.stripe_checkout_expires_at.getTime() - services.now().getTime() > REUSE_MARGIN_MS
  ) {
    return invoice.stripe_checkout_url
  }
  const customerId = invoice.stripe_customer_id ?? (await linkStripeCustomer(services, tenantId, invoice))
  const lines = checkoutLines(invoice)
  const base = services.config.publicBaseUrl
  const metadata = { invoice_id: invoice.id, tenant_id: tenantId }
  // The previous session is part of the key: once it expires, the same amount gets a new session, not Stripe's stored answer.
  const idempotencyKey = `checkout-${invoice.id}-${due}-${invoice.stripe_checkout_session_id ?? 'first'}`
  const session = await stripe.createCheckoutSession(
    {
      mode: 'payment',
      customer: customerId,
      client_reference_id: invoice.id,
      line_items: lines,
      metadata,
      payment_intent_data: { metadata, description: `Invoice ${invoice.number} from ${invoice.business_name}` },
      success_url: `${base}/payments/thank-you?invoice=${encodeURIComponent(invoice.number)}`,
      cancel_url: `${base}/payments/cancelled?invoice=${encodeURIComponent(invoice.number)}`,
    },
    idempotencyKey,
  )
  await withTenant(services.db, scope, async (tx) => {
    await tx.query(
      `update invoices set stripe_checkout_session_id = $1, stripe_checkout_url = $2, stripe_checkout_amount_cents = $3,
      stripe_checkout_expires_at = $4 where id = $5`,
      [session.id, session.url, due, session.expiresAt.toISOString(), invoice.id],
    )
    await writeAudit(tx, systemAuditor(tenantId, scope.requestId), {
      entityType: 'invoice',
      entityId: invoice.id,
      action: 'payment_link',
      before: { stripe_checkout_session_id: invoice.stripe_checkout_session_id },
      after: { stripe_checkout_session_id: session.id, stripe_checkout_amount_cents: due },
    })
  })
  return session.url
}

async function loadCheckoutInvoice(tx: Queryable, invoiceId: string): Promise<CheckoutInvoice> {
  const r = await tx.query<CheckoutInvoice>(
    `select i.id, i.number, i.status, i.archived_at, i.currency, i.total_cents, i.amount_paid_cents, i.amount_due_cents, i.contact_id,
            i.stripe_checkout_session_id, i.stripe_checkout_url, i.stripe_checkout_amount_cents, i.stripe_checkout_expires_at,
            c.display_name, c.email, c.phone, c.stripe_customer_id, t.name as business_name
     from invoices i join contacts c on c.id = i.contact_id join tenants t on t.id = i.tenant_id where i.id = $1`,
    [invoiceId],
  )
  const invoice = r.rows[0]
  if (!invoice) throw notFound('invoice', invoiceId)
  invoice.lines = (
    await tx.query<CheckoutInvoice['lines'][number]>(
      'select description, quantity, unit_price_cents, tax_cents from invoice_line_items where invoice_id = $1 order by position, id',
      [invoiceId],
    )
  ).rows
  return invoice
}

/** Creates the contact's Stripe customer and stores its id; concurrent first uses share one customer (same key). */
async function linkStripeCustomer(services: Services, tenantId: string, invoice: CheckoutInvoice): Promise<string> {
  const customer = await (services.payments as PaymentsClient).createCustomer(
    {
      name: invoice.display_name,
      email: invoice.email,
      phone: invoice.phone,
      metadata: { contact_id: invoice.contact_id, tenant_id: tenantId },
    },
    `customer-${tenantId}-${invoice.contact_id}`,
  )
  const requestId = `stripe-customer-${invoice.contact_id}`
  return withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
    const r = await tx.query<{ stripe_customer_id: string }>(
      `update contacts set stripe_customer_id = $1 where id = $2 and stripe_customer_id is null returning stripe_customer_id`,
      [customer.id, invoice.contact_id],
    )
    if (!r.rows[0]) {
      const current = await tx.query<{ stripe_customer_id: string | null }>('select stripe_customer_id from contacts where id = $1', [
        invoice.contact_id,
      ])
      return current.rows[0]?.stripe_customer_id ?? customer.id
    }
    await writeAudit(tx, systemAuditor(tenantId, requestId), {
      entityType: 'contact',
      entityId: invoice.contact_id,
      action: 'link_stripe_customer',
      before: { stripe_customer_id: null },
      after: { stripe_customer_id: customer.id },
    })
    return customer.id
  })
}

/**
 * What the customer sees on Stripe's page: the invoice's lines and its tax when nothing is paid yet, else one line
 * with the balance due. Either way the lines add up to exactly the amount due.
 */
function checkoutLines(invoice: CheckoutInvoice): Stripe.Checkout.SessionCreateParams.LineItem[] {
  const currency = invoice.currency.toLowerCase()
  const line = (name: string, unitAmount: number, quantity = 1): Stripe.Checkout.SessionCreateParams.LineItem => ({
    quantity,
    price_data: { currency, unit_amount: unitAmount, product_data: { name: name.slice(0, 250) } },
  })
  const due = Number(invoice.amount_due_cents)
  const balance = [line(`Invoice ${invoice.number}${Number(invoice.amount_paid_cents) > 0 ? ' (balance due)' : ''}`, due)]
  if (Number(invoice.amount_paid_cents) > 0) return balance
  // Free lines change nothing and Stripe may refuse a zero amount.
  const items = invoice.lines.filter((l) => l.unit_price_cents > 0).map((l) => line(l.description, l.unit_price_cents, l.quantity))
  const tax = invoice.lines.reduce((sum, l) => sum + Number(l.tax_cents), 0)
  if (tax > 0) items.push(line('Tax', tax))
  const sum = items.reduce((s, i) => s + Number(i.price_data?.unit_amount) * Number(i.quantity), 0)
  if (!items.length || items.length > MAX_CHECKOUT_LINES || sum !== due) {
    log('info', 'checkout shows the invoice as one line', { invoice_id: invoice.id, lines: items.length, sum, due })
    return balance
  }
  return items
}
