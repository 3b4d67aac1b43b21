import type { Queryable } from '../../db/types.js'
import { dayRange, weekdayOf, zonedInstant } from '../../vocabulary/time.js'
import type { TenantSettings } from '../settings/model.js'
import type { PlanStop } from './planner.js'

/** How a stop's place was found: its own pin, the middle of its ZIP code's or town's pins, or not at all. */
export type Located = 'pin' | 'zip' | 'town' | 'none'

/** One visit of a technician's day, with what the route shows of it. */
export interface DayVisit {
  ticket_id: string
  number: number
  contact_name: string
  status: string
  scheduled_start: Date
  scheduled_end: Date
  anytime: boolean
  /** The window of its day an anytime visit may be moved within, as local times ("09:00", "12:00"), or null. */
  window_from: string | null
  window_to: string | null
  started: boolean
  position: number | null
  line1: string | null
  city: string | null
  state: string | null
  postal_code: string | null
  latitude: number | null
  longitude: number | null
  located: Located
}

/** Where a route starts and ends: a technician's own start, else the business's home base. */
export interface RouteStart {
  label: string
  latitude: number
  longitude: number
  whose: 'technician' | 'business'
}

/** The statuses of a visit still to be driven to. */
const STILL_TO_DO = ['scheduled', 'confirmed', 'in_progress']

/**
 * A technician's visits of a day still to do, in their current route order (the last plan's, when every visit has a place
 * in it; else time order). A visit whose address has no pin is placed at the middle of its ZIP code's pins, else its town's.
 */
export async function visitsOfDay(db: Queryable, technicianId: string, date: string, timeZone: string): Promise<DayVisit[]> {
  const { start, end } = dayRange(date, timeZone)
  const r = await db.query<DayVisit>(
    `select t.id as ticket_id, t.number, c.display_name as contact_name, t.status, t.scheduled_start, t.scheduled_end,
            coalesce(rs.anytime, false) as anytime, to_char(rs.window_from, 'HH24:MI') as window_from,
            to_char(rs.window_to, 'HH24:MI') as window_to, (t.status = 'in_progress' or tt.clock_in_at is not null) as started,
            rs.position, a.line1, a.city, a.state, a.postal_code,
            coalesce(a.latitude, z.latitude, w.latitude) as latitude, coalesce(a.longitude, z.longitude, w.longitude) as longitude,
            case when a.latitude is not null then 'pin' when z.latitude is not null then 'zip'
                 when w.latitude is not null then 'town' else 'none' end as located
       from tickets t
       join ticket_technicians tt on tt.ticket_id = t.id and tt.user_id = $1
       join contacts c on c.id = t.contact_id
       left join addresses a on a.id = t.address_id
       left join route_stops rs on rs.ticket_id = t.id
       left join lateral (select avg(p.latitude) as latitude, avg(p.longitude) as longitude from addresses p
                   where a.latitude is null and a.postal_code <> '' and p.postal_code = a.postal_code and p.latitude is not null) z on true
       left join lateral (select avg(p.latitude) as latitude, avg(p.longitude) as longitude from addresses p
                   where a.latitude is null and z.latitude is null and a.city <> '' and lower(p.city) = lower(a.city)
                     and p.state is not distinct from a.state and p.latitude is not null) w on true
      where t.scheduled_start >= $2 and t.scheduled_start < $3 and t.status = any($4)
      order by t.scheduled_start, t.number`,
    [technicianId, start, end, STILL_TO_DO],
  )
  const visits = r.rows
  if (visits.length && visits.every((v) => v.position !== null)) visits.sort((a, b) => (a.position as number) - (b.position as number))
  return visits
}

/** Where a technician's route starts: their own start, else the business's home base, else null. */
export async function startOf(db: Queryable, technicianId: string): Promise<RouteStart | null> {
  const r = await db.query<RouteStart>(
    `select label, latitude, longitude, case when user_id is null then 'business' else 'technician' end as whose
       from route_starts where user_id = $1 or user_id is null order by user_id nulls last limit 1`,
    [technicianId],
  )
  return r.rows[0] ?? null
}

/**
 * The visits of a day as the planner sees them: an anytime visit not yet started may move (within its window, when it has
 * one); the working day is the business hours.
 */
export function planStops(visits: readonly DayVisit[], date: string, timeZone: string): PlanStop[] {
  return visits.map((v) => ({
    id: v.ticket_id,
    fixed: !v.anytime || v.started,
    start: new Date(v.scheduled_start).getTime(),
    end: new Date(v.scheduled_end).getTime(),
    window:
      v.window_from && v.window_to
        ? { from: zonedInstant(date, v.window_from, timeZone).getTime(), to: zonedInstant(date, v.window_to, timeZone).getTime() }
        : null,
    place: {
      point: v.latitude === null || v.longitude === null ? null : { latitude: v.latitude, longitude: v.longitude },
      zip: v.postal_code || null,
      town: v.city ? `${v.city.toLowerCase()}, ${v.state ?? ''}` : null,
    },
  }))
}

/**
 * The working day's bounds (epoch ms): the business's opening hours that day, widened to hold every visit booked in it;
 * a day the business is closed is the span of its visits.
 */
export function workingDay(settings: TenantSettings, date: string, visits: readonly DayVisit[]): { open: number; close: number } {
  const hours = settings.business_hours[weekdayOf(date)] ?? []
  const times = visits.flatMap((v) => [new Date(v.scheduled_start).getTime(), new Date(v.scheduled_end).getTime()])
  const opens = hours.map(([from]) => zonedInstant(date, from, settings.timezone).getTime())
  const closes = hours.map(([, to]) => zonedInstant(date, to, settings.timezone).getTime())
  return { open: Math.min(...opens, ...times), close: Math.max(...closes, ...times) }
}

/** Stores the day's order: each visit's place in the route, from 1. */
export async function saveOrder(db: Queryable, tenantId: string, ticketIds: readonly string[]): Promise<void> {
  await db.query(
    `insert into route_stops (tenant_id, ticket_id, position)
     select $1, id, n from unnest($2::uuid[]) with ordinality as o(id, n)
     on conflict (tenant_id, ticket_id) do update set position = excluded.position`,
    [tenantId, ticketIds],
  )
}

/** The business's home base, or null while none is set. */
export async function homeBaseOf(db: Queryable): Promise<RouteStart | null> {
  const r = await db.query<RouteStart>(
    `select label, latitude, longitude, 'business' as whose from route_starts where user_id is null limit 1`,
  )
  return r.rows[0] ?? null
}

/** Whether a visit has its place on a planned route: its time then is the one the plan gave it. */
export async function isOnPlannedRoute(db: Queryable, ticketId: string): Promise<boolean> {
  const r = await db.query('select 1 from route_stops where ticket_id = $1 and position is not null', [ticketId])
  return r.rows.length > 0
}
