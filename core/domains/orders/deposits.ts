import { paymentsOf } from '../../clients/payments.js'
import { systemAuditor, writeAudit } from '../../kernel/audit.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'

/** A stored checkout is handed out again only while the customer has at least this long to use it. */
const REUSE_MARGIN_MS = 60 * 60 * 1000

/**
 * The Stripe page where the customer pays an order's deposit, made on first use outside any database transaction (as
 * invoices' payment links are) and kept on the order; null when payments are off or nothing is left to pay.
 */
export async function depositLinkFor(services: Services, tenantId: string, orderId: string): Promise<string | null> {
  const stripe = paymentsOf(services)
  if (!stripe) return null
  const scope = { tenantId, actorType: 'system' as const, requestId: `deposit-link-${orderId}` }
  const order = await withTenant(
    services.db,
    scope,
    async (tx) =>
      (
        await tx.query<{
          id: string
          number: string
          status: string
          currency: string
          deposit_cents: number
          deposit_paid_cents: number
          deposit_checkout_session_id: string | null
          deposit_checkout_url: string | null
          deposit_checkout_expires_at: Date | null
          business_name: string
        }>(
          `select o.id, o.number, o.status, o.currency, o.deposit_cents, o.deposit_paid_cents, o.deposit_checkout_session_id, o.deposit_checkout_url,
        o.deposit_checkout_expires_at, t.name as business_name
      from orders o join tenants t on t.id = o.tenant_id where o.id = $1`,
          [orderId],
        )
      ).rows[0],
  )
  if (!order || order.status === 'cancelled' || order.status === 'invoiced' || order.deposit_paid_cents > 0 || order.deposit_cents <= 0)
    return null
  if (
    order.deposit_checkout_url &&
    order.deposit_checkout_expires_at &&
    new Date(order.deposit_checkout_expires_at).getTime() - services.now().getTime() > REUSE_MARGIN_MS
  ) {
    return order.deposit_checkout_url
  }
  const base = services.config.publicBaseUrl
  const metadata = { order_id: order.id, tenant_id: tenantId }
  const session = await stripe.createCheckoutSession(
    {
      mode: 'payment',
      client_reference_id: order.id,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: order.currency.toLowerCase(),
            unit_amount: order.deposit_cents,
            product_data: { name: `Deposit for order ${order.number}` },
          },
        },
      ],
      metadata,
      payment_intent_data: { metadata, description: `Deposit for order ${order.number} from ${order.business_name}` },
      success_url: `${base}/payments/thank-you`,
      cancel_url: `${base}/payments/cancelled`,
    },
    `deposit-${order.id}-${order.deposit_checkout_session_id ?? 'first'}`,
  )
  await withTenant(services.db, scope, async (tx) => {
    await tx.query(
      'update orders set deposit_checkout_session_id = $2, deposit_checkout_url = $3, deposit_checkout_expires_at = $4 where id = $1',
      [order.id, session.id, session.url, session.expiresAt.toISOString()],
    )
    await writeAudit(tx, systemAuditor(tenantId, scope.requestId), {
      entityType: 'order',
      entityId: order.id,
      action: 'deposit_link',
      before: { deposit_checkout_session_id: order.deposit_checkout_session_id },
      after: { deposit_checkout_session_id: session.id },
    })
  })
  return session.url
}
