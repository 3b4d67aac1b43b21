import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { validationError } from '../../kernel/errors.js'
import { listPage, oldestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams, wordPatterns } from '../../kernel/sql.js'
import { variablesIn } from '../../text/templating.js'
import { addDays, dayRange, localDate } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { MESSAGE_COLUMNS, MESSAGE_STATUSES, RENDERED_MESSAGE, TEMPLATE_COLUMNS } from './model.js'
import { messageKind } from './kinds.js'
import { MESSAGE_RECORD, TEMPLATE_RECORD } from './records.js'
import { renderMessage, renderTextMessage, templateOfMessage } from './render.js'
import { isoDate } from '../../kernel/schema-types.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'
import { CONFIRMATION_STATUSES, TICKET_STATUSES } from '../../vocabulary/ticket-states.js'

const date = isoDate()

/** Message templates by id, or listed by kind and status. */
export const templatesQuery = defineQuery({
  type: 'templates',
  description:
    'Message templates. Each: kind, name, subject, body, is_default (the one a message of its kind uses when it names ' +
    'no template), archived_at, variables (the {{variables}} it uses). Filters: kind, status (active|archived|all; default active).',
  entity: 'template',
  phrases: ['email templates', 'message wording', 'default messages'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    kind: messageKind.optional(),
    status: z.enum(['active', 'archived', 'all']).optional(),
  }),
  record: TEMPLATE_RECORD.extend({ variables: z.array(z.string()), audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const { kind, status } = req.params
    const args: unknown[] = [req.id ?? null, kind ?? null, status ?? 'active']
    const page = await listPage(ctx.db, req, oldestFirst(), args, {
      columns: TEMPLATE_COLUMNS,
      from: 'message_templates',
      where: `($1::uuid is null or id = $1)
         and ($2::text is null or kind = $2)
         and ($1::uuid is not null or $3 = 'all' or ($3 = 'active') = (archived_at is null))`,
    })
    for (const item of page.items) item.variables = variablesIn(`${item.subject}\n${item.body}`)
    return page
  },
})

