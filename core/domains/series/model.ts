import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { lineItemInput } from '../tickets/pricing.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { ACTIVE_STATUSES, CONFIRMATION_STATUSES, TICKET_STATUSES } from '../../vocabulary/ticket-states.js'

/** How many days ahead a series' visits exist as tickets. */
export const SERIES_HORIZON_DAYS = 60

/** The work of each visit, as ticket.create takes it. */
export const seriesLineItems = z.array(lineItemInput).max(50)

/** A series as every series action answers (seriesView): its columns and its next visits. */
export const SERIES_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  address_id: z.uuid().nullable(),
  rule: z.string(),
  start_date: calendarDay,
  start_time: z.string(),
  time_zone: z.string(),
  duration_minutes: z.number().int(),
  technician_ids: z.array(z.uuid()),
  line_items: z.array(
    z.object({
      service_id: z.uuid().optional(),
      description: z.string().optional(),
      quantity: z.number().int().optional(),
      unit_price_cents: z.number().int().optional(),
      duration_minutes: z.number().int().optional(),
      taxable: z.boolean().optional(),
    }),
  ),
  is_price_estimated: z.boolean(),
  notes: z.string().nullable(),
  status: z.enum(['active', 'paused', 'ended']),
  paused_until: calendarDay.nullable(),
  ends_on: calendarDay.nullable(),
  skipped_dates: z.array(calendarDay),
  generated_through: calendarDay.nullable(),
  previous_series_id: z.uuid().nullable(),
  ended_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  next_visits: z.array(
    z.object({
      id: z.uuid(),
      number: z.number().int(),
      scheduled_start: timestamp,
      scheduled_end: timestamp,
      status: z.enum(TICKET_STATUSES),
      confirmation_status: z.enum(CONFIRMATION_STATUSES),
      series_occurrence: calendarDay,
    }),
  ),
})

/** The visits a series booked, and those booked without a technician who was busy then. */
export const SERIES_GENERATED = {
  booked: z.array(z.object({ ticket_id: z.uuid(), number: z.number().int(), occurrence: calendarDay })),
  unassigned: z.array(z.object({ ticket_id: z.uuid(), occurrence: calendarDay, reason: z.string() })),
}

/** A series row as stored. */
export interface SeriesRow extends Record<string, unknown> {
  id: string
  contact_id: string
  address_id: string | null
  rule: string
  start_date: string
  start_time: string
  time_zone: string
  duration_minutes: number
  technician_ids: string[]
  line_items: z.output<typeof seriesLineItems>
  is_price_estimated: boolean
  notes: string | null
  status: 'active' | 'paused' | 'ended'
  paused_until: string | null
  ends_on: string | null
  skipped_dates: string[]
  generated_through: string | null
  previous_series_id: string | null
  ended_at: Date | null
  created_at: Date
  updated_at: Date
}

/** A series' own columns as the API shows them. */
export const SERIES_COLUMNS = `id, contact_id, address_id, rule, start_date, start_time, time_zone, duration_minutes, technician_ids,
  line_items, is_price_estimated, notes, status, paused_until, ends_on, skipped_dates::text[] as skipped_dates, generated_through, previous_series_id, ended_at,
  created_at, updated_at`

/** A series, locked for update when asked, or NOT_FOUND. */
export async function loadSeries(tx: Queryable, id: string, lock = false): Promise<SeriesRow> {
  const r = await tx.query<SeriesRow>(`select ${SERIES_COLUMNS} from series where id = $1 ${lock ? 'for update' : ''}`, [id])
  if (!r.rows[0]) throw notFound('series', id)
  return r.rows[0]
}

/** Changes that need a series still running. */
export function assertNotEnded(series: SeriesRow, change: string): void {
  if (series.status === 'ended') {
    throw new AppError('CONFLICT', `Series ${series.id} has ended, so it cannot ${change}; create a new series with series.create`, {
      series_id: series.id,
      status: series.status,
    })
  }
}

