import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { validationError } from '../../kernel/errors.js'
import { afterCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { addDays, dayRange, localDate } from '../../vocabulary/time.js'
import { ADDRESS_POINT_OMITTED, ADDRESS_RECORD } from '../addresses/model.js'
import { loadTenantSettings, SETTINGS_READ } from '../settings/model.js'
import { LINE_ITEM_RECORD, lineItemsOf, PAID_ELSEWHERE, techniciansOf, TICKET_TECHNICIAN, TICKET_TOTALS } from './model.js'
import { idList, isoDate } from '../../kernel/schema-types.js'
import { actualTime } from './time-on-site.js'
import { CUSTOM_VALUES } from '../custom-fields/model.js'
import { customFilterCondition, customFilterParams } from '../custom-fields/values.js'
import { auditTrailExpansion, calendarDay, timestamp } from '../../kernel/output-types.js'
import { ACTIVE_STATUSES, CONFIRMATION_STATUSES, TICKET_STATUSES } from '../../vocabulary/ticket-states.js'
import { INVOICE_STATUSES } from '../../vocabulary/invoice-states.js'
import { upcomingVisitSql } from '../../vocabulary/upcoming-visits.js'
import { ticketTotals } from '../../vocabulary/ticket-totals.js'

const day = isoDate()

/** Appointments by id, or listed by day, date range, technician, status and contact. */
export const ticketsQuery = defineQuery({
  type: 'tickets',
  phrases: [
    'list the appointments',
    'what is booked next week',
    'the schedule of visits',
    'appointments',
    'jobs',
    'schedule',
    'calendar',
    'agenda',
    'today',
  ],
  exportColumns: [
    'id',
    'number',
    'contact_id',
    'contact_name',
    'address_id',
    'scheduled_start',
    'scheduled_end',
    'status',
    'confirmation_status',
    'confirmation_note',
    'is_price_estimated',
    'series_id',
    'paid_elsewhere',
    'closed_at',
    'actual_minutes',
    'totals',
    'time_on_site',
  ],
  description:
    'Tickets (appointments), sorted by start time. Each: id, number, contact_id, contact_name, address_id, scheduled_start, ' +
    "scheduled_end (UTC), status, confirmation_status (pending|accepted|declined|change_requested) with the customer's confirmation_note, is_price_estimated, series_id (the recurring series it was booked by, else null), custom_fields ({key: value}), totals {subtotal_cents, tax_cents, total_cents, currency, " +
    'duration_minutes (booked work)}, paid_elsewhere (a past visit imported from the system the business moved from, billed and paid there, e.g. "square": never invoiced here; else null), closed_at, actual_minutes and time_on_site (e.g. "3h22m": the time actually spent on site, recorded at close; null before). Filters: today=true, date (YYYY-MM-DD), or from/to (dates, inclusive), all days in the business time zone ' +
    '(a ticket matches when it overlaps the days); technician_id; status (scheduled|confirmed|in_progress|completed|cancelled|no_show, ' +
    'or active = the first three); when (upcoming = booked and not over yet; past = the rest: completed, cancelled and no-show whatever ' +
    'their time, and those over); contact_id, or contact_ids (up to 100, comma-separated); per_contact (with contact_id or contact_ids): next = only each ' +
    "customer's next upcoming ticket, last = only each customer's latest (with status=completed: the last visit); unassigned=true (no technician yet); custom_field with custom_value (the business's own fields: custom_fields); unanswered=true (appointments still ahead, " +
    'not confirmed, whose confirmation email went out for their current time and the customer has not answered yet); newest_first=true sorts the latest start first. include: line_items, technicians (with clock times), contact, address, invoice, ' +
    "notes (notes: the ticket's own text; note_entries: notes attached to it, newest first), audit_trail (reschedules and every other change).",
  entity: 'ticket',
  include: ['line_items', 'technicians', 'contact', 'address', 'invoice', 'notes'],
  access: {
    agent: 'unrestricted',
    technician: 'assigned',
    assignedFilter: 'technician_id',
    technicianIncludes: ['line_items', 'technicians', 'contact', 'address', 'notes'],
  },
  params: z.object({
    today: z.enum(['true', 'false']).optional().describe('true: tickets of today in the business time zone'),
    date: day.optional().describe('One day, YYYY-MM-DD, in the business time zone'),
    from: day.optional().describe('First day (inclusive), YYYY-MM-DD'),
    to: day.optional().describe('Last day (inclusive), YYYY-MM-DD'),
    technician_id: z.uuid().optional(),
    status: z.enum(['active', 'scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show']).optional(),
    when: z
      .enum(['upcoming', 'past'])
      .optional()
      .describe('upcoming: booked and not over yet; past: completed, cancelled or no-show (whatever their time), or over'),
    contact_id: z.uuid().optional(),
    contact_ids: idList('contact').optional().describe('the tickets of several customers in one read'),
    per_contact: z
      .enum(['next', 'last'])
      .optional()
      .describe(
        "next: each customer's next upcoming ticket (as when=upcoming); last: each customer's latest. Needs contact_id or contact_ids",
      ),
    unassigned: z.enum(['true', 'false']).optional().describe('true: tickets no technician is assigned to'),
    unanswered: z.enum(['true', 'false']).optional().describe('true: upcoming tickets whose confirmation email is not answered yet'),
    newest_first: z.enum(['true', 'false']).optional().describe('true: the latest start first'),
    ...customFilterParams,
  }),
  record: z.object({
    id: z.uuid(),
    number: z.number().int(),
    contact_id: z.uuid(),
    contact_name: z.string(),
    address_id: z.uuid().nullable(),
    scheduled_start: timestamp,
    scheduled_end: timestamp,
    status: z.enum(TICKET_STATUSES),
    confirmation_status: z.enum(CONFIRMATION_STATUSES),
    confirmation_note: z.string().nullable(),
    is_price_estimated: z.boolean(),
    series_id: z.uuid().nullable(),
    custom_fields: CUSTOM_VALUES,
    paid_elsewhere: PAID_ELSEWHERE,
    closed_at: timestamp.nullable(),
    actual_minutes: z.number().int().nullable(),
    time_on_site: z.string().nullable(),
    totals: TICKET_TOTALS,
    line_items: z.array(LINE_ITEM_RECORD).optional(),
    technicians: z.array(TICKET_TECHNICIAN).optional(),
    contact: z
      .object({ id: z.uuid(), display_name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), status: z.string() })
      .nullable()
      .optional(),
    address: ADDRESS_RECORD.omit({ ...ADDRESS_POINT_OMITTED, contact_id: true, archived_at: true, created_at: true, updated_at: true })
      .nullable()
      .optional(),
    invoice: z
      .object({
        id: z.uuid(),
        number: z.string(),
        status: z.enum(INVOICE_STATUSES),
        currency: z.string(),
        total_cents: z.number().int(),
        amount_paid_cents: z.number().int(),
        amount_due_cents: z.number().int(),
        issued_on: calendarDay,
        due_on: calendarDay,
      })
      .nullable()
      .optional(),
    notes: z.string().nullable().optional(),
    note_entries: z
      .array(
        z.object({
          id: z.uuid(),
          content: z.string(),
          author_type: z.enum(['user', 'agent', 'system']),
          author_id: z.uuid().nullable(),
          created_at: timestamp,
        }),
      )
      .optional(),
    audit_trail: auditTrailExpansion,
  }),
  // Every read of tickets needs the business's time zone: its settings travel with BEGIN.
  readAhead: async () => [SETTINGS_READ],
  async run(ctx, req) {
    const p = req.params
    const settings = await loadTenantSettings(ctx.db)
    const tz = settings.timezone
    const ways = [p.today === 'true' && 'today', p.date && 'date', (p.from || p.to) && 'from/to'].filter(Boolean)
    if (ways.length > 1)
      throw validationError([{ field: 'date', message: `give only one of today, date, or from/to (got ${ways.join(' and ')})` }])
    if (p.from && p.to && p.to < p.from) throw validationError([{ field: 'to', message: `${p.to} is before from ${p.from}` }])
    if (p.per_contact && !p.contact_id && !p.contact_ids) {
      throw validationError([{ field: 'per_contact', message: 'needs contact_id or contact_ids (up to 100 customers)' }])
    }
    const first = p.today === 'true' ? localDate(ctx.services.now(), tz) : (p.date ?? p.from)
    const last = p.today === 'true' ? first : (p.date ?? p.to)
    const rangeStart = first ? dayRange(first, tz).start : null
    const rangeEnd = last ? dayRange(addDays(last, 1), tz).start : null
    const statuses = p.status === 'active' ? [...ACTIVE_STATUSES] : p.status ? [p.status] : null
    const args: unknown[] = [
      req.id ?? null,
      rangeStart,
      rangeEnd,
      p.technician_id ?? null,
      statuses,
      p.contact_id ?? null,
      p.unassigned === 'true',
      p.unanswered === 'true' ? ctx.services.now() : null,
      p.contact_ids ?? null,
      p.per_contact === 'next' ? ctx.services.now() : null,
      p.when ?? null,
      ctx.services.now(),
    ]
    const custom = await customFilterCondition(ctx.db, 'ticket', 't', p, (value) => `$${args.push(value)}`)
    const newest = p.newest_first === 'true'
    const after = afterCursor(args, req.cursor, `and (t.scheduled_start, t.id) ${newest ? '<' : '>'}`, ['timestamptz', 'uuid'])
    args.push(req.limit + 1)
    // per_contact keeps one ticket a customer (distinct on), then pages and sorts those like any list.
    const perContact = p.per_contact ? `distinct on (t.contact_id)` : ''
    const matching = `select ${perContact} t.id, t.number, t.contact_id, c.display_name as contact_name, t.address_id, t.scheduled_start, t.scheduled_end,
              t.status, t.confirmation_status, t.confirmation_note, t.is_price_estimated, t.series_id, t.custom_fields, t.paid_elsewhere, t.closed_at, t.duration_minutes as actual_minutes,
              t.scheduled_start::text as _sort_at${req.include.has('notes') ? ', t.notes' : ''}
       from tickets t join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
       where ($1::uuid is null or t.id = $1)
         and ($2::timestamptz is null or t.scheduled_end > $2)
         and ($3::timestamptz is null or t.scheduled_start < $3)
         and ($4::uuid is null or exists (select 1 from ticket_technicians tt where tt.ticket_id = t.id and tt.user_id = $4))
         and ($5::text[] is null or t.status = any($5))
         and ($6::uuid is null or t.contact_id = $6)
         and (not $7::boolean or not exists (select 1 from ticket_technicians tt where tt.ticket_id = t.id))
         and ($8::timestamptz is null or (t.status = 'scheduled' and t.confirmation_status = 'pending' and t.scheduled_start > $8
           and exists (select 1 from response_links l where l.ticket_id = t.id and l.appointment_start = t.scheduled_start)))
         and ($9::uuid[] is null or t.contact_id = any($9))
         and ($10::timestamptz is null or ${upcomingVisitSql('t', '$10')})
         and ($11::text is null or ($11 = 'upcoming') = ${upcomingVisitSql('t', '$12::timestamptz')})
         ${custom ? `and ${custom}` : ''}`
    const order = `order by t.scheduled_start ${newest ? 'desc' : 'asc'}, t.id ${newest ? 'desc' : 'asc'} limit $${args.length}`
    const pick = p.per_contact === 'last' ? 'desc' : 'asc'
    const r = await ctx.db.query(
      p.per_contact
        ? `select * from (${matching} order by t.contact_id, t.scheduled_start ${pick}, t.id ${pick}) t where true ${after} ${order}`
        : `${matching} ${after} ${order}`,
      args,
    )
    const page = pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
    const ids = page.items.map((t) => String(t.id))
    const lines = await lineItemsOf(ctx.db, ids)
    const expansions = await expand(ctx.db, ids, req.include)
    for (const item of page.items) {
      const id = String(item.id)
      item.totals = ticketTotals(lines.get(id) ?? [], settings)
      Object.assign(item, actualTime(item.actual_minutes as number | null))
      if (req.include.has('line_items')) item.line_items = lines.get(id) ?? []
      for (const [name, byId] of expansions)
        item[name] = byId.get(id) ?? (name === 'contact' || name === 'address' || name === 'invoice' ? null : [])
    }
    return page
  },
})

