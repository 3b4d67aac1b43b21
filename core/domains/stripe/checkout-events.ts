import { z } from 'zod'
import type { Principal, Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { runEffects } from '../../kernel/operations.js'
import { loadTenantSettings } from '../settings/model.js'
import { checkoutPayeeOf } from '../../vocabulary/checkout-payees.js'
import { fitsCents, MAX_CENTS } from '../../vocabulary/money.js'
import { todayOf } from '../invoices/model.js'
import { closeCheckoutSession, lockInvoiceForPayment, noteOnlinePaymentFailed, recordOnlinePayment } from '../invoices/online-payments.js'
import { cannotApply, recordStripeEvent, type StripeEventRow } from '../invoices/stripe-event-rows.js'
import { isUuid } from '../../kernel/schema-types.js'

/** What applying one Stripe event did. */
export type StripeEventOutcome =
  | 'recorded'
  | 'replayed'
  | 'ignored'
  | 'unknown_invoice'
  | 'refused'
  | 'payment_failed'
  | 'awaiting_payment'
  | 'malformed'

/** The outcome and, when the event named one of our invoices, which. */
export interface StripeEventResult {
  outcome: StripeEventOutcome
  tenant_id?: string
  invoice_id?: string
  payment_id?: string
}

/** The Checkout events that change an invoice; every other event type is acknowledged and ignored. */
const HANDLED = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'])

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
  // Seconds since 1970, up to the last second of the year 9999: any later is not a time this server can record.
  created: z.number().int().nonnegative().max(253_402_300_799),
  data: z.looseObject({ object: checkoutSession }),
})

/**
 * Applies a verified Stripe event to the invoice its Checkout Session names (or, for a session another domain registered a payee for, such as an order's deposit, to that record: core/vocabulary/checkout-payees.ts) (metadata tenant_id and invoice_id, set
 * when the session was made), in that business's transaction as the system: a paid session records the payment, a
 * failed one is noted. Each event applies once per business; a redelivery changes nothing. A signed event that cannot
 * be applied (a shape that is not a Checkout Session's, an amount or currency that does not fit the invoice, an amount
 * beyond what an invoice holds) is logged and answered as malformed or refused, never as an error Stripe would retry
 * for days; when it names a record of a business, it is kept there for the owner (data type unapplied_payments).
 */