/** A ticket of a series as the series' actions need it. */
export interface SeriesVisit {
  id: string
  number: number
  status: string
  confirmation_status: string
  scheduled_start: Date
  scheduled_end: Date
  series_id: string | null
  series_occurrence: string | null
  closed_at: Date | null
}

/** The series' tickets that are still to happen (active, starting after now), from a local occurrence date on, earliest first. */
export async function upcomingVisits(tx: Queryable, seriesId: string, now: Date, fromDate: string | null = null): Promise<SeriesVisit[]> {
  const r = await tx.query<SeriesVisit>(
    `select id, number, status, confirmation_status, scheduled_start, scheduled_end, series_id, series_occurrence, closed_at
     from tickets where series_id = $1 and status = any($2::text[]) and scheduled_start > $3
       and ($4::date is null or series_occurrence >= $4)
     order by scheduled_start, id`,
    [seriesId, [...ACTIVE_STATUSES], now, fromDate],
  )
  return r.rows
}

/** The series as the API shows it, with its next visits. */
export async function seriesView(tx: Queryable, series: SeriesRow, now: Date, visits = 3): Promise<Record<string, unknown>> {
  const next = await tx.query(
    `select id, number, scheduled_start, scheduled_end, status, confirmation_status, series_occurrence
     from tickets where series_id = $1 and status = any($2::text[]) and scheduled_end > $3 order by scheduled_start, id limit $4`,
    [series.id, [...ACTIVE_STATUSES], now, visits],
  )
  return { ...series, next_visits: next.rows }
}

/** Records a change of a series in the audit, from its row before to its row now, and returns the series as shown. */
export async function auditedSeries(
  ctx: OperationContext,
  id: string,
  action: string,
  before: SeriesRow | null,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const after = await loadSeries(ctx.db, id)
  await ctx.audit({ entityType: 'series', entityId: id, action, before, after })
  return { ...(await seriesView(ctx.db, after, ctx.services.now())), ...extra }
}

/** The series a ticket was booked by, with the series' next visit after it; null for a ticket of no series. */
export async function seriesOfTicket(
  tx: Queryable,
  ticketId: string,
): Promise<{
  id: string
  status: SeriesRow['status']
  next_visit: { id: string; number: number; scheduled_start: Date; scheduled_end: Date } | null
} | null> {
  const r = await tx.query<{ id: string; status: SeriesRow['status']; scheduled_start: Date }>(
    `select s.id, s.status, t.scheduled_start from tickets t join series s on s.tenant_id = t.tenant_id and s.id = t.series_id where t.id = $1`,
    [ticketId],
  )
  const found = r.rows[0]
  if (!found) return null
  // The visit that follows may be in the series this one was split into.
  const next = await tx.query<{ id: string; number: number; scheduled_start: Date; scheduled_end: Date }>(
    `select t.id, t.number, t.scheduled_start, t.scheduled_end from tickets t
     where t.id <> $2 and t.status = any($3::text[]) and t.scheduled_start > $4
       and (t.series_id = $1 or t.series_id in (select id from series where previous_series_id = $1))
     order by t.scheduled_start, t.id limit 1`,
    [found.id, ticketId, [...ACTIVE_STATUSES], found.scheduled_start],
  )
  return { id: found.id, status: found.status, next_visit: next.rows[0] ?? null }
}

/** A ticket's series that keeps going, or a VALIDATION_ERROR on the field that chose to keep it. */
export async function continuingSeriesOf(
  tx: Queryable,
  ticketId: string,
  field: string,
): Promise<NonNullable<Awaited<ReturnType<typeof seriesOfTicket>>>> {
  const series = await seriesOfTicket(tx, ticketId)
  if (!series) throw validationError([{ field, message: 'keep_series needs a ticket of a series; this ticket belongs to none' }])
  if (series.status === 'ended')
    throw validationError([{ field, message: `keep_series: series ${series.id} has ended; schedule the next visit or choose none` }])
  return series
}
