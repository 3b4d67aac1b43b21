import { callWithin } from '../../kernel/call-within.js'
import type { Services } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { contextOf } from '../../kernel/operations-context.js'
import { scheduleMessage } from '../messages/actions.js'

/** Days before its due date that a customer on autopay is told their card will be charged. */
export const NOTICE_DAYS = 2

/** A notice that could not be sent (no working address) is queued again after a day, not at every pass. */
const NOTICE_RETRY_MS = 24 * 3_600_000

/** The invoice and card a charge would use, as the autopay pass read them. */
export interface ChargeToTell {
  tenantId: string
  invoiceId: string
  contactId: string
  dueOn: string
  cardId: string
  amountCents: number
  today: string
  requestId: string
}

/**
 * Whether the customer was told of this charge before it is made: a notice naming this card and at least this amount
 * was emailed (sent, not only queued, and by an email provider: without one nobody is told, and nothing is charged). When none was, a charge_notice email (the amount, the card, the day) is queued
 * and kept here, unless one is on its way or one could not be sent within the day, and the charge waits for it.
 */
export async function customerWasTold(services: Services, tx: Queryable, charge: ChargeToTell): Promise<boolean> {
  // With no email provider a notice reaches only the outbox: the customer would not be told, so nothing is charged.
  if (!services.email.delivers) return false
  const last = (
    await tx.query<{ status: string | null; created_at: Date }>(
      `select m.status, n.created_at from autopay_notices n left join scheduled_messages m on m.id = n.message_id
        where n.invoice_id = $1 and n.saved_card_id = $2 and n.amount_cents >= $3 order by n.created_at desc limit 1`,
      [charge.invoiceId, charge.cardId, charge.amountCents],
    )
  ).rows[0]
  if (last?.status === 'sent') return true
  if (last?.status === 'pending') return false
  if (last && services.now().getTime() - new Date(last.created_at).getTime() < NOTICE_RETRY_MS) return false
  const ctx = contextOf(
    services,
    { tenantId: charge.tenantId, actor: { type: 'system', id: null } },
    tx,
    charge.requestId,
    'Autopay tells the customer before it charges their card',
    () => {},
  )
  const message = await callWithin(ctx, scheduleMessage, {
    contact_id: charge.contactId,
    kind: 'charge_notice',
    invoice_id: charge.invoiceId,
  })
  await tx.query(
    `insert into autopay_notices (tenant_id, invoice_id, saved_card_id, amount_cents, charge_on, message_id)
     values ($1, $2, $3, $4, greatest($5::date, $6::date), $7)`,
    [
      charge.tenantId,
      charge.invoiceId,
      charge.cardId,
      charge.amountCents,
      charge.dueOn,
      charge.today,
      (message as unknown as { id: string }).id,
    ],
  )
  return false
}
