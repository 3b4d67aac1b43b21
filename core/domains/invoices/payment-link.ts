import type Stripe from 'stripe'
import { systemAuditor, writeAudit } from '../../kernel/audit.js'
import { paymentsOf, type PaymentsClient } from '../../clients/payments.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { notFound } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'

/*
 * An invoice's Stripe Checkout link: the invoice read, the Stripe customer and session made through the payments
 * client (which only talks to Stripe), and what was made stored on the invoice and the contact with their audit rows.
 */

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
  const stripe = paymentsOf(services)
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
  const customer = await (paymentsOf(services) as PaymentsClient).createCustomer(
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