/** The include= expansions other than line items and notes text, each keyed by ticket id. */
async function expand(tx: Queryable, ids: string[], include: ReadonlySet<string>): Promise<Map<string, Map<string, unknown>>> {
  const out = new Map<string, Map<string, unknown>>()
  if (!ids.length) return out
  const one = async (name: string, sql: string) => {
    const r = await tx.query<{ _ticket_id: string } & Record<string, unknown>>(sql, [ids])
    const byId = new Map<string, unknown>()
    for (const { _ticket_id, ...row } of r.rows) byId.set(_ticket_id, row)
    out.set(name, byId)
  }
  if (include.has('technicians')) out.set('technicians', await techniciansOf(tx, ids))
  if (include.has('contact')) {
    await one(
      'contact',
      `select t.id as _ticket_id, c.id, c.display_name, c.email, c.phone, c.status
      from tickets t join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id where t.id = any($1::uuid[])`,
    )
  }
  if (include.has('address')) {
    await one(
      'address',
      `select t.id as _ticket_id, a.id, a.label, a.line1, a.line2, a.city, a.state, a.postal_code, a.country, a.access_notes
      from tickets t join addresses a on a.tenant_id = t.tenant_id and a.id = t.address_id where t.id = any($1::uuid[])`,
    )
  }
  if (include.has('invoice')) {
    // The live invoice; a void one only when there is no other (a ticket may be invoiced again after voiding).
    await one(
      'invoice',
      `select distinct on (i.ticket_id) i.ticket_id as _ticket_id, i.id, i.number, i.status, i.currency, i.total_cents,
        i.amount_paid_cents, i.amount_due_cents, i.issued_on, i.due_on
      from invoices i where i.ticket_id = any($1::uuid[]) order by i.ticket_id, i.status = 'void', i.created_at desc, i.id`,
    )
  }
  if (include.has('notes')) {
    const r = await tx.query<{ ticket_id: string } & Record<string, unknown>>(
      `select ticket_id, id, content, author_type, author_id, created_at from notes where ticket_id = any($1::uuid[])
       order by created_at desc, id`,
      [ids],
    )
    const byId = new Map<string, unknown[]>()
    for (const { ticket_id, ...row } of r.rows) byId.set(ticket_id, [...(byId.get(ticket_id) ?? []), row])
    out.set('note_entries', byId)
  }
  return out
}
