import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { validationError } from '../../errors.js'
import { decodeCursor, pageOf } from '../../pagination.js'
import { defineQuery } from '../../registry.js'
import { variablesIn } from '../../templating.js'
import { dayRange } from '../../time.js'
import { loadTenantSettings } from '../settings/model.js'
import { MESSAGE_COLUMNS, MESSAGE_KINDS, MESSAGE_STATUSES, TEMPLATE_COLUMNS } from './model.js'
import { renderMessage, templateOfMessage } from './render.js'

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')

/** Message templates by id, or listed by kind and status. */
export const templatesQuery = defineQuery({
  type: 'templates',
  description: 'Message templates. Each: kind, name, subject, body, is_default (the one a message of its kind uses when it names '
    + 'no template), archived_at, variables (the {{variables}} it uses). Filters: kind, status (active|archived|all; default active).',
  entity: 'template',
  keywords: ['email templates', 'message wording', 'default messages'],
  params: z.object({
    kind: z.enum(MESSAGE_KINDS).optional(),
    status: z.enum(['active', 'archived', 'all']).optional(),
  }),
  async run(ctx, req) {
    const { kind, status } = req.params
    const args: unknown[] = [req.id ?? null, kind ?? null, status ?? 'active']
    let after = ''
    if (req.cursor) {
      const [createdAt, id] = decodeCursor(req.cursor, 2)
      args.push(createdAt, id)
      after = 'and (created_at, id) > ($4::timestamptz, $5::uuid)'
    }
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select ${TEMPLATE_COLUMNS}, created_at::text as _sort_at from message_templates
       where ($1::uuid is null or id = $1)
         and ($2::text is null or kind = $2)
         and ($1::uuid is not null or $3 = 'all' or ($3 = 'active') = (archived_at is null))
         ${after}
       order by created_at, id limit $${args.length}`, args)
    const page = pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
    for (const item of page.items) item.variables = variablesIn(`${item.subject}\n${item.body}`)
    return page
  },
})

/** Scheduled messages by id, or listed by send date, contact, kind, status, ticket or invoice, soonest first. */
export const scheduledMessagesQuery = defineQuery({
  type: 'scheduled_messages',
  description: 'Scheduled emails, soonest send_at first. Each: contact_id, kind, template_id (null: the kind\'s default), subject and body (custom text), '
    + 'send_at, status (pending|sent|cancelled|failed), ticket_id, invoice_id. Filters: from and to (dates YYYY-MM-DD in the '
    + 'business\'s time zone, both inclusive, on send_at), contact_id, kind, status, ticket_id, invoice_id. include: contact '
    + '(id, display_name, email), template (the one it renders with: its own, else the kind\'s default; builtin true for the '
    + 'built-in text), rendered (subject and body as they would be sent now, and the '
    + 'variables still missing).',
  entity: 'scheduled_message',
  include: ['contact', 'template', 'rendered'],
  keywords: ['outbox', 'queued emails', 'upcoming messages', 'reminders'],
  params: z.object({
    from: date.optional().describe('First send date, inclusive'),
    to: date.optional().describe('Last send date, inclusive'),
    contact_id: z.uuid().optional(),
    kind: z.enum(MESSAGE_KINDS).optional(),
    status: z.enum(MESSAGE_STATUSES).optional(),
    ticket_id: z.uuid().optional(),
    invoice_id: z.uuid().optional(),
  }),
  async run(ctx, req) {
    const p = req.params
    if (p.from && p.to && p.to < p.from) throw validationError([{ field: 'to', message: `must not be before from (${p.from})` }])
    const settings = await loadTenantSettings(ctx.db)
    const args: unknown[] = [req.id ?? null, p.from ? dayRange(p.from, settings.timezone).start : null,
      p.to ? dayRange(p.to, settings.timezone).end : null, p.contact_id ?? null, p.kind ?? null, p.status ?? null,
      p.ticket_id ?? null, p.invoice_id ?? null]
    let after = ''
    if (req.cursor) {
      const [sendAt, id] = decodeCursor(req.cursor, 2)
      args.push(sendAt, id)
      after = 'and (send_at, id) > ($9::timestamptz, $10::uuid)'
    }
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select ${MESSAGE_COLUMNS}, send_at::text as _sort_at from scheduled_messages
       where ($1::uuid is null or id = $1)
         and ($2::timestamptz is null or send_at >= $2) and ($3::timestamptz is null or send_at < $3)
         and ($4::uuid is null or contact_id = $4) and ($5::text is null or kind = $5) and ($6::text is null or status = $6)
         and ($7::uuid is null or ticket_id = $7) and ($8::uuid is null or invoice_id = $8)
         ${after}
       order by send_at, id limit $${args.length}`, args)
    const page = pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
    if (req.include.has('contact')) {
      const contacts = await byId(ctx.db, 'select id, display_name, email from contacts where id = any($1::uuid[])', page.items.map((m) => m.contact_id))
      for (const item of page.items) item.contact = contacts.get(String(item.contact_id)) ?? null
    }
    if (req.include.has('template')) {
      for (const item of page.items) {
        const t = await templateOfMessage(ctx.db, item)
        item.template = { id: t.id, name: t.name, kind: t.kind, builtin: t.builtin }
      }
    }
    if (req.include.has('rendered')) {
      for (const item of page.items) item.rendered = await renderMessage(ctx.db, item, settings)
    }
    return page
  },
})

async function byId(tx: Queryable, sql: string, ids: unknown[]): Promise<Map<string, Record<string, unknown>>> {
  const r = await tx.query(sql, [ids])
  return new Map(r.rows.map((row) => [String(row.id), row]))
}
