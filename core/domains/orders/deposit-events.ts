import type { CheckoutEvent } from '../../vocabulary/checkout-payees.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { recordStripeEvent } from '../invoices/stripe-event-rows.js'
import { loadOrder, orderAuditView } from './model.js'

/** A verified Checkout event about a deposit, as the Stripe webhook read it. */
export type DepositEvent = CheckoutEvent

/** What applying a deposit event did. */
export type DepositOutcome = 'recorded' | 'replayed' | 'ignored' | 'unknown_order' | 'refused' | 'payment_failed'

/**
 * Records a paid deposit on the order its Checkout Session names, once per event and once per order, in that business's
 * transaction as the system. The deposit is credited on the order's invoice when it is made (order.invoice).
 */
export async function applyDepositEvent(
  services: Services,
  tenantId: string,
  orderId: string,
  event: DepositEvent,
  requestId: string,
): Promise<DepositOutcome> {
  return withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
    const found = await tx.query<{ id: string }>('select id from orders where id = $1 for update', [orderId])
    if (!found.rows[0]) return 'unknown_order'
    if ((await tx.query('select 1 from stripe_events where event_id = $1', [event.id])).rows.length) return 'replayed'
    const before = await loadOrder(tx, orderId)
    const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, null, () => {
      throw new Error('recording a deposit has no effects after commit')
    })
    const amount = Number(event.session.amount_total ?? 0)
    const currency = (event.session.currency ?? '').toUpperCase()
    let outcome: DepositOutcome
    let reason: string | null = null
    if (event.type === 'checkout.session.async_payment_failed') outcome = 'payment_failed'
    else if (event.session.payment_status !== 'paid') outcome = 'ignored'
    else if (before.deposit_paid_cents > 0) outcome = 'replayed'
    else if (amount !== before.deposit_cents || currency !== before.currency || ['invoiced', 'cancelled'].includes(before.status)) {
      reason = ['invoiced', 'cancelled'].includes(before.status)
        ? `The order is ${before.status}`
        : `A deposit of ${amount} cents in ${currency || 'no currency'} was paid; the order asks ${before.deposit_cents} cents in ${before.currency}`
      log('error', 'stripe deposit refused: it does not fit the order', {
        event_id: event.id,
        order_id: orderId,
        amount,
        status: before.status,
        reason,
      })
      outcome = 'refused'
    } else {
      await tx.query(
        'update orders set deposit_paid_cents = $2, deposit_paid_at = $3, deposit_reference = $4, deposit_checkout_url = null where id = $1',
        [orderId, amount, new Date(event.created * 1000), event.session.payment_intent ?? event.session.id],
      )
      await ctx.audit({
        entityType: 'order',
        entityId: orderId,
        action: 'deposit_paid',
        before: orderAuditView(before),
        after: orderAuditView(await loadOrder(tx, orderId)),
      })
      outcome = 'recorded'
    }
    await recordStripeEvent(tx, tenantId, {
      event_id: event.id,
      type: event.type,
      order_id: orderId,
      outcome,
      reason,
      amount_cents: event.session.amount_total ?? null,
      currency: event.session.currency ?? null,
    })
    return outcome
  })
}
