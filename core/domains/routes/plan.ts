import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { localTime } from '../../time.js'
import { calendarDay, timestamp } from '../../output-types.js'
import type { TenantSettings } from '../settings/model.js'
import { type DayVisit, planStops, type RouteStart, startOf, visitsOfDay, workingDay } from './day.js'
import { directionsTo, MAPS_WAYPOINTS, type MapsPlace, routeLink } from './maps-link.js'
import { metersBetween, planRoute, type Point } from './planner.js'

/** One stop of a planned day. */
export const ROUTE_STOP = z.object({
  position: z.number().int(),
  ticket_id: z.uuid(),
  number: z.number().int(),
  contact_name: z.string(),
  scheduled_start: timestamp,
  scheduled_end: timestamp,
  anytime: z.boolean().describe('Marked anytime by the owner: the plan may move it within the day'),
  window: z
    .object({ from: z.string(), to: z.string() })
    .nullable()
    .describe('For an anytime visit taken within a window of its day: the local times (HH:MM) the plan keeps it between'),
  moved: z.boolean().describe('Its place in the route changed with this plan'),
  address: z.string().nullable(),
  located: z.enum(['pin', 'zip', 'town', 'none']).describe("Where its point comes from: its pin, its ZIP code's or town's middle, or none"),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  meters_from_previous: z.number().int().nullable(),
  directions_url: z.string().describe("Opens the phone's maps with driving directions to the visit"),
})

/** A technician's day in route order, as route.plan answers. */
export const ROUTE_PLAN = z.object({
  technician_id: z.uuid(),
  technician_name: z.string(),
  date: calendarDay,
  start: z
    .object({ label: z.string(), latitude: z.number(), longitude: z.number(), whose: z.enum(['technician', 'business']) })
    .nullable()
    .describe("Where the day starts and ends: the technician's own start, else the business's home base"),
  measure: z.enum(['meters', 'zip_and_town']).describe('meters between points; without points, changes of ZIP code and town'),
  meters_before: z.number().int().nullable(),
  meters_after: z.number().int().nullable(),
  meters_saved: z.number().int().nullable(),
  applied: z.boolean(),
  order_before: z.array(z.number().int()).describe("The visits' ticket numbers in their order before this plan"),
  stops: z.array(ROUTE_STOP),
  maps_url: z.string().nullable().describe("The whole day in the phone's maps, from the start and back"),
  notes: z.array(z.string()),
})

/** A planned day as route.plan answers. */
export type RoutePlan = z.infer<typeof ROUTE_PLAN>

/** The day planned: its visits in the order that drives least, without saving it (saveOrder stores it). */
export async function planDay(
  db: Queryable,
  settings: TenantSettings,
  technician: { id: string; name: string },
  date: string,
): Promise<RoutePlan> {
  const visits = await visitsOfDay(db, technician.id, date, settings.timezone)
  const start = await startOf(db, technician.id)
  const { open, close } = workingDay(settings, date, visits)
  const result = planRoute({ home: start, stops: planStops(visits, date, settings.timezone), open, close })
  const byId = new Map(visits.map((v) => [v.ticket_id, v]))
  const ordered = result.order.map((s) => byId.get(s.id) as DayVisit)
  const metered = result.measure === 'meters'
  const notes = planNotes(visits, ordered, start, result.measure, settings.timezone, result.overHours, byId)
  const stops = stopsOf(ordered, visits, start, result.measure)
  return {
    technician_id: technician.id,
    technician_name: technician.name,
    date,
    start,
    measure: result.measure,
    meters_before: metered ? Math.round(result.before) : null,
    meters_after: metered ? Math.round(result.after) : null,
    meters_saved: metered ? Math.round(result.before) - Math.round(result.after) : null,
    applied: false,
    order_before: visits.map((v) => v.number),
    stops: stops.map(({ maps_place, ...stop }) => stop),
    maps_url: routeLink(
      start,
      stops.map((stop) => stop.maps_place),
    ),
    notes,
  }
}