/** Scheduled messages by id, or listed by send date, contact, kind, status, ticket or invoice, soonest first. */
export const scheduledMessagesQuery = defineQuery({
  type: 'scheduled_messages',
  exportColumns: [
    'id',
    'contact_id',
    'kind',
    'template_id',
    'subject',
    'body',
    'send_at',
    'status',
    'ticket_id',
    'invoice_id',
    'quote_id',
    'follow_up_step',
    'moved_from',
    'customer_plan_id',
    'slot_offer_id',
    'channel',
    'arrival_at',
    'attempts',
    'last_error',
    'sent_at',
    'created_at',
    'updated_at',
  ],
  description:
    "Scheduled emails and texts, soonest send_at first. Each: contact_id, kind, channel (email|text), template_id (null: the kind's default), subject and body (custom text), " +
    'send_at, status (pending|sent|cancelled|failed), ticket_id, invoice_id, last_error. Filters: from and to (dates YYYY-MM-DD in the ' +
    "business's time zone, both inclusive, on send_at), contact_id, customer (words of the customer's name or email), kind, " +
    "status, ticket_id, invoice_id. include: contact (id, display_name, email, email_status), template (the one it renders with: its own, else the kind's default; builtin true for the " +
    'built-in text), rendered (subject and body as they would be sent now, a text its words with an empty subject, and the ' +
    'variables still missing).',
  entity: 'scheduled_message',
  include: ['contact', 'template', 'rendered'],
  phrases: ['outbox', 'queued emails', 'upcoming messages', 'reminders'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    from: date.optional().describe('First send date, inclusive'),
    to: date.optional().describe('Last send date, inclusive'),
    contact_id: z.uuid().optional(),
    customer: z.string().trim().min(1).max(200).optional().describe('Words of the customer\'s name or email, e.g. "jane smith"'),
    kind: messageKind.optional(),
    status: z.enum(MESSAGE_STATUSES).optional(),
    ticket_id: z.uuid().optional(),
    invoice_id: z.uuid().optional(),
  }),
  record: MESSAGE_RECORD.extend({
    contact: z
      .object({
        id: z.uuid(),
        display_name: z.string(),
        email: z.string().nullable(),
        email_status: z.enum(['ok', 'bounced', 'complained']),
      })
      .nullable()
      .optional(),
    template: z.object({ id: z.uuid().nullable(), name: z.string(), kind: messageKind, builtin: z.boolean() }).optional(),
    rendered: RENDERED_MESSAGE.optional(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const p = req.params
    if (p.from && p.to && p.to < p.from) throw validationError([{ field: 'to', message: `must not be before from (${p.from})` }])
    const settings = await loadTenantSettings(ctx.db)
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`id = ${params.add(req.id)}`)
    if (p.from) where.push(`send_at >= ${params.add(dayRange(p.from, settings.timezone).start)}`)
    if (p.to) where.push(`send_at < ${params.add(dayRange(p.to, settings.timezone).end)}`)
    if (p.contact_id) where.push(`contact_id = ${params.add(p.contact_id)}`)
    if (p.kind) where.push(`kind = ${params.add(p.kind)}`)
    if (p.status) where.push(`status = ${params.add(p.status)}`)
    if (p.ticket_id) where.push(`ticket_id = ${params.add(p.ticket_id)}`)
    if (p.invoice_id) where.push(`invoice_id = ${params.add(p.invoice_id)}`)
    // Through the function, which finds the customers by index (migrations 0034 and 0060).
    if (p.customer) where.push(`contact_id in (select contact_ids_with_words(${params.add(wordPatterns(p.customer))}))`)
    const page = await listPage(ctx.db, req, { keys: ['send_at', 'id'], types: ['timestamptz', 'uuid'] }, params.values, {
      columns: MESSAGE_COLUMNS,
      from: 'scheduled_messages',
      where,
    })
    if (req.include.has('contact')) {
      const contacts = await byId(
        ctx.db,
        'select id, display_name, email, email_status from contacts where id = any($1::uuid[])',
        page.items.map((m) => m.contact_id),
      )
      for (const item of page.items) item.contact = contacts.get(String(item.contact_id)) ?? null
    }
    if (req.include.has('template')) {
      for (const item of page.items) {
        const t = await templateOfMessage(ctx.db, item)
        item.template = { id: t.id, name: t.name, kind: t.kind, builtin: t.builtin }
      }
    }
    if (req.include.has('rendered')) {
      for (const item of page.items) {
        // A text reads as its kind's words as a text; a kind without them renders as its email would.
        item.rendered =
          (item.channel === 'text' ? await renderTextMessage(ctx.db, item, settings) : null) ??
          (await renderMessage(ctx.db, item, settings))
      }
    }
    return page
  },
})

async function byId(tx: Queryable, sql: string, ids: unknown[]): Promise<Map<string, Record<string, unknown>>> {
  const r = await tx.query(sql, [ids])
  return new Map(r.rows.map((row) => [String(row.id), row]))
}

/** Customers' answers through the links in appointment emails, newest first; open ones still wait for the business. */
export const appointmentResponsesQuery = defineQuery({
  type: 'appointment_responses',
  description:
    'What customers answered through the links in appointment emails, newest first. Each: ticket_id, ticket_number, ' +
    'contact_id, contact_name, answer (confirm|decline|change), answered_at, and the appointment now: scheduled_start, ' +
    "ticket_status, confirmation_status, confirmation_note (the customer's words). Filters: open=true keeps only the latest " +
    'answer of appointments still ahead that the customer declined or asked to change and that were not moved since ' +
    '(reschedule or cancel the ticket to settle one); answer; ticket_id; from and to (dates YYYY-MM-DD on answered_at, business time zone).',
  entity: 'response_link',
  phrases: ['declined appointments', 'reschedule requests', 'customer answers', 'confirmations'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    open: z.enum(['true', 'false']).optional().describe('true: declined or change-requested appointments that still need the business'),
    answer: z.enum(['confirm', 'decline', 'change']).optional(),
    ticket_id: z.uuid().optional(),
    from: date.optional().describe('First answer date, inclusive'),
    to: date.optional().describe('Last answer date, inclusive'),
  }),
  record: z.object({
    id: z.uuid(),
    ticket_id: z.uuid(),
    ticket_number: z.number().int(),
    contact_id: z.uuid(),
    contact_name: z.string(),
    answer: z.enum(['confirm', 'decline', 'change']),
    answered_at: timestamp,
    scheduled_start: timestamp,
    ticket_status: z.enum(TICKET_STATUSES),
    confirmation_status: z.enum(CONFIRMATION_STATUSES),
    confirmation_note: z.string().nullable(),
    audit_trail: auditTrailExpansion,
  }),
  async run(ctx, req) {
    const p = req.params
    if (p.from && p.to && p.to < p.from) throw validationError([{ field: 'to', message: `must not be before from (${p.from})` }])
    const settings = await loadTenantSettings(ctx.db)
    const args: unknown[] = [
      req.id ?? null,
      p.answer ?? null,
      p.ticket_id ?? null,
      p.from ? dayRange(p.from, settings.timezone).start : null,
      p.to ? dayRange(p.to, settings.timezone).end : null,
      p.open === 'true',
    ]
    return listPage(ctx.db, req, { keys: ['l.used_at', 'l.id'], types: ['timestamptz', 'uuid'], descending: true }, args, {
      columns: `l.id, l.ticket_id, t.number as ticket_number, t.contact_id, c.display_name as contact_name, l.purpose as answer,
                l.used_at as answered_at, t.scheduled_start, t.status as ticket_status, t.confirmation_status, t.confirmation_note`,
      from: 'response_links l join tickets t on t.id = l.ticket_id join contacts c on c.id = t.contact_id',
      where: `l.used_at is not null
         and ($1::uuid is null or l.id = $1) and ($2::text is null or l.purpose = $2) and ($3::uuid is null or l.ticket_id = $3)
         and ($4::timestamptz is null or l.used_at >= $4) and ($5::timestamptz is null or l.used_at < $5)
         and (not $6 or (t.status in ('scheduled', 'confirmed') and l.appointment_start = t.scheduled_start
           and t.confirmation_status = case l.purpose when 'decline' then 'declined' when 'change' then 'change_requested' end
           and not exists (select 1 from response_links n where n.ticket_id = l.ticket_id and n.used_at > l.used_at)))`,
    })
  },
})

