import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, notFound, validationError, type FieldIssue } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { auditedUpdate } from '../../vocabulary/records.js'
import { noteText } from '../../kernel/sanitize.js'
import { assertTemplateTexts } from './template-texts.js'
import { lockMessage, MESSAGE_TABLE, type MessageKind, RENDERED_MESSAGE } from './model.js'
import { TEMPLATE_KINDS, templateKind } from './kinds.js'
import { MESSAGE_RECORD } from './records.js'
import { renderMessage } from './render.js'
import { queueMessage } from './queue.js'
import { previewScheduleMessage, previewUpdateMessage } from './message-previews.js'
import { FOLLOW_UP_KINDS } from './follow-up-rules.js'
import { reachOutAsked } from './reach-out-gate.js'
import { assertInvoicePayable } from '../settings/ways-to-pay.js'
import { loadTenantSettings } from '../settings/model.js'
import { isoInstant } from '../../kernel/schema-types.js'
import { BY_AGENT_OR_API, customer, page } from '../../vocabulary/places.js'

const subject = noteText(300)
const body = noteText(20_000)
const sendAt = isoInstant().describe('When to send: an ISO 8601 time in the future, with Z or its offset (YYYY-MM-DDTHH:MM:SSZ)')

/** Kinds that are about one appointment or one invoice, and so need it named. */
const NEEDS_TICKET: MessageKind[] = ['confirmation', 'reminder']
const NEEDS_INVOICE: MessageKind[] = ['invoice', 'charge_notice']

/** Queues an email to a contact for a future time (delivery sends it then). */
export const scheduleMessage = defineAction({
  key: 'message.schedule',
  phrases: [
    'send an email to a customer',
    'email a customer later',
    'schedule a follow-up email',
    'send email',
    'email customer',
    'remind customer',
    'follow up',
    'reach out',
    'schedule email',
    'queue message',
  ],
  title: 'Send a reminder or other email',
  place: customer('Send an email'),
  words: { phrase: 'schedule an email to a customer' },
  description:
    `Schedule an email to a contact at send_at (future, ISO 8601; left out: as soon as possible). kind: ${TEMPLATE_KINDS.join('|')}. ` +
    'template_id is optional: without it the message uses the default template of its kind at the time it is sent. body is custom text, shown where ' +
    "the template has {{custom_message}} (required for kind custom without a template); subject replaces the template's. " +
    'Both may use the template {{variables}}. confirmation and reminder need ticket_id, invoice needs invoice_id; a ' +
    'ticket or invoice must belong to the contact. Every kind but custom goes the way the customer chose (email, text or both: ' +
    'text.set_channel); custom is an email (text.send writes a text). An invoice email is refused (CONFLICT) while it would carry no way to pay: ' +
    'online payments off and no payment_instructions in the settings. Returns the message with `rendered`, a preview of what will be sent.',
  access: {
    agent: 'unrestricted',
    technician: 'none',
    customerText: { reviewed: ['subject', 'body'] },
    ownerSees: async (_ctx, input) => reachOutAsked(input.kind),
  },
  input: z.strictObject({
    contact_id: z.uuid(),
    kind: templateKind,
    template_id: z
      .uuid()
      .optional()
      .describe("A template of the same kind (or of kind custom); default: the kind's default template when sent"),
    subject: subject.optional().describe('Replaces the template subject; may use {{variables}}'),
    body: body.optional().describe('Custom text, inserted as {{custom_message}}; may use {{variables}}'),
    send_at: sendAt.optional().describe('When to send, in the future; left out: now (the next delivery pass, within seconds)'),
    ticket_id: z.uuid().optional().describe('The appointment the message is about; must belong to the contact'),
    invoice_id: z.uuid().optional().describe('The invoice the message is about; must belong to the contact'),
  }),
  preview: previewScheduleMessage,
  output: MESSAGE_RECORD.extend({ rendered: RENDERED_MESSAGE }),
  async run(ctx, input) {
    assertTemplateTexts({ 'data.subject': input.subject, 'data.body': input.body })
    if (input.send_at) assertFuture(ctx, input.send_at, 'data.send_at')
    const sendAtTime = input.send_at ?? ctx.services.now().toISOString()
    const issues: FieldIssue[] = []
    if (NEEDS_TICKET.includes(input.kind) && !input.ticket_id)
      issues.push({ field: 'data.ticket_id', message: `is required for kind ${input.kind}` })
    if (NEEDS_INVOICE.includes(input.kind) && !input.invoice_id)
      issues.push({ field: 'data.invoice_id', message: `is required for kind ${input.kind}` })
    if (input.kind === 'quote')
      issues.push({ field: 'data.kind', message: 'a quote is emailed with quote.send, which makes its answer links' })
    if (input.kind === 'plan_offer')
      issues.push({ field: 'data.kind', message: 'a service plan is offered with customer_plan.send, which makes its acceptance link' })
    if (input.kind === 'charge_notice' && ctx.actor.type !== 'system')
      issues.push({ field: 'data.kind', message: 'a charge notice is sent by autopay itself before it charges a saved card' })
    if (input.kind === 'moved')
      issues.push({
        field: 'data.kind',
        message: 'a moved email is sent by moving the visits (ticket.move_day), which knows the time before; to write now, use kind custom',
      })
    if ((FOLLOW_UP_KINDS as readonly string[]).includes(input.kind))
      issues.push({
        field: 'data.kind',
        message:
          input.kind === 'invoice_reminder'
            ? 'invoice_reminder is queued by the follow-up schedule in the settings; to chase an invoice now, call invoice.remind'
            : `${input.kind} is queued by the follow-up schedule in the settings; to write now, use kind custom`,
      })
    if (input.kind === 'custom' && !input.template_id && !input.body)
      issues.push({ field: 'data.body', message: 'is required for kind custom unless template_id is given' })
    if (issues.length) throw validationError(issues)
    const contact = await ctx.db.query('select id from contacts where id = $1', [input.contact_id])
    if (!contact.rows[0]) throw notFound('contact', input.contact_id)
    await assertBelongsToContact(ctx, 'ticket', 'tickets', input.ticket_id, input.contact_id)
    await assertBelongsToContact(ctx, 'invoice', 'invoices', input.invoice_id, input.contact_id)
    if (input.kind === 'invoice') assertInvoicePayable(ctx.services, await loadTenantSettings(ctx.db))
    const templateId = input.template_id ? await usableTemplate(ctx, input.template_id, input.kind) : null
    const message = await queueMessage(ctx, {
      contact_id: input.contact_id,
      kind: input.kind,
      template_id: templateId,
      subject: input.subject ?? null,
      body: input.body ?? null,
      send_at: sendAtTime,
      ticket_id: input.ticket_id ?? null,
      invoice_id: input.invoice_id ?? null,
      // A message written now is an email, as asked (text.send writes a text); the kinds the product writes go as the customer chose.
      ...(input.kind === 'custom' ? { channel: 'email' as const } : {}),
    })
    return { ...message, rendered: await renderMessage(ctx.db, message) }
  },
})

