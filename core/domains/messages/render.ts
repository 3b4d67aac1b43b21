import type { Queryable } from '../../db/types.js'
import { withStopLine } from './stop-line.js'
import { renderTemplate, variablesIn, type TemplateValues } from '../../text/templating.js'
import { localDate } from '../../vocabulary/time.js'
import { clockTime, dayWords, longDate } from '../../text/date-words.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { firstNameOf } from '../contacts/first-name.js'
import { defaultTemplate } from './default-templates.js'
import { paymentBlock, paymentBlockVariables, withMoneyLine, withPaymentBlock } from './payment-block.js'
import type { MessageKind, MessageTemplate } from './model.js'
import { formatMoney } from '../../vocabulary/money.js'
import { invoiceDueWords } from './invoice-due.js'
import { ticketTotals, type TotalledLine } from '../../vocabulary/ticket-totals.js'
import { type Cycle, planPriceWords } from '../../vocabulary/plan-cycles.js'

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
  if (message.ticket_id) {
    const t = await tx.query<{
      scheduled_start: Date
      scheduled_end: Date
      address: string | null
      services: string | null
      is_price_estimated: boolean
      lines: TotalledLine[]
    }>(
      `select t.scheduled_start, t.scheduled_end, t.is_price_estimated,
              (select concat_ws(', ', a.line1, a.line2, a.city, concat_ws(' ', a.state, a.postal_code)) from addresses a where a.id = t.address_id) as address,
              (select string_agg(li.description, ', ' order by li.position, li.created_at) from ticket_line_items li where li.ticket_id = t.id) as services,
              (select coalesce(jsonb_agg(jsonb_build_object('price_cents', li.price_cents, 'taxable', li.taxable, 'duration_minutes', li.duration_minutes)), '[]')
               from ticket_line_items li where li.ticket_id = t.id) as lines
       from tickets t where t.id = $1`,
      [message.ticket_id],
    )
    const ticket = t.rows[0]
    if (ticket) {
      values.appointment_date = longDate(ticket.scheduled_start, tz)
      values.appointment_time = clockTime(ticket.scheduled_start, tz)
      values.appointment_end_time = clockTime(ticket.scheduled_end, tz)
      values.appointment_address = ticket.address
      values.services = ticket.services
      values.appointment_price = appointmentPrice(ticket.lines, ticket.is_price_estimated, settings)
    }
  }
  if (message.moved_from) {
    const before = new Date(message.moved_from as string | Date)
    values.previous_appointment_date = longDate(before, tz)
    values.previous_appointment_time = clockTime(before, tz)
  }
  if (message.invoice_id) {
    const sendDay = localDate(new Date((message.send_at as string | Date | undefined) ?? Date.now()), tz)
    Object.assign(values, await invoiceValues(tx, String(message.invoice_id), sendDay))
  }
  if (message.quote_id) {
    const q = await tx.query<{ number: string; total_cents: number; currency: string; valid_until: string }>(
      'select number, total_cents, currency, valid_until from quotes where id = $1',
      [message.quote_id],
    )
    const quote = q.rows[0]
    if (quote) {
      values.quote_number = quote.number
      values.quote_total = formatMoney(quote.total_cents, quote.currency)
      values.quote_valid_until = dayWords(quote.valid_until)
    }
  }
  if (message.customer_plan_id) {
    const p = await tx.query<{ name: string; price_cents: number; currency: string; cycle: Cycle; term_cycles: number; renews: boolean }>(
      'select name, price_cents, currency, cycle, term_cycles, renews from customer_plans where id = $1',
      [message.customer_plan_id],
    )
    if (p.rows[0]) {
      values.plan_name = p.rows[0].name
      values.plan_price = planPriceWords(p.rows[0])
    }
  }
  if (customer?.last_start) {
    const lastDate = localDate(customer.last_start, tz)
    values.last_service_date = longDate(customer.last_start, tz, false)
    values.reach_out_months = wholeMonths(lastDate, localDate(new Date(message.send_at as string | Date), tz))
    values.services ??= customer.last_services
  }
  return values
}

/** The word beside a price that is an estimate to be confirmed on site, wherever a customer reads one. */
export const ESTIMATED = 'Estimated'

/**
 * An appointment's price with tax as its email shows it, "$184.03", or "$184.03 (Estimated)" when the ticket was booked
 * with an estimated price; null for a ticket with no priced line.
 */
function appointmentPrice(lines: TotalledLine[], estimated: boolean, settings: TenantSettings): string | null {
  if (!lines.length) return null
  const price = formatMoney(ticketTotals(lines, settings).total_cents, settings.currency)
  return estimated ? `${price} (${ESTIMATED})` : price
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

/**
 * An invoice as its email shows it: number, lines, subtotal, tax, total, amount due, due date, and how late it is on the
 * day the email goes (sendDay, the business's calendar day).
 */
async function invoiceValues(tx: Queryable, invoiceId: string, sendDay: string): Promise<TemplateValues> {
  const i = await tx.query<{
    number: string
    owed: boolean
    subtotal_cents: number
    tax_cents: number
    total_cents: number
    amount_due_cents: number
    currency: string
    due_on: string
    autopay_card: string | null
  }>(
    `select number, subtotal_cents, tax_cents, total_cents, amount_due_cents, currency, due_on::text as due_on,
            amount_due_cents > 0 and status not in ('void', 'paid') as owed,
            (select s.brand || ' ending ' || s.last4 from saved_cards s join contacts c on c.id = s.contact_id
              where s.contact_id = i.contact_id and s.replaced_at is null and (i.autopay or c.autopay_at is not null)
                and i.amount_set_by <> 'agent' and not exists (select 1 from autopay_attempts a where a.invoice_id = i.id
                  and (a.status in ('charging', 'succeeded', 'processing') or a.finished_at >= s.saved_at))) as autopay_card
     from invoices i where id = $1`,
    [invoiceId],
  )
  const invoice = i.rows[0]
  if (!invoice) return {}
  const lines = await tx.query<{ description: string; quantity: number; unit_price_cents: number; price_cents: number }>(
    `select description, quantity, unit_price_cents, price_cents from invoice_line_items where invoice_id = $1
     order by position, id`,
    [invoiceId],
  )
  const money = (cents: number) => formatMoney(cents, invoice.currency)
  return {
    invoice_number: invoice.number,
    invoice_lines: lines.rows
      .map((l) => `${l.description}${l.quantity > 1 ? ` × ${l.quantity} at ${money(l.unit_price_cents)}` : ''}: ${money(l.price_cents)}`)
      .join('\n'),
    invoice_subtotal: money(invoice.subtotal_cents),
    invoice_tax: money(invoice.tax_cents),
    invoice_total: money(invoice.total_cents),
    amount_due: money(invoice.amount_due_cents),
    invoice_due_date: dayWords(invoice.due_on),
    ...invoiceDueWords(invoice.due_on, sendDay, invoice.owed),
    autopay_note:
      invoice.owed && invoice.autopay_card
        ? `It will be charged to your ${invoice.autopay_card.charAt(0).toUpperCase()}${invoice.autopay_card.slice(1)} on ${dayWords(invoice.due_on > sendDay ? invoice.due_on : sendDay)}: nothing to do.`
        : null,
  }
}

/** Whole calendar months from one date (YYYY-MM-DD) to a later one. */
function wholeMonths(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number)
  const [y2, m2, d2] = to.split('-').map(Number)
  return Math.max(0, (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0))
}
