import { z } from 'zod'
import { afterCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { timestamp } from '../../kernel/output-types.js'
import { formatMoney } from '../../vocabulary/money.js'
import { visitMomentSql } from '../../vocabulary/upcoming-visits.js'

/** What a line of the timeline is about. */
export const TIMELINE_KINDS = [
  'interaction',
  'visit',
  'invoice',
  'payment',
  'email',
  'note',
  'opportunity',
  'quote',
  'order',
  'document',
] as const

type Row = {
  at: string
  _sort_at: string
  kind: (typeof TIMELINE_KINDS)[number]
  id: string
  a: string | null
  b: string | null
  c: string | null
  d: string | null
  n: number | null
}

/** Everything that happened with one customer, newest first, in one list. */
export const timelineQuery = defineQuery({
  type: 'timeline',
  description:
    "One customer's (contact_id) history, newest first: interactions (calls, emails, texts, meetings, notes " +
    'logged, also those on their opportunities), visits (tickets: at their start, or when completed or cancelled if that came first), invoices, payments, emails the system sent or will send, notes, and ' +
    'opportunities opened and moved (won, lost, other stages), quotes (created, sent, accepted, declined, expired, cancelled), orders (created, ' +
    'booked, fulfilled, invoiced, cancelled) and files (uploaded, new version; also those on their visits, invoices and quotes). Each: at, kind ' +
    `(${TIMELINE_KINDS.join('|')}), id (of that record), title (one line), detail (the text, when there is one), status. ` +
    "Filter kinds (comma-separated) to narrow it. A lead's history: interactions?lead_id= and notes?lead_id=.",
  phrases: ['history', 'activity', 'timeline', 'what happened', 'past contact'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid(),
    kinds: z
      .string()
      .trim()
      .max(100)
      .optional()
      .refine(
        (v) => !v || v.split(',').every((k) => (TIMELINE_KINDS as readonly string[]).includes(k.trim())),
        `expected kinds from ${TIMELINE_KINDS.join(', ')}, comma-separated`,
      ),
  }),
  record: z.object({
    at: timestamp,
    kind: z.enum(TIMELINE_KINDS),
    id: z.uuid(),
    title: z.string(),
    detail: z.string().nullable(),
    status: z.string().nullable(),
  }),
  async run(ctx, req) {
    const p = req.params
    const wanted = new Set(p.kinds ? p.kinds.split(',').map((k) => k.trim()) : TIMELINE_KINDS)
    const args: unknown[] = [p.contact_id, req.limit + 1]
    const before = afterCursor(args, req.cursor, 'and (at, id) <', ['timestamptz', 'uuid'])
    const parts: string[] = []
    const part = (kind: string, sql: string) => {
      if (wanted.has(kind))
        parts.push(`(select * from (${sql}) s (at, kind, id, a, b, c, d, n) where true ${before} order by at desc, id desc limit $2)`)
    }
    part(
      'interaction',
      `select occurred_at as at, 'interaction' as kind, id, kind as a, direction as b, subject as c,
      concat_ws(' — ', summary, outcome) as d, null::bigint as n from interactions
      where (contact_id = $1 or opportunity_id in (select id from opportunities where contact_id = $1)) and archived_at is null`,
    )
    part(
      'note',
      `select created_at as at, 'note', id, null::text, null::text, null::text, content, null::bigint from notes where contact_id = $1`,
    )
    // A visit stands at its start, or when it was closed or cancelled ahead of its day: it is past either way.
    part(
      'visit',
      `select ${visitMomentSql('t')} as at, 'visit', t.id, t.status, null::text, null::text, t.notes, t.number::bigint from tickets t
        where t.contact_id = $1`,
    )
    part(
      'invoice',
      `select created_at as at, 'invoice', id, status, number, currency, issued_on::text, total_cents::bigint from invoices
        where contact_id = $1 and archived_at is null`,
    )
    part(
      'payment',
      `select p.received_at as at, 'payment', p.id, p.method, i.number, i.currency, p.reference, p.amount_cents::bigint
        from payments p join invoices i on i.tenant_id = p.tenant_id and i.id = p.invoice_id where i.contact_id = $1`,
    )
    part(
      'email',
      `select coalesce(sent_at, send_at) as at, 'email', id, status, kind, null::text, subject, null::bigint from scheduled_messages
        where contact_id = $1`,
    )
    // Opened from the record; each stage change (won, lost, reopened) from its audit entry, which keeps the reason given then.
    part(
      'opportunity',
      `select created_at as at, 'opportunity', id, 'opened', null::text, currency, title, amount_cents::bigint from opportunities
        where contact_id = $1 and archived_at is null
      union all select a.created_at, 'opportunity', o.id, a.changes -> 'stage' ->> 'new', a.changes -> 'close_reason' ->> 'new', o.currency, o.title,
        o.amount_cents::bigint
        from opportunities o join audit_log a on a.tenant_id = o.tenant_id and a.entity_type = 'opportunity' and a.entity_id = o.id
        where o.contact_id = $1 and o.archived_at is null and a.action in ('move', 'reopen') and a.changes -> 'stage' is not null`,
    )
    // A quote's and an order's steps are read from the record's own times; an order's booking from its audit entry.
    part(
      'quote',
      `select e.at, 'quote', q.id, e.what, q.number, q.currency, e.detail, q.total_cents::bigint from quotes q
      cross join lateral (values (q.created_at, 'created', null::text), (q.sent_at, 'sent', null),
        (case when q.status in ('accepted', 'declined') then q.answered_at end, q.status, q.customer_note), (q.expired_at, 'expired', null),
        (q.cancelled_at, 'cancelled', q.cancel_reason)) e(at, what, detail)
      where q.contact_id = $1 and e.at is not null`,
    )
    part(
      'order',
      `select e.at, 'order', o.id, e.what, o.number, o.currency, e.detail, o.total_cents::bigint from orders o
      cross join lateral (values (o.created_at, 'created', null::text),
        ((select min(a.created_at) from audit_log a where a.tenant_id = o.tenant_id and a.entity_type = 'order' and a.entity_id = o.id
          and a.action = 'book'), 'booked', null),
        (o.fulfilled_at, 'fulfilled', null), (o.invoiced_at, 'invoiced', null), (o.cancelled_at, 'cancelled', o.cancel_reason)) e(at, what, detail)
      where o.contact_id = $1 and e.at is not null`,
    )
    part(
      'document',
      `select v.created_at as at, 'document', d.id, d.category, d.name, null::text, null::text, v.version::bigint
      from documents d join document_versions v on v.tenant_id = d.tenant_id and v.document_id = d.id
      where d.archived_at is null and (d.contact_id = $1 or d.ticket_id in (select id from tickets where contact_id = $1)
        or d.invoice_id in (select id from invoices where contact_id = $1) or d.quote_id in (select id from quotes where contact_id = $1))`,
    )
    if (!parts.length) return { items: [], next_cursor: null }
    const r = await ctx.db.query<Row>(
      `select at, at::text as _sort_at, kind, id, a, b, c, d, n from (${parts.join(' union all ')}) t
       order by at desc, id desc limit $2`,
      args,
    )
    const page = pageOf(
      r.rows.map((row) => ({ ...lineOf(row), _sort_at: row._sort_at })),
      req.limit,
      (row) => [row._sort_at, row.id],
    )
    return page
  },
})

