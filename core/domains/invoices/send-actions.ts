import { z } from 'zod'
import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { emitEvent } from '../../kernel/events.js'
import { scheduleMessage } from '../messages/actions.js'
import { EMAIL_DELIVERY, emailDelivery } from '../messages/email-delivery.js'
import { loadTenantSettings } from '../settings/model.js'
import { createInvoiceFromTicket } from './actions.js'
import { INVOICE_RECORD, loadInvoice, reloadAudited, todayOf } from './model.js'
import { timestamp } from '../../kernel/output-types.js'
import { BY_AGENT_OR_API, invoice } from '../../vocabulary/places.js'

/** Lead time of an invoice email sent "now": a scheduled message must lie in the future. */
const SEND_DELAY_MS = 5_000

/** Records that an invoice went to the customer: a draft becomes sent (its email is scheduled by the caller). */
export const markInvoiceSent = defineAction({
  key: 'invoice.mark_sent',
  title: 'Mark an invoice sent',
  place: BY_AGENT_OR_API,
  words: { phrase: 'mark an invoice as sent' },
  description:
    'Record that an invoice was sent to the customer: draft becomes sent and sent_at is set (the first time only). ' +
    'A paid, partially paid or overdue invoice keeps its status; a void one is refused. invoice.send calls this.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ invoice_id: z.uuid() }),
  output: INVOICE_RECORD,
  async run(ctx, input) {
    const today = todayOf(ctx, await loadTenantSettings(ctx.db))
    const before = await loadInvoice(ctx.db, input.invoice_id, today, true)
    if (before.status === 'void') throw new AppError('CONFLICT', `Invoice ${before.number} is void and cannot be sent`)
    await ctx.db.query(
      `update invoices set status = case when status = 'draft' then 'sent' else status end,
      sent_at = coalesce(sent_at, $2) where id = $1`,
      [input.invoice_id, ctx.services.now()],
    )
    const after = await reloadAudited(ctx, before, 'mark_sent', today)
    if (before.status === 'draft') await emitEvent(ctx, 'invoice.sent', { invoice_id: input.invoice_id })
    return after
  },
})

declare module '../../kernel/events.js' {
  interface DomainEvents {
    /** A draft invoice became sent (by invoice.send, mark_sent or a close-out), in the same transaction. */
    'invoice.sent': { invoice_id: string }
  }
}

/** Bills a ticket (creating its invoice when it has none) or an existing invoice, and emails it to the customer. */
export const sendInvoice = defineAction({
  key: 'invoice.send',
  phrases: [
    'email the invoice to the customer',
    'send the bill again',
    'resend an invoice they lost',
    'bill customer',
    'email invoice',
    'send bill',
    'payment link',
  ],
  title: 'Email an invoice',
  place: invoice('/invoices?status=draft', 'Send'),
  words: { phrase: 'email an invoice to the customer' },
  description:
    "Email an invoice to its customer now. Give ticket_id (its invoice is created from the ticket's line items if it has " +
    'none yet) or invoice_id, not both. A void or paid invoice is refused. The invoice becomes sent; the email lists its lines, ' +
    "tax, total and due date, with the payment link when online payments are on and the business's payment instructions. " +
    'Refused (CONFLICT, nothing made or sent) while it would carry no way to pay: online payments off and no ' +
    'payment_instructions set (settings.update). To chase one already sent, use invoice.remind. Returns invoice, created (true ' +
    'when made now) and message (id, send_at, status).',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({
    ticket_id: z.uuid().optional().describe('The appointment to bill'),
    invoice_id: z.uuid().optional().describe('An existing invoice'),
  }),
  output: z.object({
    invoice: INVOICE_RECORD,
    created: z.boolean(),
    message: z
      .object({ id: z.uuid(), send_at: timestamp, status: z.enum(['pending', 'sent', 'cancelled', 'failed']), delivery: EMAIL_DELIVERY })
      .nullable(),
  }),
  async run(ctx, input) {
    return issueInvoice(ctx, input, { email: true })
  },
})

/** What issuing an invoice did: the invoice as sent, whether it was made now, and its email when one was queued. */
export interface IssuedInvoice {
  invoice: Record<string, unknown>
  created: boolean
  message: { id: string; send_at: Date; status: string; delivery?: string } | null
}

/**
 * The invoice of a ticket (made now when it has none) or an invoice by id, marked sent, with its email queued when
 * asked: invoice.send, and the technician's close-out (which may hand the customer a payment link instead of an email).
 */
export async function issueInvoice(
  ctx: OperationContext,
  ref: { ticket_id?: string; invoice_id?: string },
  opts: { email: boolean },
): Promise<IssuedInvoice> {
  if (Boolean(ref.ticket_id) === Boolean(ref.invoice_id)) {
    throw validationError([{ field: 'data.ticket_id', message: 'give exactly one of ticket_id or invoice_id' }])
  }
  let invoiceId = ref.invoice_id
  let created = false
  if (ref.ticket_id) {
    invoiceId = (await ctx.db.query<{ id: string }>("select id from invoices where ticket_id = $1 and status <> 'void'", [ref.ticket_id]))
      .rows[0]?.id
    if (!invoiceId) {
      invoiceId = String(((await callWithin(ctx, createInvoiceFromTicket, { ticket_id: ref.ticket_id })) as { id: string }).id)
      created = true
    }
  }
  const today = todayOf(ctx, await loadTenantSettings(ctx.db))
  const invoice = await loadInvoice(ctx.db, invoiceId as string, today, true)
  if (invoice.status === 'void' || invoice.status === 'paid') {
    throw new AppError('CONFLICT', `Invoice ${invoice.number} is ${invoice.status}; there is nothing to send`, {
      invoice_id: invoice.id,
      status: invoice.status,
    })
  }
  const message = opts.email
    ? ((await callWithin(ctx, scheduleMessage, {
        contact_id: String(invoice.contact_id),
        kind: 'invoice',
        invoice_id: String(invoice.id),
        send_at: new Date(ctx.services.now().getTime() + SEND_DELAY_MS).toISOString(),
      })) as Record<string, unknown>)
    : null
  const sent = await callWithin(ctx, markInvoiceSent, { invoice_id: String(invoice.id) })
  return {
    invoice: sent,
    created,
    message: message
      ? { id: String(message.id), send_at: message.send_at as Date, status: String(message.status), ...emailDelivery(ctx.services) }
      : null,
  }
}
