import { busyTimeOf } from '../../vocabulary/busy-time.js'
import type { Queryable } from '../../db/types.js'
import { localDate, localTime, NOON, weekdayOf, zonedInstant } from '../../vocabulary/time.js'
import { homeBaseOf } from '../routes/day.js'
import { metersBetween, type Point } from '../routes/planner.js'
import { contactNamesById } from '../contacts/model.js'

/** How many days ahead openings are looked for. */
export const OPENINGS_DAYS_AHEAD = 14

/** A time still free now: one a cancel, a no-show or a move left (a stored opening), or working time nobody booked. */
export interface Opening {
  /** The stored opening; null for never-booked time. */
  id: string | null
  ticket_id: string | null
  ticket_number: number | null
  user_id: string
  technician_name: string
  starts_at: Date
  ends_at: Date
  reason: 'cancelled' | 'no_show' | 'moved' | 'free'
  created_at: Date
}

/** A waitlisted customer who could take an opening: how near they live to the technician's visits around it. */
export interface OpeningCandidate {
  waitlist_entry_id: string
  contact_id: string
  contact_name: string
  service_id: string | null
  service_ids: string[]
  /**
   * Meters from the nearest of the technician's visits around the opening (its own visit's house included), or from the
   * business's home base when there is none; null without points.
   */
  meters: number | null
  /** In words: "0.8 km from a visit that day", "in 35801, beside a visit that day" or "2.1 km from the home base". */
  near: string
  waiting_since: Date
  /** When their visit would start: the opening's start, or noon for an entry that waits for an afternoon. */
  start: Date
}

/**
 * The openings ahead (from now, OPENINGS_DAYS_AHEAD days) not dismissed whose technician is still free for the whole of them:
 * no visit still to do and no busy time overlaps. Two openings of the same technician and time count once.
 */
export async function openingsAhead(db: Queryable, now: Date, id?: string): Promise<Opening[]> {
  const until = new Date(now.getTime() + OPENINGS_DAYS_AHEAD * 86_400_000)
  const r = await db.query<Opening>(
    `select distinct on (o.user_id, o.starts_at, o.ends_at) o.id, o.ticket_id, t.number as ticket_number, o.user_id,
            coalesce(nullif(u.name, ''), u.email) as technician_name, o.starts_at, o.ends_at, o.reason, o.created_at
       from schedule_openings o join tickets t on t.id = o.ticket_id join users u on u.id = o.user_id
      where o.dismissed_at is null and u.deactivated_at is null and o.starts_at > $1 and o.starts_at < $2
        and ($3::uuid is null or o.id = $3)
        and not exists (select 1 from ticket_technicians tt join tickets b on b.id = tt.ticket_id
                         where tt.user_id = o.user_id and b.status in ('scheduled', 'confirmed', 'in_progress')
                           and b.scheduled_start < o.ends_at and b.scheduled_end > o.starts_at)
      order by o.user_id, o.starts_at, o.ends_at, o.created_at desc`,
    [now, until, id ?? null],
  )
  const free: Opening[] = []
  for (const o of r.rows) {
    const busy = await busyTimeOf(db, [o.user_id], new Date(o.starts_at), new Date(o.ends_at))
    if (!busy.length) free.push(o)
  }
  return free.sort((a, b) => +a.starts_at - +b.starts_at || a.user_id.localeCompare(b.user_id))
}

/** A place as the candidates are matched by: its point, and its ZIP code. */
interface Spot {
  point: Point | null
  zip: string
}

/** A waiting entry as openings are matched against it: its dates, days, time of day, length, and where the customer is. */
export interface WaitingEntry {
  id: string
  contact_id: string
  service_id: string | null
  earliest_date: string
  latest_date: string
  preferred_days: string[]
  time_of_day: 'any' | 'morning' | 'afternoon'
  minutes: number
  home: Spot
  created_at: Date
}

