import type { OperationContext } from '../../kernel/context.js'
import type { VisitClose } from '../tickets/close-workflow.js'
import { callWithin } from '../../kernel/call-within.js'
import { waysToPay } from '../settings/ways-to-pay.js'
import { createInvoiceFromTicket } from './actions.js'
import { issueInvoice } from './send-actions.js'

/** What an invoice made at close waits for when the business's invoices carry no way to pay. */
export const INVOICE_WAITS_FOR_A_WAY_TO_PAY =
  'The visit is closed and its invoice made as a draft, not emailed: invoices of this business carry no way to pay yet ' +
  '(online payments are off and no payment instructions are set). The owner sets payment instructions (settings.update ' +
  'payment_instructions), then the invoice is sent with invoice.send.'

/** When ticket.close asked for it (send_invoice): the visit is billed and its invoice emailed, with the close. */
export async function issueAndEmailInvoice(ctx: OperationContext, close: VisitClose): Promise<void> {
  if (!close.sendInvoice) return
  const ways = waysToPay(ctx.services, close.settings)
  if (!ways.online && !ways.instructions) {
    // The work is done either way: the visit closes, and the invoice waits, as a draft, for a way to pay.
    const draft = (await callWithin(ctx, createInvoiceFromTicket, { ticket_id: close.ticket.id })) as Record<string, unknown>
    close.result.invoice = {
      id: String(draft.id),
      number: String(draft.number),
      status: String(draft.status),
      total_cents: Number(draft.total_cents),
      amount_due_cents: Number(draft.amount_due_cents),
      message_id: null,
      waits_for: INVOICE_WAITS_FOR_A_WAY_TO_PAY,
    }
    return
  }
  const billed = await issueInvoice(ctx, { ticket_id: close.ticket.id }, { email: true })
  const i = billed.invoice as Record<string, unknown>
  close.result.invoice = {
    id: String(i.id),
    number: String(i.number),
    status: String(i.status),
    total_cents: Number(i.total_cents),
    amount_due_cents: Number(i.amount_due_cents),
    message_id: billed.message ? billed.message.id : null,
    waits_for: null,
  }
}
