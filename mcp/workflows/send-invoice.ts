import { z } from 'zod'
import { validationError } from '../../core/errors.js'
import { defineTool, uuidArg } from '../tool.js'
import { callAction } from '../../core/call-action.js'
import { sendInvoice as sendInvoiceAction } from '../../core/domains/invoices/send-actions.js'

/** Bills a ticket (creating its invoice when it has none) or an existing invoice, and emails it to the customer, through invoice.send. */
export const sendInvoice = defineTool({
  name: 'send_invoice',
  title: 'Send an invoice',
  description: 'Email an invoice to its customer now. Give ticket_id (its invoice is created from the ticket\'s line items if it has '
    + 'none yet) or invoice_id, not both. soft_limit: reasoning is required and recorded in the audit. A void or paid invoice is '
    + 'refused. Returns invoice (number, total_cents, amount_due_cents, due_on), created (true when made now), message (id, send_at).',
  input: {
    ticket_id: uuidArg().optional().describe('The appointment to bill'),
    invoice_id: uuidArg().optional().describe('An existing invoice'),
    reasoning: z.string().trim().min(1).max(2000).describe('Why this invoice is being sent now; required'),
  },
  output: { invoice: z.object({ id: z.string(), status: z.string() }).optional(), request_id: z.string().optional() },
  readOnly: false,
  async run(ctx, args) {
    if (Boolean(args.ticket_id) === Boolean(args.invoice_id)) {
      throw validationError([{ field: 'ticket_id', message: 'give exactly one of ticket_id or invoice_id' }])
    }
    const outcome = await callAction(ctx, sendInvoiceAction, { ticket_id: args.ticket_id, invoice_id: args.invoice_id }, { reasoning: args.reasoning })
    if (outcome.queued) return outcome.result
    const { invoice, created, message } = outcome.result
    return {
      invoice: { id: invoice.id, number: invoice.number, status: invoice.status, total_cents: invoice.total_cents,
        amount_due_cents: invoice.amount_due_cents, due_on: invoice.due_on },
      created,
      message,
    }
  },
})
