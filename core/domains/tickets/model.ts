import { z } from 'zod'
import { ACTIVE_STATUSES, CONFIRMATION_STATUSES, TICKET_STATUSES } from '../../vocabulary/ticket-states.js'
import { ticketTotals } from '../../vocabulary/ticket-totals.js'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { localDate, localTime, weekdayOf, zonedInstant } from '../../vocabulary/time.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { isoInstant } from '../../kernel/schema-types.js'
import { bindable } from '../../kernel/bindable.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { actualTime } from './time-on-site.js'
import { CUSTOM_VALUES } from '../custom-fields/model.js'

/** A ticket's own columns as the API shows them. */
export const TICKET_COLUMNS = `id, number, contact_id, address_id, scheduled_start, scheduled_end, status, confirmation_status,
  confirmation_note, is_price_estimated, notes, cancel_reason, cancelled_at, closed_at, previous_ticket_id, series_id, series_occurrence, custom_fields, paid_elsewhere, created_at, updated_at`

/** A line item's columns as the API shows them. */
export const LINE_ITEM_COLUMNS = `id, ticket_id, service_id, description, quantity, unit_price_cents, price_cents, duration_minutes, taxable, position`

/** The system a past visit was billed and paid in before the business moved here ('square'), else null: such a visit is never billed here. */
export const PAID_ELSEWHERE = z.string().nullable()

/** The name of the system a visit was paid in, as people write it ('square' -> 'Square'). */
export function paidElsewhereName(source: string): string {
  return source.charAt(0).toUpperCase() + source.slice(1)
}

/** How a visit paid elsewhere is told: "paid in Square on 2026-03-04", the day it closed (its transaction) in the business's zone. */
export function paidElsewhereWords(source: string, closedAt: Date | string, timeZone: string): string {
  return `paid in ${paidElsewhereName(source)} on ${localDate(new Date(closedAt), timeZone)}`
}

/** A line item as the API shows it (LINE_ITEM_COLUMNS). */
export const LINE_ITEM_RECORD = z.object({
  id: z.uuid(),
  ticket_id: z.uuid(),
  service_id: z.uuid().nullable(),
  description: z.string(),
  quantity: z.number().int(),
  unit_price_cents: z.number().int(),
  price_cents: z.number().int(),
  duration_minutes: z.number().int().nullable(),
  taxable: z.boolean(),
  position: z.number().int(),
})

/** A technician on a ticket, with their clock times. */
export const TICKET_TECHNICIAN = z.object({
  user_id: z.uuid(),
  name: z.string(),
  role: z.enum(['owner', 'technician']),
  clock_in_at: timestamp.nullable(),
  clock_out_at: timestamp.nullable(),
})

/** A ticket's money and time (ticketTotals). */
export const TICKET_TOTALS = z.object({
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  total_cents: z.number().int(),
  currency: z.string(),
  duration_minutes: z.number().int(),
})

/** A ticket as every ticket action answers (ticketDetail): its columns, contact name, time on site, line items, technicians, totals. */
export const TICKET_RECORD = z.object({
  id: z.uuid(),
  number: z.number().int(),
  contact_id: z.uuid(),
  address_id: z.uuid().nullable(),
  scheduled_start: timestamp,
  scheduled_end: timestamp,
  status: z.enum(TICKET_STATUSES),
  confirmation_status: z.enum(CONFIRMATION_STATUSES),
  confirmation_note: z.string().nullable(),
  is_price_estimated: z.boolean(),
  notes: z.string().nullable(),
  cancel_reason: z.string().nullable(),
  cancelled_at: timestamp.nullable(),
  closed_at: timestamp.nullable(),
  previous_ticket_id: z.uuid().nullable(),
  series_id: z.uuid().nullable(),
  series_occurrence: calendarDay.nullable(),
  custom_fields: CUSTOM_VALUES,
  paid_elsewhere: PAID_ELSEWHERE,
  created_at: timestamp,
  updated_at: timestamp,
  contact_name: z.string(),
  actual_minutes: z.number().int().nullable(),
  time_on_site: z.string().nullable(),
  line_items: z.array(LINE_ITEM_RECORD),
  technicians: z.array(TICKET_TECHNICIAN),
  totals: TICKET_TOTALS,
})

