import type { Queryable } from '../../db/types.js'
import { startOf } from './day.js'
import { metersBetween, type Place, type Point } from './planner.js'

/** A booked visit of a technician, with where it is, as a free slot's neighbours. */
export interface PlacedVisit {
  user_id: string
  scheduled_start: Date
  scheduled_end: Date
  place: Place
}

/** What a free slot costs in driving: meters added to its day, or, without points, how near its neighbours are. */
export interface SlotDriving {
  extra_meters: number | null
  /** In words for the slot's line: "+3.2 km (straight line)", "beside a visit in 35801", "no visit nearby". */
  words: string
  /** Lower is better: meters added, or (without points) 0 beside a visit in the same ZIP code, 1 the same town, 2 neither. */
  rank: number
}

/** Where a customer's visit would be: an address of theirs (the one given, else their first in use) with its point and ZIP. */
export async function placeOfCustomer(db: Queryable, contactId: string | undefined, addressId: string | undefined): Promise<Place | null> {
  const r = await db.query<{ latitude: number | null; longitude: number | null; postal_code: string; city: string; state: string | null }>(
    `select latitude, longitude, postal_code, city, state from addresses
      where case when $1::uuid is not null then id = $1 else contact_id = $2 and archived_at is null end
      order by created_at, id limit 1`,
    [addressId ?? null, contactId ?? null],
  )
  const a = r.rows[0]
  if (!a) return null
  return {
    point: a.latitude === null || a.longitude === null ? null : { latitude: a.latitude, longitude: a.longitude },
    zip: a.postal_code || null,
    town: a.city ? `${a.city.toLowerCase()}, ${a.state ?? ''}` : null,
  }
}

/** The points and ZIP codes of the given technicians' visits that overlap a window, for placedVisits' callers. */
export async function placedVisits(db: Queryable, userIds: readonly string[], from: Date, to: Date): Promise<PlacedVisit[]> {
  const r = await db.query<{
    user_id: string
    scheduled_start: Date
    scheduled_end: Date
    latitude: number | null
    longitude: number | null
    postal_code: string | null
    city: string | null
    state: string | null
  }>(
    `select tt.user_id, t.scheduled_start, t.scheduled_end, a.latitude, a.longitude, a.postal_code, a.city, a.state
       from ticket_technicians tt join tickets t on t.id = tt.ticket_id left join addresses a on a.id = t.address_id
      where tt.user_id = any($1::uuid[]) and t.status in ('scheduled', 'confirmed', 'in_progress')
        and t.scheduled_start < $3 and t.scheduled_end > $2`,
    [userIds, from, to],
  )
  return r.rows.map((v) => ({
    user_id: v.user_id,
    scheduled_start: v.scheduled_start,
    scheduled_end: v.scheduled_end,
    place: {
      point: v.latitude === null || v.longitude === null ? null : { latitude: v.latitude, longitude: v.longitude },
      zip: v.postal_code || null,
      town: v.city ? `${v.city.toLowerCase()}, ${v.state ?? ''}` : null,
    },
  }))
}

/** Each technician's start (their own, else the business's home base), for the first and last leg of a day. */
export async function startsOf(db: Queryable, userIds: readonly string[]): Promise<Map<string, Point | null>> {
  const starts = new Map<string, Point | null>()
  for (const id of userIds) starts.set(id, await startOf(db, id))
  return starts
}

/**
 * What a visit at `at` in a free slot adds to its technician's day: the detour from the visit before it that day (else the
 * start) to the one after (else back to the start), in meters when every place has a point; else how near its
 * neighbours are by ZIP code and town.
 */
export function slotDriving(
  at: Place,
  slot: { start: Date; end: Date },
  dayVisits: readonly PlacedVisit[],
  start: Point | null,
): SlotDriving {
  const before = dayVisits.filter((v) => new Date(v.scheduled_end) <= slot.start).sort((a, b) => +b.scheduled_end - +a.scheduled_end)[0]
  const after = dayVisits.filter((v) => new Date(v.scheduled_start) >= slot.end).sort((a, b) => +a.scheduled_start - +b.scheduled_start)[0]
  const home = start ? { point: start, zip: null, town: null } : null
  const prev = before?.place ?? home
  const next = after?.place ?? home
  const points = [at, prev, next].every((p) => p === null || p.point !== null) && at.point !== null
  if (points && (prev || next)) {
    const d = (a: Place | null, b: Place | null) => (a && b ? metersBetween(a.point as Point, b.point as Point) : 0)
    const extra = Math.max(0, Math.round(d(prev, at) + d(at, next) - d(prev, next)))
    return { extra_meters: extra, words: `+${(extra / 1000).toFixed(1)} km (straight line)`, rank: extra }
  }
  const neighbours = [before?.place, after?.place].filter((p): p is Place => Boolean(p))
  const sameZip = neighbours.find((p) => at.zip && p.zip === at.zip)
  if (sameZip) return { extra_meters: null, words: `beside a visit in ${at.zip}`, rank: 0 }
  if (neighbours.some((p) => at.town && p.town === at.town))
    return { extra_meters: null, words: 'beside a visit in the same town', rank: 1 }
  return { extra_meters: null, words: 'no visit nearby', rank: 2 }
}
