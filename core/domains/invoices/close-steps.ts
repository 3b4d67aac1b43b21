import type { OperationContext } from '../../context.js'
import type { Workflows } from '../../workflows.js'
import { issueInvoice } from './send-actions.js'

/** When ticket.close asked for it (send_invoice): the visit is billed and its invoice emailed, with the close. */
export async function issueAndEmailInvoice(ctx: OperationContext, close: Workflows['ticket.close']): Promise<void> {
  if (!close.sendInvoice) return
  const billed = await issueInvoice(ctx, { ticket_id: close.ticket.id }, { email: true })
  const i = billed.invoice as Record<string, unknown>
  close.result.invoice = {
    id: String(i.id),
    number: String(i.number),
    status: String(i.status),
    total_cents: Number(i.total_cents),
    amount_due_cents: Number(i.amount_due_cents),
    message_id: billed.message ? billed.message.id : null,
  }
}
