import { z } from 'zod'
import { AppError, validationError } from '../../core/errors.js'
import { performAction, performQuery } from '../../core/operations.js'
import { defineTool, uuidArg } from '../tool.js'

/** Lead time of the invoice email; the message must be scheduled in the future, so "now" is a few seconds ahead. */
const SEND_DELAY_MS = 5_000

/** Bills a ticket (creating its invoice when it has none) or an existing invoice, and emails it to the customer. */
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
  readOnly: false,
  async run({ services, principal, requestId }, args) {
    if (Boolean(args.ticket_id) === Boolean(args.invoice_id)) {
      throw validationError([{ field: 'ticket_id', message: 'give exactly one of ticket_id or invoice_id' }])
    }
    const reasoning = args.reasoning
    let invoice: any
    let created = false
    if (args.invoice_id) {
      invoice = await performQuery(services, principal, { type: 'invoices', id: args.invoice_id }, { requestId })
    } else {
      const existing = (await performQuery(services, principal, { type: 'invoices', filters: { ticket_id: args.ticket_id } }, { requestId })) as { items: any[] }
      invoice = existing.items[0]
      if (!invoice) {
        invoice = (await performAction(services, principal, { domain: 'invoice', action: 'create_from_ticket', data: { ticket_id: args.ticket_id }, reasoning },
          { requestId })).result
        created = true
      }
    }
    if (invoice.status === 'void' || invoice.status === 'paid') {
      throw new AppError('CONFLICT', `Invoice ${invoice.number} is ${invoice.status}; there is nothing to send`, { invoice_id: invoice.id, status: invoice.status })
    }
    const sendAt = new Date(services.now().getTime() + SEND_DELAY_MS).toISOString()
    const message = (await performAction(services, principal, {
      domain: 'message', action: 'schedule', reasoning,
      data: { contact_id: invoice.contact_id, kind: 'invoice', invoice_id: invoice.id, send_at: sendAt },
    }, { requestId })).result as { id: string; send_at: string; status: string }
    invoice = (await performAction(services, principal, { domain: 'invoice', action: 'mark_sent', data: { invoice_id: invoice.id }, reasoning },
      { requestId })).result as typeof invoice
    return {
      invoice: { id: invoice.id, number: invoice.number, status: invoice.status, total_cents: invoice.total_cents,
        amount_due_cents: invoice.amount_due_cents, due_on: invoice.due_on },
      created,
      message: { id: message.id, send_at: message.send_at, status: message.status },
    }
  },
})
