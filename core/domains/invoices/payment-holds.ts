import type { OperationContext } from '../../kernel/context.js'
import { formatMoney } from '../../vocabulary/money.js'
import { loadTenantSettings } from '../settings/model.js'
import { loadInvoice, todayOf } from './model.js'

/** How long after an owner sends an invoice a payment an agent records on it is the owner's to see first. */
const JUST_SENT_MINUTES = 60

/**
 * Why an agent's payment must wait for the owner, read against the invoice now: money beyond what is due, any credit, or
 * a payment on an invoice a person sent within the hour (what a message claiming "I already paid" would ask for). Null
 * for an ordinary payment of what is due.
 */
export async function paymentOwnerSees(
  ctx: OperationContext,
  input: { invoice_id: string; amount_cents: number; accept_credit?: boolean },
): Promise<string | null> {
  const settings = await loadTenantSettings(ctx.db)
  const invoice = (await loadInvoice(ctx.db, input.invoice_id, todayOf(ctx, settings))) as Record<string, unknown>
  const currency = String(invoice.currency ?? settings.currency)
  const due = Number(invoice.amount_due_cents)
  // Without accept_credit a payment beyond what is due is refused by the action itself, with words saying so.
  if (input.accept_credit) {
    return input.amount_cents > due
      ? `records ${formatMoney(input.amount_cents, currency)} on invoice ${invoice.number}, more than the ` +
          `${formatMoney(due, currency)} due, and keeps the rest as credit`
      : `records a payment on invoice ${invoice.number} with accept_credit, which may leave credit to refund`
  }
  const sent = await ctx.db.query(
    `select 1 from audit_log where entity_type = 'invoice' and entity_id = $1 and action = 'mark_sent' and actor_type = 'user'
     and created_at > now() - make_interval(mins => $2) limit 1`,
    [input.invoice_id, JUST_SENT_MINUTES],
  )
  if (sent.rows.length) return `records a payment on invoice ${invoice.number}, which you sent less than an hour ago`
  return null
}