/** The stops of a day in the given order, each with its leg from the one before (meters only) and where the maps go. */
export function stopsOf(
  ordered: readonly DayVisit[],
  current: readonly DayVisit[],
  start: Point | null,
  measure: 'meters' | 'zip_and_town',
): Array<z.infer<typeof ROUTE_STOP> & { maps_place: MapsPlace }> {
  let previous: Point | null = start
  return ordered.map((v, i) => {
    const point = pointOf(v)
    const leg = measure === 'meters' && point && previous ? Math.round(metersBetween(previous, point)) : null
    if (point) previous = point
    return {
      position: i + 1,
      ticket_id: v.ticket_id,
      number: v.number,
      contact_name: v.contact_name,
      scheduled_start: new Date(v.scheduled_start).toISOString(),
      scheduled_end: new Date(v.scheduled_end).toISOString(),
      anytime: v.anytime,
      window: v.anytime && v.window_from && v.window_to ? { from: v.window_from, to: v.window_to } : null,
      moved: current[i] !== v,
      address: addressLine(v),
      located: v.located,
      latitude: v.latitude,
      longitude: v.longitude,
      meters_from_previous: leg,
      directions_url: directionsTo(mapsPlaceOf(v)),
      maps_place: mapsPlaceOf(v),
    }
  })
}

/** A visit's point: its pin, or its ZIP code's or town's middle. */
function pointOf(v: DayVisit): Point | null {
  return v.latitude === null || v.longitude === null ? null : { latitude: v.latitude, longitude: v.longitude }
}

/** Where the maps go for a visit: its pin, else its address in words (the phone's maps find it). */
function mapsPlaceOf(v: DayVisit): MapsPlace {
  return v.located === 'pin' ? (pointOf(v) as Point) : (addressLine(v) ?? v.contact_name)
}

/** An address on one line: "12 Oak St, Huntsville, AL 35801"; null for a visit without one. */
function addressLine(v: DayVisit): string | null {
  if (!v.line1) return null
  return [v.line1, v.city, [v.state, v.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ')
}

/** What the owner and the agent should know about a plan, in sentences. */
function planNotes(
  visits: readonly DayVisit[],
  ordered: readonly DayVisit[],
  start: RouteStart | null,
  measure: 'meters' | 'zip_and_town',
  timeZone: string,
  overHours: readonly string[],
  byId: Map<string, DayVisit>,
): string[] {
  const notes: string[] = []
  if (!visits.length) return ['No visits still to do on this day.']
  if (!visits.some((v) => v.anytime)) {
    notes.push('No visit of this day is marked anytime, so every visit keeps its time: mark visits anytime to let the plan order them.')
  }
  if (measure === 'zip_and_town') {
    notes.push(
      'Fewer than two visits have a place on the map (geocoding is off or has not found them yet), so visits are grouped by ZIP ' +
        'code and town instead, and no distances are given.',
    )
  } else if (!start) {
    notes.push('No home base is set, so the route runs from the first visit to the last: set one with route.set_start.')
  }
  const guessed = visits.filter((v) => v.located === 'zip' || v.located === 'town')
  if (measure === 'meters' && guessed.length) {
    notes.push(
      `${guessed.map((v) => `#${v.number}`).join(', ')} ${guessed.length === 1 ? 'has' : 'have'} no pin of its own and ` +
        "stand at the middle of its ZIP code's or town's pins.",
    )
  }
  const lost = visits.filter((v) => (measure === 'meters' ? v.located === 'none' : !v.postal_code && !v.city))
  if (lost.length) {
    notes.push(
      `${lost.map((v) => `#${v.number}`).join(', ')} cannot be placed, so ${lost.length === 1 ? 'it keeps its' : 'they keep their'} time.`,
    )
  }
  for (const id of overHours) {
    const v = byId.get(id) as DayVisit
    notes.push(
      `#${v.number} does not fit between the day's fixed visits within the business hours; it stays near its booked time, ` +
        `${localTime(new Date(v.scheduled_start), timeZone)}.`,
    )
  }
  if (ordered.length > MAPS_WAYPOINTS + 1) {
    notes.push(`The whole-day maps link holds the first ${MAPS_WAYPOINTS} stops; each visit has its own directions link.`)
  }
  return notes
}
