import type { Queryable } from '../../db/types.js'
import { withStopLine } from './stop-line.js'
import { renderTemplate, variablesIn, type TemplateValues } from '../../text/templating.js'
import { localDate } from '../../vocabulary/time.js'
import { clockTime, longDate } from '../../text/date-words.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { firstNameOf } from '../contacts/first-name.js'
import { defaultTemplate } from './default-templates.js'
import { KIND_DECLARATIONS, RECORD_VALUES } from '../message-kinds.js'
import { paymentBlock, paymentBlockVariables, withMoneyLine, withPaymentBlock } from './payment-block.js'
import type { MessageKind, MessageTemplate } from './model.js'

/** A message as it reads with what the system knows now; `missing` names the variables that rendered empty. */
export interface RenderedMessage {
  subject: string
  body: string
  missing: string[]
}

/** A scheduled message row as loaded (contact_id, kind, template_id, subject, body, send_at, ticket_id, invoice_id, moved_from). */
export type MessageFields = Record<string, unknown>

/** The template a scheduled message renders with: its own when it names one, else the default of its kind. */
export async function templateOfMessage(tx: Queryable, message: MessageFields): Promise<MessageTemplate> {
  if (message.template_id) {
    const r = await tx.query<{ id: string; kind: MessageKind; name: string; subject: string; body: string }>(
      'select id, kind, name, subject, body from message_templates where id = $1',
      [message.template_id],
    )
    if (r.rows[0]) return { ...r.rows[0], builtin: false }
  }
  return defaultTemplate(tx, message.kind as MessageKind)
}

/**
 * Renders a scheduled message: its subject (or the template's), and the template's body with the message's own text
 * as {{custom_message}}. Links made at delivery (confirm, decline, change, payment) are passed in `delivery` by the
 * worker; before that they are not known and are listed in `missing`.
 */
export async function renderMessage(
  tx: Queryable,
  message: MessageFields,
  settings?: TenantSettings,
  delivery: TemplateValues = {},
): Promise<RenderedMessage> {
  const template = await templateOfMessage(tx, message)
  const values = { ...(await messageValues(tx, message, settings ?? (await loadTenantSettings(tx)))), ...delivery }
  const subjectText = typeof message.subject === 'string' && message.subject.trim() ? message.subject : template.subject
  return renderTexts(
    {
      subject: subjectText,
      body: template.body,
      custom: typeof message.body === 'string' ? message.body : null,
      kind: message.kind as MessageKind,
    },
    values,
  )
}

/**
 * Renders a subject and a body with values, the custom text (itself rendered) as {{custom_message}} and, for a kind that
 * asks to be paid, the product's payment block as {{how_to_pay}} (added at the end when the template does not place it),
 * the line that says how the business takes money (under the block, else at the end) and a reach-out's stop line: what
 * every message, and every preview of a template, reads as. `missing` names the known variables that rendered empty.
 */
export function renderTexts(
  texts: { subject: string; body: string; custom: string | null; kind?: MessageKind },
  values: TemplateValues,
): RenderedMessage {
  const custom = texts.custom !== null ? renderTemplate(texts.custom, values) : ''
  const block = paymentBlock(texts.kind, values)
  const all: TemplateValues = { ...values, custom_message: custom, how_to_pay: block }
  const body = withStopLine(texts.kind, withMoneyLine(withPaymentBlock(texts.kind, texts.body), block))
  const used = new Set([
    ...variablesIn(texts.subject),
    ...variablesIn(body),
    ...paymentBlockVariables(texts.kind),
    ...(texts.custom !== null ? variablesIn(texts.custom) : []),
  ])
  return {
    subject: renderTemplate(texts.subject, all).replace(/\s+/g, ' ').trim(),
    body: renderTemplate(body, all),
    missing: [...used].filter(
      // A note that says so only when it applies (an invoice charged to a saved card) is not missing when empty.
      (name) => !['custom_message', 'how_to_pay', 'autopay_note'].includes(name) && !String(all[name as keyof TemplateValues] ?? '').trim(),
    ),
  }
}