/** A visit booked by a close or a series: enough to name it and its time. */
export const BOOKED_VISIT = z.object({ id: z.uuid(), number: z.number().int(), scheduled_start: timestamp, scheduled_end: timestamp })

/** A ticket row as stored. */
export interface TicketRow extends Record<string, unknown> {
  id: string
  number: number
  contact_id: string
  address_id: string | null
  scheduled_start: Date
  scheduled_end: Date
  status: 'scheduled' | 'confirmed' | 'in_progress' | 'completed' | 'cancelled' | 'no_show'
  confirmation_status: string
  closed_at: Date | null
}

/** A line item as stored. */
export interface LineItemRow extends Record<string, unknown> {
  id: string
  ticket_id: string
  service_id: string | null
  description: string
  quantity: number
  unit_price_cents: number
  price_cents: number
  duration_minutes: number | null
  taxable: boolean
  position: number
}

/** A time as callers give it: ISO 8601 with an offset, or wall-clock time (no offset) in the business time zone. */
export const instantInput = bindable(isoInstant({ local: true }).meta({ format: 'date-time' }), {
  what: 'a time',
  // A wall-clock time is read in the business's time zone, which may change before the owner answers: keep the instant.
  bind: async (ctx, value) => (WALL_CLOCK.test(String(value)) ? instantOf(String(value), ctx.timezone).toISOString() : value),
})

/** A date and time without an offset: wall-clock time in the business's time zone. */
const WALL_CLOCK = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::(\d\d)(\.\d+)?)?$/

/** The UTC instant of an instantInput value; a value without an offset is read in the given time zone. */
export function instantOf(value: string, timeZone: string): Date {
  const local = value.match(WALL_CLOCK)
  if (!local) return new Date(value)
  const ms = Number(local[3] ?? 0) * 1000 + Math.round(Number(local[4] ?? 0) * 1000)
  return new Date(zonedInstant(local[1], local[2], timeZone).getTime() + ms)
}

/** An instant as people of the business read it, e.g. "Thu 2026-11-05 09:00". */
export function wallClock(instant: Date, timeZone: string): string {
  const date = localDate(instant, timeZone)
  const day = weekdayOf(date)
  return `${day[0].toUpperCase()}${day.slice(1)} ${date} ${localTime(instant, timeZone)}`
}

/** A ticket row, locked for update, or NOT_FOUND. */
export async function lockTicket(tx: Queryable, id: string): Promise<TicketRow> {
  const r = await tx.query<TicketRow>(`select ${TICKET_COLUMNS} from tickets where id = $1 for update`, [id])
  if (!r.rows[0]) throw notFound('ticket', id)
  return r.rows[0]
}

/** A completed ticket never changes; say so before the database refuses. */
export function assertNotClosed(ticket: TicketRow, change: string): void {
  if (ticket.closed_at || ticket.status === 'completed') {
    throw new AppError(
      'IMMUTABLE',
      `Ticket #${ticket.number} was completed${ticket.closed_at ? ` at ${new Date(ticket.closed_at).toISOString()}` : ''} ` +
        `and can no longer change, so it cannot ${change}; book a new ticket for more work`,
      { ticket_id: ticket.id, status: 'completed' },
    )
  }
}

/** Changes to the schedule, technicians and work need a ticket that is still going to happen. */
export function assertActive(ticket: TicketRow, change: string): void {
  assertNotClosed(ticket, change)
  if (!(ACTIVE_STATUSES as readonly string[]).includes(ticket.status)) {
    throw new AppError(
      'CONFLICT',
      `Ticket #${ticket.number} is ${ticket.status.replace('_', '-')}, so it cannot ${change}; ` +
        'book a new ticket with ticket.create instead',
      { ticket_id: ticket.id, status: ticket.status },
    )
  }
}

