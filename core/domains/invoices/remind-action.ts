import { z } from 'zod'
import type { CallPreview } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { whenText } from '../../text/date-words.js'
import { previewScheduleMessage } from '../messages/message-previews.js'
import { askedStepName } from '../messages/follow-up-rules.js'
import { assertTemplateTexts } from '../messages/template-texts.js'
import { renderMessage } from '../messages/render.js'
import { queueMessage } from '../messages/queue.js'
import { EMAIL_DELIVERY, emailDelivery } from '../messages/email-delivery.js'
import { loadTenantSettings } from '../settings/model.js'
import { loadInvoice, todayOf } from './model.js'
import { assertInvoicePayable } from '../settings/ways-to-pay.js'
import { daysBetween } from '../../vocabulary/time.js'

/** How close to another reminder of the same invoice (sent or still to go) a new one is refused: one a day at most. */
const REMINDER_GAP_MS = 24 * 3_600_000

/** What an invoice reminder asks for: the invoice and, if wanted, a line of the agent's own. */
const remindInput = z.strictObject({
  invoice_id: z.uuid().describe('The invoice to chase (its number, e.g. INV-2026-0003, is taken too)'),
  note: noteText(2000)
    .optional()
    .describe(
      'A line of your own, shown where the template has {{custom_message}}; the owner reads it first unless they allowed this always',
    ),
})

/** Emails the customer a reminder of an unpaid invoice now: overdue, by how many days, what is still due and how to pay. */
export const remindInvoice = defineAction({
  key: 'invoice.remind',
  phrases: [
    'remind a customer their invoice is overdue',
    'chase a late payment',
    'they have not paid yet, send a reminder',
    'overdue',
    'chase payment',
    'payment reminder',
    'dunning',
    'late invoice',
    'unpaid invoice',
    'remind to pay',
  ],
  title: 'Remind a customer of an unpaid invoice',
  place: BY_AGENT_OR_API,
  words: { phrase: 'chase an unpaid or overdue invoice' },
  description:
    "Email the customer a payment reminder of one invoice now (the invoice's reminder template, kind invoice_reminder). " +
    'Past its due date it says the invoice is overdue and by how many days; it always says the amount still due (after ' +
    "payments received) and how to pay: the pay link when online payments are on and the business's payment instructions. " +
    'note: a line of your own (the owner reads it first). Refused (CONFLICT) for a draft (send it with invoice.send), a void ' +
    'or paid invoice, nothing left due, no way to pay, or another reminder of it within a day. Returns the invoice ' +
    '{id, number, contact_name, status, due_on, days_overdue, amount_due_cents, currency}, the message {id, send_at, status} and ' +
    'its subject.',
  access: { agent: 'soft_limit', technician: 'none', customerText: { reviewed: ['note'] } },
  input: remindInput,
  preview: previewRemind,
  output: z.object({
    invoice: z.object({
      id: z.uuid(),
      number: z.string(),
      contact_name: z.string().describe("The customer's name"),
      status: z.string(),
      due_on: z.string(),
      days_overdue: z.number().int().describe('Whole days past the due date today; 0 when not overdue'),
      amount_due_cents: z.number().int(),
      currency: z.string(),
    }),
    message: z.object({
      id: z.uuid(),
      send_at: timestamp,
      status: z.enum(['pending', 'sent', 'cancelled', 'failed']),
      delivery: EMAIL_DELIVERY,
    }),
    subject: z.string().describe('The subject the customer reads'),
  }),
  async run(ctx, input) {
    assertTemplateTexts({ 'data.note': input.note })
    const settings = await loadTenantSettings(ctx.db)
    const today = todayOf(ctx, settings)
    const invoice = await loadInvoice(ctx.db, input.invoice_id, today, true)
    const number = String(invoice.number)
    const due = Number(invoice.amount_due_cents)
    if (invoice.status === 'draft') {
      throw new AppError('CONFLICT', `Invoice ${number} is a draft the customer never received: send it with invoice.send`, {
        invoice_id: invoice.id,
        status: invoice.status,
        fix: 'invoice.send',
      })
    }
    if (invoice.status === 'void' || invoice.status === 'paid' || due <= 0 || invoice.archived_at) {
      throw new AppError('CONFLICT', `Invoice ${number} is ${invoice.archived_at ? 'archived' : invoice.status}, with nothing to ask for`, {
        invoice_id: invoice.id,
        status: invoice.status,
        amount_due_cents: due,
      })
    }
    assertInvoicePayable(ctx.services, settings)
    const now = ctx.services.now()
    const near = await ctx.db.query<{ id: string; send_at: Date; status: string }>(
      `select id, send_at, status from scheduled_messages
       where invoice_id = $1 and kind = 'invoice_reminder' and status in ('pending', 'sent') and send_at between $2 and $3
       order by send_at limit 1`,
      [invoice.id, new Date(now.getTime() - REMINDER_GAP_MS), new Date(now.getTime() + REMINDER_GAP_MS)],
    )
    const other = near.rows[0]
    if (other) {
      const when = whenText(new Date(other.send_at), settings.timezone)
      throw new AppError(
        'CONFLICT',
        `Invoice ${number} already has a reminder ${other.status === 'sent' ? `sent ${when}` : `going ${when}`}: one a day at most` +
          (other.status === 'pending' ? ' (message.cancel it first to send one now instead)' : ''),
        { invoice_id: invoice.id, message_id: other.id, send_at: new Date(other.send_at).toISOString(), status: other.status },
      )
    }
    const message = await queueMessage(ctx, {
      contact_id: String(invoice.contact_id),
      kind: 'invoice_reminder',
      body: input.note ?? null,
      send_at: now,
      invoice_id: String(invoice.id),
      follow_up_step: askedStepName(now),
    })
    const rendered = await renderMessage(ctx.db, message, settings)
    return {
      invoice: {
        id: String(invoice.id),
        number,
        contact_name: String(invoice.contact_name),
        status: String(invoice.status),
        due_on: String(invoice.due_on),
        days_overdue: Math.max(0, daysBetween(String(invoice.due_on), today)),
        amount_due_cents: due,
        currency: String(invoice.currency),
      },
      message: {
        id: String(message.id),
        send_at: message.send_at as Date,
        status: message.status as 'pending',
        ...emailDelivery(ctx.services),
      },
      subject: rendered.subject,
    }
  },
})

/** The owner's review card of a reminder: whom it goes to, now, and the email as the customer will read it. */
async function previewRemind(ctx: OperationContext, input: z.output<typeof remindInput>): Promise<CallPreview> {
  const invoice = await ctx.db.query<{ contact_id: string }>('select contact_id from invoices where id = $1', [input.invoice_id])
  if (!invoice.rows[0]) throw notFound('invoice', input.invoice_id)
  return previewScheduleMessage(ctx, {
    contact_id: invoice.rows[0].contact_id,
    kind: 'invoice_reminder',
    invoice_id: input.invoice_id,
    body: input.note,
  })
}