/**
 * A message's words as a text: its kind's text words (for a custom message, the business's name and the message's own
 * reviewed words) with the values known now and the links made at delivery, on one line. Null for a kind that has no
 * words as a text. The words are the product's: a text carries no payment block and no template the business edited.
 */
export async function renderTextMessage(
  tx: Queryable,
  message: MessageFields,
  settings: TenantSettings,
  delivery: TemplateValues = {},
): Promise<RenderedMessage | null> {
  const words = KIND_DECLARATIONS.get(String(message.kind))?.text?.words
  if (!words) return null
  const values = { ...(await messageValues(tx, message, settings)), ...delivery }
  const custom = typeof message.body === 'string' ? renderTemplate(message.body, values) : ''
  const all: TemplateValues = { ...values, custom_message: custom }
  const body = renderTemplate(words, all).replace(/\s+/g, ' ').trim()
  const missing = variablesIn(words).filter((name) => !String(all[name as keyof TemplateValues] ?? '').trim())
  return { subject: '', body, missing }
}

/** The variable values the system knows for a message now: contact, business, appointment, invoice, quote, last service. */
export async function messageValues(tx: Queryable, message: MessageFields, settings: TenantSettings): Promise<TemplateValues> {
  const tz = settings.timezone
  const values: TemplateValues = businessValues(settings)
  // The customer and their last completed visit in one read: every message asks for both.
  const contact = await tx.query<{
    display_name: string
    first_name: string | null
    last_start: Date | null
    last_services: string | null
  }>(
    `select c.display_name, c.first_name, last.scheduled_start as last_start, last.services as last_services
     from contacts c
     left join lateral (
       select t.scheduled_start,
              (select string_agg(li.description, ', ' order by li.position, li.created_at) from ticket_line_items li where li.ticket_id = t.id) as services
       from tickets t where t.contact_id = c.id and t.status = 'completed' order by t.scheduled_start desc limit 1
     ) last on true
     where c.id = $1`,
    [message.contact_id],
  )
  const customer = contact.rows[0]
  if (customer) {
    values.customer_name = customer.display_name
    values.customer_first_name = firstNameOf(customer.first_name, customer.display_name)
  }
  const sendDay = localDate(new Date((message.send_at as string | Date | undefined) ?? Date.now()), tz)
  // What the records the message is about give (its visit, invoice, quote or plan), each read by the domain that owns it.
  for (const record of RECORD_VALUES) {
    const id = message[record.column]
    if (id) Object.assign(values, await record.values(tx, String(id), { settings, sendDay }))
  }
  if (message.moved_from) {
    const before = new Date(message.moved_from as string | Date)
    values.previous_appointment_date = longDate(before, tz)
    values.previous_appointment_time = clockTime(before, tz)
  }
  if (message.arrival_at) values.arrival_time = clockTime(new Date(message.arrival_at as string | Date), tz)
  if (customer?.last_start) {
    const lastDate = localDate(customer.last_start, tz)
    values.last_service_date = longDate(customer.last_start, tz, false)
    values.reach_out_months = wholeMonths(lastDate, localDate(new Date(message.send_at as string | Date), tz))
    values.services ??= customer.last_services
  }
  return values
}

/** What every message of the business knows: its name, where replies go and how its invoices are paid. */
export function businessValues(settings: TenantSettings): TemplateValues {
  return {
    business_name: settings.name,
    business_email: settings.reply_to_email,
    // Without a reply-to address a reply goes to the sender, which may be a no-reply address: no email asks for one then.
    reply_invitation: settings.reply_to_email ? 'Reply to this email with a few days and times that suit you.' : null,
    payment_instructions: settings.payment_instructions,
    review_link: settings.review_link,
  }
}

/** Whole calendar months from one date (YYYY-MM-DD) to a later one. */
function wholeMonths(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number)
  const [y2, m2, d2] = to.split('-').map(Number)
  return Math.max(0, (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0))
}
