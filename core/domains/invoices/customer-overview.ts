import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { pageOf, afterCursor } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { idList } from '../../kernel/schema-types.js'
import { localDate } from '../../vocabulary/time.js'
import { wallClock } from '../tickets/model.js'
import { actualTime } from '../tickets/time-on-site.js'
import { lastVisitJoin, nextVisitJoin } from '../tickets/contact-visits.js'
import { ACTIVE_STATUSES } from '../../vocabulary/ticket-states.js'
import { OWED_SQL } from '../../vocabulary/invoice-states.js'
import { ticketTotals } from '../../vocabulary/ticket-totals.js'

/** Characters of the visit's close note shown at most, cut at a sentence or word end; the rest stays behind type=notes. */
const MAX_NOTE = 160
/** Facts confirmed on the visit shown, each in full; a close-out confirms a handful, the bound only keeps an answer small. */
const MAX_FACTS = 20
/** Open invoices shown, the oldest due first; the balance counts them all. */
const MAX_OPEN_INVOICES = 5

/** A customer's latest completed visit, as an agent plans the next one with it. */
export const LAST_VISIT_RECORD = z.object({
  ticket_id: z.uuid(),
  number: z.number().int(),
  date: calendarDay.describe('In the business time zone'),
  services: z.string().describe('The line items, comma-separated'),
  actual_minutes: z.number().int().nullable().describe('Time actually spent on site, recorded at close; null when none was'),
  time_on_site: z.string().nullable(),
  booked_minutes: z.number().int(),
  total_cents: z.number().int(),
  currency: z.string(),
  note: z
    .string()
    .nullable()
    .describe(`The close note; a longer one is summarized to about ${MAX_NOTE} characters, cut at a sentence or word end and marked …`),
  facts: z.array(z.string()).describe('The facts confirmed at its close-out, each in full, e.g. "equipment: extension ladder"'),
})

/** A customer's latest completed visit (see LAST_VISIT_RECORD). */
export type LastVisit = z.infer<typeof LAST_VISIT_RECORD>

/** The customer's next booked visit that is not over yet. */
const NEXT_TICKET_RECORD = z.object({
  ticket_id: z.uuid(),
  number: z.number().int(),
  scheduled_start: timestamp,
  starts: z.string().describe('Weekday, date and time in the business time zone, e.g. "Tue 2026-11-24 09:00"'),
  status: z.enum(ACTIVE_STATUSES),
})

type Row = {
  contact_id: string
  _pos: number
  timezone: string
  default_tax_rate_bp: number
  currency: string
  last_id: string | null
  last_number: number | null
  last_start: Date | null
  last_end: Date | null
  last_minutes: number | null
  last_lines: Array<{ description: string; price_cents: number; taxable: boolean; duration_minutes: number | null }> | null
  last_note: string | null
  last_facts: Array<{ key: string; value: unknown }> | null
  next_id: string | null
  next_number: number | null
  next_start: Date | null
  next_status: (typeof ACTIVE_STATUSES)[number] | null
  open_balance_cents: string | number
  open_invoices: Array<{ id: string; number: string; amount_paid_cents: number; amount_due_cents: number; due_on: string }> | null
}