export async function applyStripeEvent(services: Services, raw: unknown, requestId: string): Promise<StripeEventResult> {
  const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined
  if (typeof type !== 'string' || !HANDLED.has(type)) {
    if (typeof type !== 'string') log('warn', 'stripe event malformed: it has no type', { request_id: requestId })
    return { outcome: typeof type === 'string' ? 'ignored' : 'malformed' }
  }
  const parsed = checkoutEvent.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
    log('warn', 'stripe event malformed: not a checkout session event', {
      request_id: requestId,
      type,
      event_id: typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null,
      issues,
    })
    return keepMalformed(services, raw as Record<string, unknown>, type, issues, requestId)
  }
  const event = parsed.data
  const session = event.data.object
  const tenantId = typeof session.metadata?.tenant_id === 'string' ? session.metadata.tenant_id : ''
  const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null)
  // A session made for another record (an order's deposit) is applied by the domain that made it.
  const other = checkoutPayeeOf(session.metadata)
  if (other && isUuid(other.recordId) && isUuid(tenantId)) {
    const outcome = await other.payee(
      services,
      tenantId,
      other.recordId,
      { id: event.id, type: event.type, created: event.created, session: { ...session, payment_intent: paymentIntent } },
      requestId,
    )
    return { outcome: outcome.startsWith('unknown_') ? 'unknown_invoice' : (outcome as StripeEventOutcome), tenant_id: tenantId }
  }
  const invoiceId = typeof session.metadata?.invoice_id === 'string' ? session.metadata.invoice_id : ''
  const about = { event_id: event.id, type: event.type, session_id: session.id, tenant_id: tenantId, invoice_id: invoiceId }
  if (!isUuid(tenantId) || !isUuid(invoiceId)) {
    log('warn', 'stripe event names no invoice of ours', about)
    return { outcome: 'unknown_invoice' }
  }
  const scope = { tenantId, actorType: 'system' as const, requestId }
  const kept = {
    event_id: event.id,
    type: event.type,
    invoice_id: invoiceId,
    amount_cents: session.amount_total ?? null,
    currency: session.currency ?? null,
  }
  const effects: Array<() => Promise<void>> = []
  let result: { outcome: StripeEventOutcome; payment_id?: string }
  try {
    result = await withTenant(services.db, scope, (tx) =>
      applyToInvoice(services, tx, { event, session, paymentIntent, about, kept, requestId, effects }),
    )
  } catch (err) {
    if (!cannotApply(err)) throw err
    // Whatever the event says that our records cannot take (now or by a rule added later): kept for the owner, not retried.
    log('error', 'stripe event refused: it could not be recorded', { ...about, error: err.message })
    effects.length = 0
    result = await withTenant(services.db, scope, async (tx) => {
      if (!(await tx.query('select 1 from invoices where id = $1', [invoiceId])).rows.length) return { outcome: 'unknown_invoice' as const }
      await recordStripeEvent(tx, tenantId, { ...kept, outcome: 'refused', reason: `It could not be recorded: ${err.message}` })
      return { outcome: 'refused' as const }
    })
  }
  await runEffects(effects, requestId)
  if (result.outcome === 'unknown_invoice') log('warn', 'stripe event for an invoice this server does not have', about)
  return { ...result, tenant_id: tenantId, invoice_id: invoiceId }
}

/** What applying one event to its invoice needs: the event, its session, what to log and keep, and where effects go. */
interface InvoiceEvent {
  event: z.output<typeof checkoutEvent>
  session: z.output<typeof checkoutSession>
  paymentIntent: string | null
  about: Record<string, unknown>
  kept: Omit<StripeEventRow, 'outcome'>
  requestId: string
  effects: Array<() => Promise<void>>
}

/**
 * Hands a parsed event to its invoice in the business's transaction: the invoices domain records the payment or notes
 * the failure (with its audit); this adapter only decides which, and keeps the event or why it was refused.
 */
async function applyToInvoice(
  services: Services,
  tx: Queryable,
  e: InvoiceEvent,
): Promise<{ outcome: StripeEventOutcome; payment_id?: string }> {
  const { event, session, paymentIntent, about } = e
  const invoiceId = String(e.kept.invoice_id)
  const tenantId = String(about.tenant_id)
  const invoice = await lockInvoiceForPayment(tx, invoiceId)
  if (!invoice) return { outcome: 'unknown_invoice' }
  if ((await tx.query('select 1 from stripe_events where event_id = $1', [event.id])).rows.length) return { outcome: 'replayed' }
  const principal: Principal = { tenantId, actor: { type: 'system', id: null } }
  const ctx = contextOf(services, principal, tx, e.requestId, null, (fn) => e.effects.push(fn))
  const today = todayOf(ctx, await loadTenantSettings(tx))
  let outcome: StripeEventOutcome
  let reason: string | null = null
  let paymentId: string | undefined
  const amount = Number(session.amount_total ?? 0)
  if (session.client_reference_id && session.client_reference_id !== invoiceId) {
    reason = `Its session names invoice ${invoiceId} in its metadata but ${session.client_reference_id} as client_reference_id`
    log('error', 'stripe event refused: its session metadata and client_reference_id name different invoices', {
      ...about,
      client_reference_id: session.client_reference_id,
    })
    outcome = 'refused'
  } else if (event.type === 'checkout.session.async_payment_failed') {
    outcome = 'payment_failed'
    await noteOnlinePaymentFailed(ctx, invoiceId, invoice, session.id, paymentIntent)
  } else if (event.type === 'checkout.session.completed' && session.payment_status !== 'paid') {
    // A delayed method (a bank debit): the money is not there yet; async_payment_succeeded or _failed follows.
    outcome = session.payment_status === 'unpaid' ? 'awaiting_payment' : 'ignored'
    await closeCheckoutSession(ctx, invoiceId, session.id, paymentIntent)
  } else if ((reason = paymentRefusal(amount, session.currency ?? '', invoice))) {
    log('error', 'stripe event refused: its amount or currency does not fit the invoice', {
      ...about,
      amount,
      currency: session.currency,
      invoice_currency: invoice.currency,
      reason,
    })
    outcome = 'refused'
  } else {
    const paid = await recordOnlinePayment(
      ctx,
      invoiceId,
      invoice,
      {
        session_id: session.id,
        payment_intent: paymentIntent,
        amount_cents: amount,
        event_id: event.id,
        received_at: new Date(event.created * 1000).toISOString(),
      },
      today,
      about,
    )
    paymentId = paid?.payment_id
    outcome = paid ? 'recorded' : 'replayed'
  }
  await recordStripeEvent(tx, tenantId, { ...e.kept, outcome, reason })
  return { outcome, payment_id: paymentId }
}

