import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { log } from '../../kernel/log.js'
import { applyPayment, loadInvoice } from './model.js'

/*
 * What an online payment does to an invoice, whatever payment service reported it: the invoice locked, its checkout
 * link closed, a failure noted in the audit, a payment recorded through the same path as one entered by hand.
 */

/** The invoice fields a reported payment is checked against. */
export interface InvoiceForPayment {
  stripe_checkout_session_id: string | null
  currency: string
  amount_paid_cents: number
}

/** A paid checkout session as the invoice takes it. */
export interface OnlinePayment {
  session_id: string
  payment_intent: string | null
  amount_cents: number
  event_id: string
  received_at: string
}

/** Locks an invoice for a reported payment and reads what the payment is checked against; null when there is no such invoice. */
export async function lockInvoiceForPayment(tx: Queryable, invoiceId: string): Promise<InvoiceForPayment | null> {
  // Locked first: concurrent deliveries of one event queue here, and the second then sees the first one's row.
  const found = await tx.query<InvoiceForPayment>(
    'select stripe_checkout_session_id, currency, amount_paid_cents from invoices where id = $1 for update',
    [invoiceId],
  )
  return found.rows[0] ?? null
}

/** A completed or failed session can no longer be paid: its link is dropped (a new one is made on request); the payment intent is kept for refunds. */
export async function closeCheckoutSession(
  ctx: OperationContext,
  invoiceId: string,
  sessionId: string,
  paymentIntent: string | null,
): Promise<void> {
  await ctx.db.query(
    `update invoices set stripe_payment_intent_id = coalesce($3, stripe_payment_intent_id),
      stripe_checkout_url = case when stripe_checkout_session_id = $2 then null else stripe_checkout_url end,
      stripe_checkout_amount_cents = case when stripe_checkout_session_id = $2 then null else stripe_checkout_amount_cents end,
      stripe_checkout_expires_at = case when stripe_checkout_session_id = $2 then null else stripe_checkout_expires_at end
    where id = $1`,
    [invoiceId, sessionId, paymentIntent],
  )
}

/** A checkout session whose payment failed: its link closed and the failure kept in the invoice's audit trail. */
export async function noteOnlinePaymentFailed(
  ctx: OperationContext,
  invoiceId: string,
  invoice: InvoiceForPayment,
  sessionId: string,
  paymentIntent: string | null,
): Promise<void> {
  await closeCheckoutSession(ctx, invoiceId, sessionId, paymentIntent)
  await ctx.audit({
    entityType: 'invoice',
    entityId: invoiceId,
    action: 'online_payment_failed',
    before: { stripe_checkout_session_id: invoice.stripe_checkout_session_id },
    after: { stripe_checkout_session_id: null, failed_session_id: sessionId },
  })
}

/**
 * Records a paid checkout session on its invoice, once: null when a payment with its reference is there already.
 * A void invoice or one paid beyond what it owed takes the payment, with a warning for the owner to refund.
 */
export async function recordOnlinePayment(
  ctx: OperationContext,
  invoiceId: string,
  invoice: InvoiceForPayment,
  payment: OnlinePayment,
  today: string,
  about: Record<string, unknown>,
): Promise<{ payment_id: string } | null> {
  const reference = payment.payment_intent ?? payment.session_id
  if (
    (await ctx.db.query(`select 1 from payments where invoice_id = $1 and method = 'stripe' and reference = $2`, [invoiceId, reference]))
      .rows.length
  ) {
    return null
  }
  const before = await loadInvoice(ctx.db, invoiceId, today, true)
  if (invoice.stripe_checkout_session_id !== payment.session_id)
    log('info', 'paid through an earlier checkout session of the invoice', {
      ...about,
      current_session_id: invoice.stripe_checkout_session_id,
    })
  if (before.status === 'void') log('warn', 'a void invoice was paid online: refund it in Stripe or un-void it', about)
  else if (payment.amount_cents > Number(before.amount_due_cents)) {
    log('warn', 'an invoice was paid online beyond its amount due: refund the difference in Stripe', {
      ...about,
      amount: payment.amount_cents,
      due: before.amount_due_cents,
    })
  }
  await closeCheckoutSession(ctx, invoiceId, payment.session_id, payment.payment_intent)
  const paid = await applyPayment(
    ctx,
    before,
    {
      amount_cents: payment.amount_cents,
      method: 'stripe',
      reference,
      external_event_id: payment.event_id,
      received_at: payment.received_at,
    },
    today,
  )
  return { payment_id: String(paid.payment.id) }
}
