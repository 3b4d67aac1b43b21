import { z } from 'zod'
import { AppError, validationError } from '../../core/kernel/errors.js'
import { callAction } from '../../core/kernel/call-action.js'
import { sendInvoice as sendInvoiceAction } from '../../core/domains/invoices/send-actions.js'
import { defineTool, recordRefArg, type ToolContext } from '../tool.js'
import { callQuery, callQueryAll } from '../../core/kernel/call-query.js'
import { unbilledWorkQuery } from '../../core/domains/tickets/unbilled.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { paidElsewhereWords } from '../../core/domains/tickets/model.js'
import { settingsQuery } from '../../core/domains/settings/queries.js'

/** Bills a ticket (creating its invoice when it has none), an existing invoice, or a customer's closed visit, through invoice.send. */
export const sendInvoice = defineTool({
  name: 'send_invoice',
  phrases: ['bill the customer for a visit', 'send the invoice for a job'],
  title: 'Send an invoice',
  description:
    'Emails an invoice now with its pay link. One of ticket_id (billed from its lines), invoice_id, or contact_id (their ' +
    'visit not billed yet).',
  input: {
    ticket_id: recordRefArg().optional(),
    invoice_id: recordRefArg().optional(),
    contact_id: z.uuid().optional(),
    reasoning: z.string().trim().min(1).max(2000).describe('Why now'),
  },
  output: { invoice: z.object({ id: z.string() }).optional() },
  readOnly: false,
  async run(ctx, args) {
    if ([args.ticket_id, args.invoice_id, args.contact_id].filter(Boolean).length !== 1) {
      throw validationError([{ field: 'ticket_id', message: 'give exactly one of ticket_id, invoice_id or contact_id' }])
    }
    const ticketId = args.contact_id ? await visitToBill(ctx, args.contact_id) : args.ticket_id
    const outcome = await callAction(
      ctx,
      sendInvoiceAction,
      { ticket_id: ticketId, invoice_id: args.invoice_id },
      { reasoning: args.reasoning },
    )
    if (outcome.queued) return outcome.result
    const { invoice, created, message } = outcome.result
    return {
      invoice: {
        id: invoice.id,
        number: invoice.number,
        status: invoice.status,
        total_cents: invoice.total_cents,
        amount_due_cents: invoice.amount_due_cents,
        due_on: invoice.due_on,
      },
      created,
      message,
    }
  },
})

/** The customer's one completed visit whose invoice is missing or still a draft; several or none is an error that says what to do. */
async function visitToBill(ctx: ToolContext, contactId: string): Promise<string> {
  const unbilled = await callQueryAll(ctx, unbilledWorkQuery, { params: { contact_id: contactId } })
  const billable = unbilled.filter((t) => t.reason !== 'not_closed')
  if (billable.length === 1) return String(billable[0].id)
  if (billable.length > 1) {
    throw validationError([
      {
        field: 'contact_id',
        message:
          `has ${billable.length} completed visits not billed yet; give ticket_id, one of: ` +
          billable.map((t) => `${t.id} (#${t.number}, ${new Date(t.scheduled_start).toISOString().slice(0, 10)})`).join(', '),
      },
    ])
  }
  const open = unbilled.filter((t) => t.reason === 'not_closed')
  // A customer whose visits were all paid in Square is told so, and when: nothing of theirs is billed again.
  const last = (await callQuery(ctx, ticketsQuery, { params: { contact_id: contactId, status: 'completed', per_contact: 'last' } }))
    .items[0]
  let paid = ''
  if (last?.paid_elsewhere && last.closed_at) {
    const { timezone } = (await callQuery(ctx, settingsQuery)).items[0]
    paid = `; their last visit #${last.number} was ${paidElsewhereWords(last.paid_elsewhere, last.closed_at, timezone)} and is not billed again`
  }
  throw new AppError(
    'NOT_FOUND',
    'This customer has no completed visit waiting for an invoice' +
      paid +
      (open.length
        ? `; visit #${open[0].number} (ticket_id ${open[0].id}) is past but not closed yet: it is billed once closed, or give its ticket_id`
        : '') +
      '; an invoice already sent is resent with invoice_id',
    { field: 'contact_id' },
  )
}
