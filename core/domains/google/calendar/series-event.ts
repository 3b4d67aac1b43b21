import type { GoogleEvent } from '../../../clients/google-calendar.js'
import type { Queryable } from '../../../db/types.js'
import { addDays, localDate, zonedInstant } from '../../../vocabulary/time.js'
import { occurrenceDates } from '../../series/recurrence.js'
import { derivedEventId, type VisitRow } from './visit-event.js'

/** A series as its recurring event shows it: the rule and times, and the visit template's customer, address and work. */
export interface SeriesTemplate {
  id: string
  rule: string
  start_date: string
  start_time: string
  time_zone: string
  duration_minutes: number
  technician_ids: string[]
  ends_on: string | null
  generated_through: string | null
  created_at: Date
  contact_name: string
  address: string | null
  access_notes: string | null
  services: string[]
}

/** Series (by id) with what their recurring events show. */
export async function loadSeriesTemplates(tx: Queryable, ids: string[]): Promise<Map<string, SeriesTemplate>> {
  if (ids.length === 0) return new Map()
  const r = await tx.query<SeriesTemplate>(
    `select s.id, s.rule, s.start_date::text, s.start_time, s.time_zone, s.duration_minutes, s.technician_ids::text[] as technician_ids,
       s.ends_on::text, s.generated_through::text, s.created_at, c.display_name as contact_name,
       case when a.id is null then null else concat_ws(', ', a.line1, nullif(a.line2, ''), a.city, concat_ws(' ', a.state, a.postal_code)) end
         as address,
       a.access_notes,
       coalesce((select array_agg(coalesce(nullif(l.value->>'description', ''), sv.name) order by l.ordinality)
                 from jsonb_array_elements(s.line_items) with ordinality l left join services sv on sv.id = (l.value->>'service_id')::uuid),
                '{}') as services
     from series s join contacts c on c.id = s.contact_id left join addresses a on a.id = s.address_id
     where s.id = any($1::uuid[])`,
    [ids],
  )
  return new Map(r.rows.map((s) => [s.id, s]))
}

/** An instant in Google's basic UTC format, as instance ids and UNTIL write it: 20261201T150000Z. */
export function basicUtc(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

/** Where a series' occurrence starts. */
export function occurrenceStart(series: SeriesTemplate, date: string): Date {
  return zonedInstant(date, series.start_time, series.time_zone)
}

/**
 * The first occurrence of the recurring event: the first the rule gives from the day the series was made (earlier
 * ones were never booked), or null when none is left.
 */
export function firstOccurrence(series: SeriesTemplate): string | null {
  const made = localDate(new Date(series.created_at), series.time_zone)
  const from = made > series.start_date ? made : series.start_date
  return occurrenceDates(series, from, addDays(from, 400))[0] ?? null
}

/**
 * The recurring event's id in a calendar: derived from the series, the calendar and the rule's shape (rule, first
 * start, time zone), the same on every try. A series whose shape changes gets a new event; its end changes the same one.
 */
export function seriesEventId(series: SeriesTemplate, calendarId: string, first: string): string {
  return derivedEventId(`crm-series|${series.id}|${calendarId}|${series.rule}|${first}|${series.start_time}|${series.time_zone}`)
}

/** The id Google gives the instance of a recurring event at an original start. */
export function instanceId(masterId: string, originalStart: Date): string {
  return `${masterId}_${basicUtc(originalStart)}`
}

/** The last day the recurring event reaches: the series' last booked day (or its end), null when it runs on. */
export function lastOccurrenceDay(series: SeriesTemplate): string | null {
  const endOn = series.ends_on ? addDays(series.ends_on, -1) : null
  return [endOn, series.generated_through].filter((d): d is string => d !== null).sort()[0] ?? null
}

/**
 * The recurring event of a series: its first occurrence, the rule up to the last day booked (the series' visits exist
 * as tickets up to its horizon; later ones join as they are booked), the template's customer, address and work.
 */
export function seriesEvent(series: SeriesTemplate, first: string, tenantId: string): Omit<GoogleEvent, 'id'> {
  const start = occurrenceStart(series, first)
  const last = lastOccurrenceDay(series)
  const until = last ? `;UNTIL=${basicUtc(new Date(zonedInstant(addDays(last, 1), '00:00', series.time_zone).getTime() - 1000))}` : ''
  const services = series.services.length ? series.services.join(', ') : 'Visit'
  const lines = [`Services: ${services}`]
  if (series.access_notes) lines.push(`Gate notes: ${series.access_notes}`)
  lines.push(`Repeat visits: series ${series.id}`)
  return {
    status: 'confirmed',
    summary: `${series.contact_name}: ${services}`,
    ...(series.address ? { location: series.address } : {}),
    description: lines.join('\n'),
    start: { dateTime: start.toISOString(), timeZone: series.time_zone },
    end: { dateTime: new Date(start.getTime() + series.duration_minutes * 60_000).toISOString(), timeZone: series.time_zone },
    recurrence: [`RRULE:${series.rule}${until}`],
    transparency: 'opaque',
    extendedProperties: { private: { crmSeriesId: series.id, crmTenantId: tenantId } },
  }
}

/**
 * Whether a visit is as its series says, so the recurring event shows it unchanged: it takes place, starts and ends when
 * the series' occurrence does, has the series' technicians, and shows the series' customer, address, gate notes and
 * services. Anything else makes its instance an exception (or cancels it).
 */
export function visitAsSeries(visit: VisitRow, series: SeriesTemplate): boolean {
  if (!visit.series_occurrence) return false
  const start = occurrenceStart(series, visit.series_occurrence)
  const sorted = (ids: string[]) => JSON.stringify([...ids].sort())
  return (
    new Date(visit.scheduled_start).getTime() === start.getTime() &&
    new Date(visit.scheduled_end).getTime() === start.getTime() + series.duration_minutes * 60_000 &&
    sorted(visit.technicians) === sorted(series.technician_ids) &&
    JSON.stringify([visit.contact_name, visit.address, visit.access_notes, visit.services]) ===
      JSON.stringify([series.contact_name, series.address, series.access_notes, series.services])
  )
}