/**
 * The entries waiting for a day between two dates, each with its visit's length (its service's, else 60 minutes) and the
 * point and ZIP code of its address (its own, else the customer's first): read once for all the openings of a listing.
 */
export async function waitingEntries(db: Queryable, from: string, to: string): Promise<WaitingEntry[]> {
  const r = await db.query<Omit<WaitingEntry, 'home'> & { latitude: number | null; longitude: number | null; postal_code: string | null }>(
    `select w.id, w.contact_id, w.service_id, to_char(w.earliest_date, 'YYYY-MM-DD') as earliest_date,
            to_char(w.latest_date, 'YYYY-MM-DD') as latest_date, w.preferred_days, w.time_of_day,
            coalesce(s.default_duration_minutes, 60) as minutes, a.latitude, a.longitude, a.postal_code, w.created_at
       from waitlist_entries w
       left join services s on s.id = w.service_id
       left join lateral (select p.latitude, p.longitude, p.postal_code from addresses p
                   where p.id = coalesce(w.address_id, (select f.id from addresses f where f.contact_id = w.contact_id
                                                         and f.archived_at is null order by f.created_at, f.id limit 1))) a on true
      where w.status = 'waiting' and w.earliest_date <= $2::date and w.latest_date >= $1::date`,
    [from, to],
  )
  return r.rows.map(({ latitude, longitude, postal_code, ...w }) => ({
    ...w,
    home: { point: latitude === null || longitude === null ? null : { latitude, longitude }, zip: postal_code ?? '' },
  }))
}

/**
 * The waitlisted customers who could take an opening, nearest first (then the longest waiting): their entry's dates, days
 * and time of day fit it, their visit's length fits it, and they live within `withinMeters` of one of the technician's
 * visits around it (the visit before, the one after, and the cancelled or moved visit's own house), or of the business's
 * home base when the technician has none around it; without points, in the ZIP code of one of those visits.
 */
export async function candidatesFor(
  db: Queryable,
  opening: Opening,
  entries: readonly WaitingEntry[],
  timeZone: string,
  withinMeters: number,
  most: number,
): Promise<OpeningCandidate[]> {
  const date = localDate(new Date(opening.starts_at), timeZone)
  const weekday = weekdayOf(date)
  const start = localTime(new Date(opening.starts_at), timeZone)
  const end = localTime(new Date(opening.ends_at), timeZone)
  // An afternoon entry is offered the afternoon part of a time that starts in the morning.
  const startFor = (w: WaitingEntry) =>
    w.time_of_day === 'afternoon' && start < NOON ? zonedInstant(date, NOON, timeZone) : new Date(opening.starts_at)
  const fits = (w: WaitingEntry) =>
    w.earliest_date <= date &&
    w.latest_date >= date &&
    (!w.preferred_days.length || w.preferred_days.includes(weekday)) &&
    (w.time_of_day === 'any' || (w.time_of_day === 'morning' && start < NOON) || (w.time_of_day === 'afternoon' && end > NOON)) &&
    w.minutes * 60_000 <= +opening.ends_at - +startFor(w)
  const fitting = entries.filter(fits)
  if (!fitting.length) return []
  const visits = await neighboursOf(db, opening)
  const base = visits.length ? null : await homeBaseOf(db)
  const neighbours = base ? [{ point: { latitude: base.latitude, longitude: base.longitude }, zip: '' }] : visits
  const from = base ? 'the home base' : 'a visit that day'
  const near = fitting.flatMap((w) => {
    const how = nearness(w.home, neighbours, withinMeters, from)
    return how ? [{ w, ...how }] : []
  })
  near.sort((a, b) => (a.meters ?? Number.MAX_SAFE_INTEGER) - (b.meters ?? Number.MAX_SAFE_INTEGER) || +a.w.created_at - +b.w.created_at)
  const chosen = near.slice(0, most)
  const names = await contactNamesById(
    db,
    chosen.map((c) => c.w.contact_id),
  )
  const found: OpeningCandidate[] = []
  for (const { w, meters, words } of chosen) {
    found.push({
      waitlist_entry_id: w.id,
      contact_id: w.contact_id,
      contact_name: names.get(w.contact_id) ?? '',
      service_id: w.service_id,
      service_ids: w.service_id ? [w.service_id] : await lastServicesOf(db, w.contact_id),
      meters,
      near: words,
      waiting_since: w.created_at,
      start: startFor(w),
    })
  }
  return found
}