/** Minutes from the first clock-in to the last clock-out on a ticket (now for anyone still in); null when nobody clocked in. */
export async function clockedMinutes(tx: Queryable, ticketId: string, now: Date): Promise<number | null> {
  const r = await tx.query<{ minutes: string | null }>(
    `select extract(epoch from (max(coalesce(clock_out_at, $2)) - min(clock_in_at))) / 60 as minutes
     from ticket_technicians where ticket_id = $1 and clock_in_at is not null`,
    [ticketId, now],
  )
  const minutes = r.rows[0]?.minutes
  return minutes === null || minutes === undefined ? null : Math.min(1440, Math.max(0, Math.round(Number(minutes))))
}

/** A contact's address the ticket may point at: it must exist, belong to the contact and not be archived. */
export async function checkAddress(tx: Queryable, addressId: string, contactId: string, field: string): Promise<void> {
  const r = await tx.query<{ contact_id: string; archived_at: Date | null }>(
    'select contact_id, archived_at from addresses where id = $1',
    [addressId],
  )
  const address = r.rows[0]
  if (!address) throw new AppError('NOT_FOUND', `${field}: no address with id ${addressId}`, { field, entity: 'address', id: addressId })
  if (address.contact_id !== contactId) {
    throw new AppError('VALIDATION_ERROR', `${field}: address ${addressId} belongs to another contact, not to contact ${contactId}`, {
      issues: [{ field, message: 'belongs to another contact' }],
    })
  }
  if (address.archived_at) {
    throw new AppError('VALIDATION_ERROR', `${field}: address ${addressId} is archived`, { issues: [{ field, message: 'is archived' }] })
  }
}

/** Active team members by id; an id that is not one is NOT_FOUND and a deactivated one is refused, naming the field. */
export async function loadTechnicians(
  tx: Queryable,
  ids: readonly string[],
  field: string,
): Promise<Map<string, { id: string; name: string }>> {
  const seen = new Set<string>()
  ids.forEach((id, i) => {
    if (seen.has(id)) {
      throw new AppError('VALIDATION_ERROR', `${field}.${i}: ${id} is listed twice`, {
        issues: [{ field: `${field}.${i}`, message: 'is listed twice' }],
      })
    }
    seen.add(id)
  })
  if (!ids.length) return new Map()
  const r = await tx.query<{ id: string; name: string; deactivated: boolean }>(
    'select id, name, deactivated_at is not null as deactivated from users where id = any($1::uuid[])',
    [[...ids]],
  )
  const found = new Map(r.rows.map((u) => [u.id, { id: u.id, name: u.name }]))
  const gone = new Set(r.rows.filter((u) => u.deactivated).map((u) => u.id))
  ids.forEach((id, i) => {
    if (!found.has(id))
      throw new AppError('NOT_FOUND', `${field}.${i}: no team member with id ${id}`, { field: `${field}.${i}`, entity: 'user', id })
    if (gone.has(id)) {
      throw new AppError(
        'VALIDATION_ERROR',
        `${field}.${i}: ${found.get(id)!.name || id} was deactivated and can no longer be given work`,
        { issues: [{ field: `${field}.${i}`, message: 'was deactivated and can no longer be given work' }] },
      )
    }
  })
  return found
}

/** A ticket with everything an action returns: its contact's name, line items, technicians and totals. */
export async function ticketDetail(tx: Queryable, id: string, settings: TenantSettings): Promise<Record<string, unknown>> {
  const t = await tx.query(
    `select ${prefixed(TICKET_COLUMNS, 't')}, t.duration_minutes as _actual_minutes, c.display_name as contact_name
    from tickets t join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id where t.id = $1`,
    [id],
  )
  if (!t.rows[0]) throw notFound('ticket', id)
  const lines = await lineItemsOf(tx, [id])
  const techs = await techniciansOf(tx, [id])
  return ticketAnswer(t.rows[0], lines.get(id) ?? [], techs.get(id) ?? [], settings)
}