/** Stops a pending message from being sent. */
export const cancelMessage = defineAction({
  key: 'message.cancel',
  phrases: ['do not send a scheduled email', 'cancel an email that is queued', 'cancel email', 'stop message', 'unschedule'],
  title: 'Cancel a scheduled email',
  place: page('/messages', 'pick the email, then Cancel'),
  words: { phrase: 'cancel a scheduled email' },
  description: 'Cancel a pending scheduled message so it is never sent. A message already sent, failed or cancelled is a CONFLICT.',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({ message_id: z.uuid().describe('The scheduled message') }),
  output: MESSAGE_RECORD,
  async run(ctx, input) {
    const before = await pendingMessage(ctx, input.message_id, 'cancelled')
    return auditedUpdate(ctx, MESSAGE_TABLE, before, { status: 'cancelled' }, 'cancel')
  },
})

/** Moves a pending message to another send time. */
export const rescheduleMessage = defineAction({
  key: 'message.reschedule',
  title: 'Move a scheduled email',
  place: page('/messages', 'pick the email, then Move'),
  words: { phrase: 'move a scheduled email' },
  description: 'Move a pending scheduled message to a new send_at (future, ISO 8601). Only pending messages can move.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  phrases: ['send later', 'change send time', 'delay email'],
  input: z.strictObject({ message_id: z.uuid(), send_at: sendAt }),
  output: MESSAGE_RECORD,
  async run(ctx, input) {
    assertFuture(ctx, input.send_at, 'data.send_at')
    const before = await pendingMessage(ctx, input.message_id, 'rescheduled')
    return auditedUpdate(ctx, MESSAGE_TABLE, before, { send_at: input.send_at }, 'reschedule')
  },
})