/** The catalog services of a customer's last completed visit: what an entry that names none is offered. */
async function lastServicesOf(db: Queryable, contactId: string): Promise<string[]> {
  const r = await db.query<{ ids: string[] | null }>(
    `select array_agg(distinct li.service_id) as ids from ticket_line_items li
      where li.ticket_id = (select t.id from tickets t where t.contact_id = $1 and t.status = 'completed'
                             order by t.scheduled_start desc limit 1) and li.service_id is not null`,
    [contactId],
  )
  return r.rows[0]?.ids ?? []
}

/** How near a home is to the nearest neighbour: meters within the distance, else the same ZIP code without points; null when not near. */
function nearness(
  home: Spot,
  neighbours: readonly Spot[],
  withinMeters: number,
  from: string,
): { meters: number | null; words: string } | null {
  const measured = home.point ? neighbours.filter((n) => n.point).map((n) => metersBetween(home.point as Point, n.point as Point)) : []
  if (measured.length) {
    const meters = Math.round(Math.min(...measured))
    return meters <= withinMeters ? { meters, words: `${(meters / 1000).toFixed(1)} km from ${from}` } : null
  }
  if (home.zip && neighbours.some((n) => n.zip.slice(0, 5) === home.zip.slice(0, 5))) {
    return { meters: null, words: `in ${home.zip.slice(0, 5)}, beside ${from}` }
  }
  return null
}

/** A visit's house: its own address, else its customer's first (a visit booked without one is at their home). */
const VISIT_ADDRESS = `coalesce(t.address_id, (select f.id from addresses f where f.contact_id = t.contact_id and f.archived_at is null
                                                order by f.created_at, f.id limit 1))`

/** The houses around an opening: the technician's visit before it that day, the one after, and the visit that left it (if one did). */
async function neighboursOf(db: Queryable, opening: Opening): Promise<Spot[]> {
  const r = await db.query<{ latitude: number | null; longitude: number | null; postal_code: string | null }>(
    `(select a.latitude, a.longitude, a.postal_code from tickets t join addresses a on a.id = ${VISIT_ADDRESS} where t.id = $1)
     union all
     (select a.latitude, a.longitude, a.postal_code from ticket_technicians tt join tickets t on t.id = tt.ticket_id
        join addresses a on a.id = ${VISIT_ADDRESS}
       where tt.user_id = $2 and t.status in ('scheduled', 'confirmed', 'in_progress') and t.scheduled_end <= $3
         and t.scheduled_end > $3::timestamptz - interval '14 hours'
       order by t.scheduled_end desc limit 1)
     union all
     (select a.latitude, a.longitude, a.postal_code from ticket_technicians tt join tickets t on t.id = tt.ticket_id
        join addresses a on a.id = ${VISIT_ADDRESS}
       where tt.user_id = $2 and t.status in ('scheduled', 'confirmed', 'in_progress') and t.scheduled_start >= $4
         and t.scheduled_start < $4::timestamptz + interval '14 hours'
       order by t.scheduled_start limit 1)`,
    [opening.ticket_id, opening.user_id, opening.starts_at, opening.ends_at],
  )
  return r.rows.map((n) => ({
    point: n.latitude === null || n.longitude === null ? null : { latitude: n.latitude, longitude: n.longitude },
    zip: n.postal_code ?? '',
  }))
}
