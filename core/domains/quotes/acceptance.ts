import { paymentsOf } from '../../clients/payments.js'
import type { OperationContext } from '../../kernel/context.js'
import { localDate } from '../../vocabulary/time.js'
import { loadOrder, orderAuditView, type OrderRow } from '../orders/model.js'
import { loadTenantSettings } from '../settings/model.js'
import { endQuoteChasing } from './messages.js'
import { depositOf, loadQuote, quoteAuditView, quoteConflict, type QuoteRow } from './model.js'
import { nextCounterValue } from '../../kernel/counters.js'

/** The customer's answer to a quote. */
export type QuoteAnswer = 'accept' | 'decline'

/** The longest note a customer may leave with an answer. */
export const QUOTE_NOTE_MAX = 1000

/**
 * Records the customer's answer to a draft or sent quote, once: accepted makes its order; either answer stops the
 * quote's queued emails and closes its follow-up reminder. A quote already answered, cancelled or past its valid_until is a CONFLICT and nothing changes.
 */
export async function answerQuote(
  ctx: OperationContext,
  quoteId: string,
  answer: QuoteAnswer,
  note: string | null,
): Promise<{ quote: QuoteRow; order: OrderRow | null }> {
  const before = await loadQuote(ctx.db, quoteId, true)
  if (before.status !== 'draft' && before.status !== 'sent')
    throw quoteConflict(before, 'it was already settled and cannot be answered again')
  const today = localDate(ctx.services.now(), (await loadTenantSettings(ctx.db)).timezone)
  if (answer === 'accept' && String(before.valid_until) < today) {
    throw quoteConflict(before, `it was valid until ${before.valid_until} and can no longer be accepted`)
  }
  const text = note?.trim().slice(0, QUOTE_NOTE_MAX) || null
  await ctx.db.query('update quotes set status = $2, answered_at = $3, customer_note = $4 where id = $1', [
    before.id,
    answer === 'accept' ? 'accepted' : 'declined',
    ctx.services.now(),
    text,
  ])
  await endQuoteChasing(ctx, before, answer === 'accept' ? 'accepted' : 'declined')
  const quote = await loadQuote(ctx.db, before.id)
  await ctx.audit({
    entityType: 'quote',
    entityId: before.id,
    action: answer,
    before: quoteAuditView(before),
    after: quoteAuditView(quote),
  })
  const order = answer === 'accept' ? await createOrderFromQuote(ctx, quote, today) : null
  return { quote, order }
}

/** Makes the order of a quote the customer just accepted, carrying its lines and totals, audited; a deposit is asked only while payments are on. */
export async function createOrderFromQuote(ctx: OperationContext, quote: QuoteRow, today: string): Promise<OrderRow> {
  const deposit = paymentsOf(ctx.services) ? depositOf(quote) : 0
  const year = today.slice(0, 4)
  const number = `O-${year}-${String(await nextCounterValue(ctx.db, ctx.tenantId, `order:${year}`)).padStart(4, '0')}`
  const r = await ctx.db.query<{ id: string }>(
    `insert into orders (tenant_id, number, quote_id, contact_id, currency, subtotal_cents, tax_cents, total_cents, deposit_cents)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [ctx.tenantId, number, quote.id, quote.contact_id, quote.currency, quote.subtotal_cents, quote.tax_cents, quote.total_cents, deposit],
  )
  const order = await loadOrder(ctx.db, r.rows[0].id)
  await ctx.audit({ entityType: 'order', entityId: order.id, action: 'create', before: null, after: orderAuditView(order) })
  return order
}