/** Customers whose email address bounces or complained, or whose emails failed lately: delivery needs the business. */
export const deliveryProblemsQuery = defineQuery({
  type: 'delivery_problems',
  phrases: [
    'emails that bounced',
    'customers we cannot email',
    'bounced emails',
    'failed emails',
    'undeliverable',
    'spam complaints',
    'email problems',
  ],
  description:
    'Customers email cannot reach: their address bounced or they marked an email as spam (email_status bounced|complained), ' +
    'or emails to them failed since a date. Each: id (the contact), display_name, email, email_status, failed_count, ' +
    'last_failed_at (when the latest failed email was sent or due), last_error, last_failed_kind, pending_count (emails still ' +
    'queued to them). Fix the address with ' +
    'contact.update, or cancel what is queued. Filter: since (YYYY-MM-DD, business time zone; default 7 days ago) for failed emails.',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ since: date.optional().describe('Count failed emails from this date on; default 7 days ago') }),
  record: z.object({
    id: z.uuid(),
    display_name: z.string(),
    email: z.string().nullable(),
    email_status: z.enum(['ok', 'bounced', 'complained']),
    failed_count: z.number().int().nullable(),
    last_failed_at: timestamp.nullable(),
    last_error: z.string().nullable(),
    last_failed_kind: messageKind.nullable(),
    pending_count: z.number().int(),
  }),
  async run(ctx, req) {
    const settings = await loadTenantSettings(ctx.db)
    const since = dayRange(req.params.since ?? addDays(localDate(ctx.services.now(), settings.timezone), -7), settings.timezone).start
    const args: unknown[] = [req.id ?? null, since]
    return listPage(ctx.db, req, { keys: ['c.display_name', 'c.id'], types: ['text', 'uuid'] }, args, {
      columns: `c.id, c.display_name, c.email, c.email_status, f.failed_count, f.last_failed_at, f.last_error, f.last_failed_kind,
                (select count(*)::int from scheduled_messages q where q.contact_id = c.id and q.status = 'pending') as pending_count`,
      from: `contacts c
       left join lateral (
         select count(*)::int as failed_count, max(coalesce(m.sent_at, m.send_at)) as last_failed_at,
                (array_agg(m.last_error order by coalesce(m.sent_at, m.send_at) desc))[1] as last_error,
                (array_agg(m.kind order by coalesce(m.sent_at, m.send_at) desc))[1] as last_failed_kind
         from scheduled_messages m where m.contact_id = c.id and m.status = 'failed' and coalesce(m.sent_at, m.send_at) >= $2) f on true`,
      where: `($1::uuid is null or c.id = $1) and (c.email_status <> 'ok' or f.failed_count > 0)`,
    })
  },
})
