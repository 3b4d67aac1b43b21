import { z } from 'zod'
import type { Principal, Services } from '../../context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { log } from '../../log.js'
import { contextOf } from '../../operations-context.js'
import { runEffects } from '../../operations.js'
import { loadTenantSettings } from '../settings/model.js'
import { applyDepositEvent } from '../orders/deposit-events.js'
import { applyPayment, loadInvoice, todayOf } from './model.js'

/** What applying one Stripe event did. */
export type StripeEventOutcome =
  | 'recorded' | 'replayed' | 'ignored' | 'unknown_invoice' | 'refused' | 'payment_failed' | 'awaiting_payment' | 'malformed'

/** The outcome and, when the event named one of our invoices, which. */
export interface StripeEventResult {
  outcome: StripeEventOutcome
  tenant_id?: string
  invoice_id?: string
  payment_id?: string
}

/** The Checkout events that change an invoice; every other event type is acknowledged and ignored. */
const HANDLED = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'])

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The parts of a Checkout Session this server reads; anything else in it is left alone. */
const checkoutSession = z.looseObject({
  id: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  client_reference_id: z.string().nullish(),
  payment_status: z.string().nullish(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
  payment_intent: z.union([z.string(), z.looseObject({ id: z.string() })]).nullish(),
})

/** A handled event as this server needs it: its id, when it happened, and the session it carries. */
const checkoutEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  created: z.number().int().nonnegative(),
  data: z.looseObject({ object: checkoutSession }),
})

/**
 * Applies a verified Stripe event to the invoice its Checkout Session names (or, for a deposit, to the order: orders/deposit-events.ts) (metadata tenant_id and invoice_id, set
 * when the session was made), in that business's transaction as the system: a paid session records the payment, a
 * failed one is noted. Each event applies once per business; a redelivery changes nothing. A signed event of a
 * handled type whose shape is not a Checkout Session's is logged and answered as malformed: retrying cannot fix it.
 */