/** A ticket as answers show it, from its row (TICKET_COLUMNS, _actual_minutes and contact_name), its lines and technicians. */
export function ticketAnswer(
  row: Record<string, unknown>,
  items: LineItemRow[],
  technicians: Array<Record<string, unknown>>,
  settings: TenantSettings,
): Record<string, unknown> {
  const { _actual_minutes: actual, ...rest } = row
  return {
    ...rest,
    ...actualTime(actual as number | null),
    line_items: items,
    technicians,
    totals: ticketTotals(items, settings),
  }
}

/** Line items of the given tickets, in order, grouped by ticket id. */
export async function lineItemsOf(tx: Queryable, ticketIds: string[]): Promise<Map<string, LineItemRow[]>> {
  const out = new Map<string, LineItemRow[]>(ticketIds.map((id) => [id, []]))
  if (!ticketIds.length) return out
  const r = await tx.query<LineItemRow>(
    `select ${LINE_ITEM_COLUMNS} from ticket_line_items where ticket_id = any($1::uuid[])
    order by ticket_id, position, created_at, id`,
    [ticketIds],
  )
  for (const row of r.rows) out.get(row.ticket_id)?.push(row)
  return out
}

/** Technicians of the given tickets with their clock-in and clock-out times, grouped by ticket id. */
export async function techniciansOf(tx: Queryable, ticketIds: string[]): Promise<Map<string, Array<Record<string, unknown>>>> {
  const out = new Map<string, Array<Record<string, unknown>>>(ticketIds.map((id) => [id, []]))
  if (!ticketIds.length) return out
  const r = await tx.query<{ ticket_id: string } & Record<string, unknown>>(
    `select tt.ticket_id, tt.user_id, coalesce(nullif(u.name, ''), u.email) as name, u.role, tt.clock_in_at, tt.clock_out_at
     from ticket_technicians tt join users u on u.tenant_id = tt.tenant_id and u.id = tt.user_id
     where tt.ticket_id = any($1::uuid[]) order by tt.ticket_id, lower(u.name), u.id`,
    [ticketIds],
  )
  for (const { ticket_id, ...row } of r.rows) out.get(ticket_id)?.push(row)
  return out
}

/** What the audit keeps of a ticket: its fields plus its technicians (with clock times) and line items in short form. */
export function auditSnapshot(detail: Record<string, unknown>): Record<string, unknown> {
  const { line_items, technicians, totals, contact_name: _name, time_on_site: _shown, ...fields } = detail as Record<string, any>
  return {
    ...fields,
    technicians: (technicians as Array<Record<string, unknown>>).map((t) => ({
      user_id: t.user_id,
      clock_in_at: t.clock_in_at,
      clock_out_at: t.clock_out_at,
    })),
    line_items: (line_items as LineItemRow[]).map((l) => ({
      id: l.id,
      service_id: l.service_id,
      description: l.description,
      quantity: l.quantity,
      unit_price_cents: l.unit_price_cents,
      duration_minutes: l.duration_minutes,
      taxable: l.taxable,
    })),
    total_cents: totals.total_cents,
  }
}

/** A column list with each column qualified by a table alias. */
export function prefixed(columns: string, alias: string): string {
  return columns
    .split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ')
}

/** Reloads the ticket after a change, records the change in the audit (with `noted` facts beside the fields), and returns the ticket. */
export async function audited(
  ctx: OperationContext,
  ticketId: string,
  action: string,
  before: Record<string, unknown>,
  noted: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const after = await ticketDetail(ctx.db, ticketId, await loadTenantSettings(ctx.db))
  await ctx.audit({
    entityType: 'ticket',
    entityId: ticketId,
    action,
    before: auditSnapshot(before),
    after: { ...auditSnapshot(after), ...noted },
  })
  return after
}

/** The numbers of a customer's booked visits still to start after `now`, earliest first. */
export async function upcomingVisitNumbers(tx: Queryable, contactId: string, now: Date): Promise<number[]> {
  const r = await tx.query<{ number: number }>(
    `select number from tickets where contact_id = $1 and status in ('scheduled', 'confirmed') and scheduled_start > $2
     order by scheduled_start`,
    [contactId, now],
  )
  return r.rows.map((row) => row.number)
}