/** One row of the union as a line a person or an agent reads. */
function lineOf(r: Row) {
  const base = { at: r.at, kind: r.kind, id: r.id }
  switch (r.kind) {
    case 'interaction': {
      const how = r.a === 'meeting' || r.a === 'note' ? cap(r.a) : `${cap(r.a ?? '')} ${r.b === 'inbound' ? 'from them' : 'to them'}`
      return { ...base, title: r.c ? `${how}: ${r.c}` : how, detail: r.d, status: null }
    }
    case 'note':
      return { ...base, title: 'Note', detail: r.d, status: null }
    case 'visit':
      return { ...base, title: `Visit #${r.n} (${(r.a ?? '').replace('_', ' ')})`, detail: r.d, status: r.a }
    case 'invoice':
      return {
        ...base,
        title: `Invoice ${r.b} for ${formatMoney(Number(r.n), r.c ?? 'USD')}${r.d ? `, issued ${r.d}` : ''} (${(r.a ?? '').replace('_', ' ')})`,
        detail: null,
        status: r.a,
      }
    case 'payment':
      return {
        ...base,
        title: `Payment of ${formatMoney(Number(r.n), r.c ?? 'USD')} by ${(r.a ?? '').replace('_', ' ')} on invoice ${r.b}`,
        detail: r.d,
        status: null,
      }
    case 'opportunity': {
      const what = r.a === 'opened' || r.a === 'won' || r.a === 'lost' ? r.a : `moved to ${(r.a ?? '').replace(/_/g, ' ')}`
      return { ...base, title: `Opportunity ${what}: ${r.d} (${formatMoney(Number(r.n), r.c ?? 'USD')})`, detail: r.b, status: r.a }
    }
    case 'quote':
      return { ...base, title: `Quote ${r.b} ${r.a} (${formatMoney(Number(r.n), r.c ?? 'USD')})`, detail: r.d, status: r.a }
    case 'order':
      return { ...base, title: `Order ${r.b} ${r.a} (${formatMoney(Number(r.n), r.c ?? 'USD')})`, detail: r.d, status: r.a }
    case 'document':
      return {
        ...base,
        title: Number(r.n) > 1 ? `File changed to version ${r.n}: ${r.b}` : `File uploaded: ${r.b}`,
        detail: null,
        status: null,
      }
    case 'email':
      return {
        ...base,
        title: `Email ${r.a === 'sent' ? 'sent' : r.a === 'pending' ? 'scheduled' : r.a}: ${r.d ?? (r.b ?? '').replace('_', ' ')}`,
        detail: null,
        status: r.a,
      }
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