/** Why a paid session's amount cannot be recorded on the invoice, or null when it can. */
function paymentRefusal(amount: number, currency: string, invoice: { currency: string; amount_paid_cents: number }): string | null {
  if (currency.toUpperCase() !== invoice.currency)
    return `It was paid in ${currency.toUpperCase() || 'no currency'}, the invoice is in ${invoice.currency}`
  if (amount <= 0) return `Its amount is ${amount} cents: nothing to record`
  if (!fitsCents(amount) || !fitsCents(Number(invoice.amount_paid_cents) + amount)) {
    return `Its amount, ${amount} cents, would bring the invoice's payments beyond ${MAX_CENTS} cents, the most an invoice holds`
  }
  return null
}

/**
 * A signed event of a handled type that could not be read: kept for the owner when its session still names a record
 * of a business (metadata tenant_id and invoice_id or order_id), so a payment that may have happened is not lost silently.
 */
async function keepMalformed(
  services: Services,
  raw: Record<string, unknown>,
  type: string,
  issues: string[],
  requestId: string,
): Promise<StripeEventResult> {
  const data = raw.data && typeof raw.data === 'object' ? (raw.data as { object?: unknown }).object : undefined
  const metadata = data && typeof data === 'object' ? (data as { metadata?: unknown }).metadata : undefined
  const m = (metadata && typeof metadata === 'object' ? metadata : {}) as Record<string, unknown>
  const tenantId = typeof m.tenant_id === 'string' && isUuid(m.tenant_id) ? m.tenant_id : null
  const subject =
    typeof m.order_id === 'string' && isUuid(m.order_id)
      ? { table: 'orders', order_id: m.order_id }
      : typeof m.invoice_id === 'string' && isUuid(m.invoice_id)
        ? { table: 'invoices', invoice_id: m.invoice_id }
        : null
  if (typeof raw.id !== 'string' || !raw.id || !tenantId || !subject) return { outcome: 'malformed' }
  const eventId = raw.id
  const id = subject.table === 'orders' ? subject.order_id : subject.invoice_id
  const amount = (data as { amount_total?: unknown }).amount_total
  const currency = (data as { currency?: unknown }).currency
  await withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
    if (!(await tx.query(`select 1 from ${subject.table} where id = $1`, [id])).rows.length) return
    await recordStripeEvent(tx, tenantId, {
      event_id: eventId,
      type,
      invoice_id: subject.invoice_id,
      order_id: subject.order_id,
      outcome: 'malformed',
      reason: `It could not be read: ${issues.join('; ')}`,
      amount_cents: Number.isSafeInteger(amount) ? (amount as number) : null,
      currency: typeof currency === 'string' ? currency : null,
    })
  })
  return { outcome: 'malformed', tenant_id: tenantId }
}