/** What matters about a customer before the next step: their last visit, their next one, what they owe; in one read for up to 100. */
export const customerOverviewQuery = defineQuery({
  type: 'customer_overview',
  phrases: [
    'what we know about a customer',
    'balance and last visit of a customer',
    'customer summary',
    'last visit',
    'next visit',
    'balance',
    'owes',
    'open invoices',
    'customer status',
  ],
  description:
    'What matters about each customer before the next step, one item per contact of contact_ids (required: up to 100, ' +
    'comma-separated), in the order given: last_visit (the latest completed ticket: ticket_id, number, date, ' +
    `services, actual_minutes, time_on_site, booked_minutes, total_cents, currency, note (the close note, summarized at a sentence or word end), ` +
    'facts (those confirmed at its close-out, in full)) or null, next_ticket (the next booked visit not over yet: ticket_id, number, scheduled_start, starts in the business ' +
    'time zone, status) or null, open_balance_cents (still due on sent, partially paid and overdue invoices, archived ones apart), ' +
    `open_invoices (those invoices, up to ${MAX_OPEN_INVOICES}, the oldest due first: id, number, due_on, amount_paid_cents, amount_due_cents) and currency.`,
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_ids: idList('contact').describe('The customers, e.g. the hits of a search'),
  }),
  record: z.object({
    contact_id: z.uuid(),
    last_visit: LAST_VISIT_RECORD.nullable(),
    next_ticket: NEXT_TICKET_RECORD.nullable(),
    open_balance_cents: z.number().int(),
    open_invoices: z
      .array(
        z.object({
          id: z.uuid(),
          number: z.string(),
          due_on: calendarDay,
          amount_paid_cents: z.number().int(),
          amount_due_cents: z.number().int(),
        }),
      )
      .describe(`Up to ${MAX_OPEN_INVOICES} invoices still due, the oldest due first`),
    currency: z.string(),
  }),
  async run(ctx, req) {
    if (req.id !== undefined) {
      throw new AppError('NOT_FOUND', `customer_overview has no records of its own: read one customer with contact_ids=${req.id}`, {
        type: 'customer_overview',
        id: req.id,
        field: 'id',
      })
    }
    const args: unknown[] = [req.params.contact_ids, ctx.services.now(), MAX_FACTS, MAX_OPEN_INVOICES]
    const after = afterCursor(args, req.cursor, 'and u.pos >', ['int'])
    args.push(req.limit + 1)
    // One statement whatever the number of customers: each part is a lateral read of one customer's rows by index.
    const r = await ctx.db.query<Row>(
      `with b as (select timezone, default_tax_rate_bp, currency from tenants where id = app_tenant())
       select c.id as contact_id, u.pos::int as _pos, b.timezone, b.default_tax_rate_bp, b.currency,
              l.id as last_id, l.number as last_number, l.scheduled_start as last_start, l.scheduled_end as last_end, l.duration_minutes as last_minutes,
              (select json_agg(json_build_object('description', li.description, 'price_cents', li.price_cents, 'taxable', li.taxable,
                        'duration_minutes', li.duration_minutes) order by li.position, li.created_at, li.id)
                 from ticket_line_items li where li.ticket_id = l.id) as last_lines,
              (select n.content from notes n where n.ticket_id = l.id order by n.created_at desc, n.id limit 1) as last_note,
              (select json_agg(json_build_object('key', f.key, 'value', f.value) order by f.key, f.id)
                 from (select a.key, a.value, a.id from attributes a where a.contact_id = c.id and a.source_ticket_id = l.id
                        order by a.key, a.id limit $3) f) as last_facts,
              x.id as next_id, x.number as next_number, x.scheduled_start as next_start, x.status as next_status,
              (select coalesce(sum(i.amount_due_cents), 0) from invoices i where i.contact_id = c.id and ${OWED_SQL}) as open_balance_cents,
              (select json_agg(json_build_object('id', o.id, 'number', o.number, 'due_on', o.due_on,
                        'amount_paid_cents', o.amount_paid_cents, 'amount_due_cents', o.amount_due_cents) order by o.due_on, o.number)
                 from (select i.id, i.number, i.due_on, i.amount_paid_cents, i.amount_due_cents from invoices i where i.contact_id = c.id and ${OWED_SQL}
                        order by i.due_on, i.number limit $4) o) as open_invoices
       from unnest($1::uuid[]) with ordinality as u(id, pos)
       join contacts c on c.id = u.id
       cross join b
       ${lastVisitJoin('l')}
       ${nextVisitJoin('$2', 'x')}
       where true ${after}
       order by u.pos limit $${args.length}`,
      args,
    )
    const page = pageOf(r.rows, req.limit, (row) => [row._pos])
    return { ...page, items: (page.items as Row[]).map(overviewOf) }
  },
})

/** One customer's item from its row. */
function overviewOf(row: Row) {
  const tz = row.timezone
  return {
    contact_id: row.contact_id,
    last_visit: row.last_id ? lastVisitOf(row) : null,
    next_ticket: row.next_id
      ? {
          ticket_id: row.next_id,
          number: Number(row.next_number),
          scheduled_start: row.next_start,
          starts: wallClock(row.next_start as Date, tz),
          status: row.next_status,
        }
      : null,
    open_balance_cents: Number(row.open_balance_cents),
    open_invoices: (row.open_invoices ?? []).map((i) => ({
      id: i.id,
      number: i.number,
      due_on: i.due_on,
      amount_paid_cents: Number(i.amount_paid_cents),
      amount_due_cents: Number(i.amount_due_cents),
    })),
    currency: row.currency,
  }
}

function lastVisitOf(row: Row): LastVisit {
  const lines = row.last_lines ?? []
  const totals = ticketTotals(lines, row)
  const start = row.last_start as Date
  return {
    ticket_id: row.last_id as string,
    number: Number(row.last_number),
    date: localDate(start, row.timezone),
    services: lines.map((l) => l.description).join(', '),
    ...actualTime(row.last_minutes),
    booked_minutes: Math.round(((row.last_end as Date).getTime() - start.getTime()) / 60_000),
    total_cents: totals.total_cents,
    currency: totals.currency,
    note: row.last_note ? summarizeNote(row.last_note) : null,
    facts: (row.last_facts ?? []).map((a) => `${a.key.replace(/_/g, ' ')}: ${valueText(a.value)}`),
  }
}

function valueText(v: unknown): string {
  return Array.isArray(v) ? v.join('/') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)
}

/** A note of at most MAX_NOTE characters: whole when it fits, else up to its last full sentence, else its last whole word. */
export function summarizeNote(text: string, max = MAX_NOTE): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const room = flat.slice(0, max)
  // A sentence end counts when it keeps at least half of the room; a note's first words alone say little.
  const sentence = Math.max(...['. ', '! ', '? ', '; '].map((end) => room.lastIndexOf(end)))
  if (sentence >= max / 2) return `${room.slice(0, sentence + 1).replace(/;$/, '')} …`
  const word = room.slice(0, max - 1).lastIndexOf(' ')
  return word > 0 ? `${room.slice(0, word).replace(/[,;:]$/, '')}…` : `${room.slice(0, max - 1)}…`
}