/** Rewrites the subject or custom text of a pending message. */
export const updateMessage = defineAction({
  key: 'message.update',
  title: "Change a scheduled email's text",
  place: BY_AGENT_OR_API,
  words: { phrase: 'change a scheduled email' },
  description:
    'Change the subject or custom text (body) of a pending scheduled message; only the fields given change, ' +
    "null clears one (the template's subject is used again, or no custom text). May use template {{variables}}. " +
    'Returns the message with `rendered`, a preview of what will be sent.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { reviewed: ['subject', 'body'] } },
  idempotent: true,
  phrases: ['edit email', 'change message text'],
  input: z.strictObject({ message_id: z.uuid(), subject: subject.nullable().optional(), body: body.nullable().optional() }),
  preview: previewUpdateMessage,
  output: MESSAGE_RECORD.extend({ rendered: RENDERED_MESSAGE }),
  async run(ctx, input) {
    if (input.subject === undefined && input.body === undefined) {
      throw validationError([{ field: 'data', message: 'give subject or body to change' }])
    }
    assertTemplateTexts({ 'data.subject': input.subject, 'data.body': input.body })
    const before = await pendingMessage(ctx, input.message_id, 'changed')
    const next = {
      subject: input.subject === undefined ? before.subject : input.subject,
      body: input.body === undefined ? before.body : input.body,
    }
    if (before.kind === 'custom' && !before.template_id && !next.body) {
      throw validationError([{ field: 'data.body', message: 'cannot be cleared: a custom message without a template needs its text' }])
    }
    const after = await auditedUpdate(ctx, MESSAGE_TABLE, before, next)
    return { ...after, rendered: await renderMessage(ctx.db, after) }
  },
})

/** The message, locked, when it is still pending; a CONFLICT naming its status otherwise. */
async function pendingMessage(ctx: OperationContext, id: string, verb: string): Promise<Record<string, unknown>> {
  const message = await lockMessage(ctx.db, id)
  if (message.status !== 'pending') {
    throw new AppError('CONFLICT', `Message ${id} is ${message.status}; only a pending message can be ${verb}`, {
      field: 'data.message_id',
      status: message.status,
    })
  }
  return message
}

/** Refuses a time that is not after now, naming the field. */
export function assertFuture(ctx: OperationContext, iso: string, field: string): void {
  if (new Date(iso).getTime() <= ctx.services.now().getTime()) {
    throw validationError([{ field, message: `must be in the future (now is ${ctx.services.now().toISOString()})` }])
  }
}

/** Refuses a ticket or invoice that does not exist or belongs to another contact. */
async function assertBelongsToContact(
  ctx: OperationContext,
  entity: 'ticket' | 'invoice',
  table: 'tickets' | 'invoices',
  id: string | undefined,
  contactId: string,
): Promise<void> {
  if (!id) return
  const r = await ctx.db.query<{ contact_id: string }>(`select contact_id from ${table} where id = $1`, [id])
  if (!r.rows[0]) throw notFound(entity, id)
  if (r.rows[0].contact_id !== contactId) {
    throw validationError([{ field: `data.${entity}_id`, message: `${entity} ${id} belongs to another contact, not ${contactId}` }])
  }
}

/** The id of a template a message of this kind may use: active, and of the kind or of kind custom. */
export async function usableTemplate(ctx: OperationContext, id: string, kind: MessageKind): Promise<string> {
  const r = await ctx.db.query<{ kind: string; archived_at: Date | null }>(
    'select kind, archived_at from message_templates where id = $1',
    [id],
  )
  const template = r.rows[0]
  if (!template) throw notFound('template', id)
  if (template.archived_at) throw validationError([{ field: 'data.template_id', message: `template ${id} is archived` }])
  if (template.kind !== kind && template.kind !== 'custom') {
    throw validationError([
      { field: 'data.template_id', message: `is a ${template.kind} template; a ${kind} message needs a ${kind} or custom template` },
    ])
  }
  return id
}

/** Queues the email that offers a customer their service plan, with its acceptance link made when it is sent. */
export async function queuePlanOffer(ctx: OperationContext, contactId: string, customerPlanId: string): Promise<{ id: string }> {
  return queueMessage(ctx, { contact_id: contactId, kind: 'plan_offer', send_at: ctx.services.now(), customer_plan_id: customerPlanId })
}