export async function applyStripeEvent(services: Services, raw: unknown, requestId: string): Promise<StripeEventResult> {
  const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined
  if (typeof type !== 'string' || !HANDLED.has(type)) {
    if (typeof type !== 'string') log('warn', 'stripe event malformed: it has no type', { request_id: requestId })
    return { outcome: typeof type === 'string' ? 'ignored' : 'malformed' }
  }
  const parsed = checkoutEvent.safeParse(raw)
  if (!parsed.success) {
    log('warn', 'stripe event malformed: not a checkout session event', { request_id: requestId, type,
      event_id: typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null,
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`) })
    return { outcome: 'malformed' }
  }
  const event = parsed.data
  const session = event.data.object
  const tenantId = typeof session.metadata?.tenant_id === 'string' ? session.metadata.tenant_id : ''
  const orderId = typeof session.metadata?.order_id === 'string' ? session.metadata.order_id : ''
  if (orderId && UUID.test(orderId) && UUID.test(tenantId)) {
    const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id ?? null
    const outcome = await applyDepositEvent(services, tenantId, orderId, { id: event.id, type: event.type, created: event.created,
      session: { ...session, payment_intent: paymentIntent } }, requestId)
    return { outcome: outcome === 'unknown_order' ? 'unknown_invoice' : outcome, tenant_id: tenantId }
  }
  const invoiceId = typeof session.metadata?.invoice_id === 'string' ? session.metadata.invoice_id : ''
  const about = { event_id: event.id, type: event.type, session_id: session.id, tenant_id: tenantId, invoice_id: invoiceId }
  if (!UUID.test(tenantId) || !UUID.test(invoiceId)) {
    log('warn', 'stripe event names no invoice of ours', about)
    return { outcome: 'unknown_invoice' }
  }
  if (session.client_reference_id && session.client_reference_id !== invoiceId) {
    log('error', 'stripe event refused: its session metadata and client_reference_id name different invoices', { ...about, client_reference_id: session.client_reference_id })
    return { outcome: 'refused', tenant_id: tenantId, invoice_id: invoiceId }
  }
  const principal: Principal = { tenantId, actor: { type: 'system', id: null } }
  const effects: Array<() => Promise<void>> = []
  const result = await withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
    // Locked first: concurrent deliveries of one event queue here, and the second then sees the first one's row.
    const found = await tx.query<{ stripe_checkout_session_id: string | null; currency: string }>(
      'select stripe_checkout_session_id, currency from invoices where id = $1 for update', [invoiceId])
    const invoice = found.rows[0]
    if (!invoice) return { outcome: 'unknown_invoice' as const }
    if ((await tx.query('select 1 from stripe_events where event_id = $1', [event.id])).rows.length) return { outcome: 'replayed' as const }
    const ctx = contextOf(services, principal, tx, requestId, null, (fn) => effects.push(fn))
    const today = todayOf(ctx, await loadTenantSettings(tx))
    const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id ?? null
    let outcome: StripeEventOutcome
    let paymentId: string | undefined
    if (event.type === 'checkout.session.async_payment_failed') {
      outcome = 'payment_failed'
      await closeSession(tx, invoiceId, session.id, paymentIntent)
      await ctx.audit({ entityType: 'invoice', entityId: invoiceId, action: 'online_payment_failed',
        before: { stripe_checkout_session_id: invoice.stripe_checkout_session_id }, after: { stripe_checkout_session_id: null, failed_session_id: session.id } })
    } else if (event.type === 'checkout.session.completed' && session.payment_status !== 'paid') {
      // A delayed method (a bank debit): the money is not there yet; async_payment_succeeded or _failed follows.
      outcome = session.payment_status === 'unpaid' ? 'awaiting_payment' : 'ignored'
      await closeSession(tx, invoiceId, session.id, paymentIntent)
    } else {
      const amount = Number(session.amount_total ?? 0)
      const reference = paymentIntent ?? session.id
      if (amount <= 0 || (session.currency ?? '').toUpperCase() !== invoice.currency) {
        log('error', 'stripe event refused: its amount or currency does not fit the invoice', { ...about, amount, currency: session.currency, invoice_currency: invoice.currency })
        outcome = 'refused'
      } else if ((await tx.query(`select 1 from payments where invoice_id = $1 and method = 'stripe' and reference = $2`, [invoiceId, reference])).rows.length) {
        outcome = 'replayed'
      } else {
        const before = await loadInvoice(tx, invoiceId, today, true)
        if (invoice.stripe_checkout_session_id !== session.id) log('info', 'paid through an earlier checkout session of the invoice', { ...about, current_session_id: invoice.stripe_checkout_session_id })
        if (before.status === 'void') log('warn', 'a void invoice was paid online: refund it in Stripe or un-void it', about)
        else if (amount > Number(before.amount_due_cents)) log('warn', 'an invoice was paid online beyond its amount due: refund the difference in Stripe', { ...about, amount, due: before.amount_due_cents })
        await closeSession(tx, invoiceId, session.id, paymentIntent)
        const paid = await applyPayment(ctx, before, { amount_cents: amount, method: 'stripe', reference, external_event_id: event.id,
          received_at: new Date(event.created * 1000).toISOString() }, today)
        paymentId = String(paid.payment.id)
        outcome = 'recorded'
      }
    }
    await tx.query('insert into stripe_events (tenant_id, event_id, type, invoice_id, outcome) values ($1, $2, $3, $4, $5)',
      [tenantId, event.id, event.type, invoiceId, outcome])
    return { outcome, payment_id: paymentId }
  })
  await runEffects(effects, requestId)
  if (result.outcome === 'unknown_invoice') log('warn', 'stripe event for an invoice this server does not have', about)
  return { ...result, tenant_id: tenantId, invoice_id: invoiceId }
}

/** A completed or failed session can no longer be paid: its link is dropped (a new one is made on request); the payment intent is kept for refunds. */
async function closeSession(tx: Queryable, invoiceId: string, sessionId: string, paymentIntent: string | null): Promise<void> {
  await tx.query(`update invoices set stripe_payment_intent_id = coalesce($3, stripe_payment_intent_id),
      stripe_checkout_url = case when stripe_checkout_session_id = $2 then null else stripe_checkout_url end,
      stripe_checkout_amount_cents = case when stripe_checkout_session_id = $2 then null else stripe_checkout_amount_cents end,
      stripe_checkout_expires_at = case when stripe_checkout_session_id = $2 then null else stripe_checkout_expires_at end
    where id = $1`, [invoiceId, sessionId, paymentIntent])
}
