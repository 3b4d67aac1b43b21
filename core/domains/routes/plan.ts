import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { localTime } from '../../time.js'
import { calendarDay, timestamp } from '../../output-types.js'
import type { TenantSettings } from '../settings/model.js'
import { wallClock } from '../tickets/model.js'
import { type DayVisit, planStops, type RouteStart, startOf, visitsOfDay, workingDay } from './day.js'
import { directionsTo, MAPS_WAYPOINTS, type MapsPlace, routeLink } from './maps-link.js'
import { type RouteMetric, STRAIGHT_LINE } from './metric.js'
import { movableUnder, type PlanResult, planRoute, type Point } from './planner.js'
import { type StopTime, timesFor } from './timing.js'

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
  address: z.string().nullable(),
  located: z.enum(['pin', 'zip', 'town', 'none']).describe("Where its point comes from: its pin, its ZIP code's or town's middle, or none"),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  meters_from_previous: z.number().int().nullable(),
  directions_url: z.string().describe("Opens the phone's maps with driving directions to the visit"),
})

/** One stop of a planned day: where it was in the order, and its time after the plan. */
export const ROUTE_PLAN_STOP = ROUTE_STOP.extend({
  order_changed: z.boolean().describe('Its place in the order changed with this plan (its time may not have)'),
  new_start: timestamp.nullable().describe('Its start after the plan, when that is not its booked start (scheduled_start); else null'),
  new_end: timestamp.nullable(),
})

/** A visit whose time the plan changes, in the words people of the business read. */
export const ROUTE_TIME_CHANGE = z.object({
  ticket_id: z.uuid(),
  number: z.number().int(),
  contact_name: z.string(),
  from: timestamp,
  to: timestamp,
  words: z.string().describe('"#12 Ann Lee: Tue 2026-12-01 10:00 → 15:30"'),
  customer_told: z.boolean().describe('An email saying the new time was queued for the customer (only when the plan is applied)'),
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
  distances: z
    .enum(['road', 'straight_line', 'none'])
    .describe('What the meters are: by road from the road router, straight lines between points (driving times estimated), or none'),
  applied: z.boolean(),
  order_before: z.array(z.number().int()).describe("The visits' ticket numbers in their order before this plan"),
  stops: z.array(ROUTE_PLAN_STOP),
  times_changed: z
    .array(ROUTE_TIME_CHANGE)
    .describe('The visits whose time the plan changes, from when to when; their customers are emailed when it is applied'),
  maps_url: z.string().nullable().describe("The whole day in the phone's maps, from the start and back"),
  notes: z.array(z.string()),
})

/** A planned day as route.plan answers. */
export type RoutePlan = z.infer<typeof ROUTE_PLAN>

/** What a plan is made with: the clock, and how far and how long between points. */
export interface PlanTools {
  now: Date
  metric: RouteMetric
  /** Why the road router's answers are not used, when one is set up but failed; a note says it. */
  routerFailed?: string | null
}

/**
 * The day planned: its visits in the order that drives least and the time each then starts (fixed visits keep theirs),
 * without saving anything (applyPlan does).
 */
export async function planDay(
  db: Queryable,
  settings: TenantSettings,
  technician: { id: string; name: string },
  date: string,
  tools: PlanTools = { now: new Date(), metric: STRAIGHT_LINE },
): Promise<RoutePlan> {
  const visits = await visitsOfDay(db, technician.id, date, settings.timezone)
  const start = await startOf(db, technician.id)
  const { open, close } = workingDay(settings, date, visits)
  const now = tools.now.getTime()
  let planned = planStops(visits, date, settings.timezone)
  const keptForDriving: string[] = []
  let result: PlanResult
  let times: Map<string, StopTime>
  for (;;) {
    result = planRoute({ home: start, stops: planned, open, close, metric: tools.metric, now })
    // The order kept: every visit keeps its time too. A new order: visits that may move get the times it needs.
    times =
      result.order === planned
        ? new Map(planned.map((s) => [s.id, { start: s.start, end: s.end, late: false }]))
        : timesFor(result.order, movableUnder(result.measure), result.measure, tools.metric, { open, close, now })
    // A visit the driving leaves no room for in its place keeps its booked time, and the day is planned again around it.
    const late = result.order.filter((s) => !s.fixed && times.get(s.id)?.late).map((s) => s.id)
    if (!late.length) break
    keptForDriving.push(...late)
    planned = planned.map((s) => (late.includes(s.id) ? { ...s, fixed: true } : s))
  }
  const byId = new Map(visits.map((v) => [v.ticket_id, v]))
  const ordered = result.order.map((s) => byId.get(s.id) as DayVisit)
  const metered = result.measure === 'meters'
  const stops = stopsOf(ordered, visits, start, result.measure, tools.metric).map(({ maps_place, ...stop }) =>
    withTime(stop, times.get(stop.ticket_id) as StopTime),
  )
  const notes = planNotes(visits, ordered, start, result.measure, settings.timezone, result.overHours, byId)
  notes.push(...timeNotes(stops, settings.timezone), ...distanceNotes(result.measure, tools))
  for (const id of keptForDriving) {
    const v = byId.get(id) as DayVisit
    notes.push(
      `#${v.number} keeps its booked time, ${localTime(new Date(v.scheduled_start), settings.timezone)}: with the driving it fits nowhere else in the order.`,
    )
  }
  return {
    technician_id: technician.id,
    technician_name: technician.name,
    date,
    start,
    measure: result.measure,
    meters_before: metered ? Math.round(result.before) : null,
    meters_after: metered ? Math.round(result.after) : null,
    meters_saved: metered ? Math.round(result.before) - Math.round(result.after) : null,
    distances: metered ? tools.metric.kind : 'none',
    applied: false,
    order_before: visits.map((v) => v.number),
    stops,
    times_changed: stops
      .filter((s) => s.new_start)
      .map((s) => ({
        ticket_id: s.ticket_id,
        number: s.number,
        contact_name: s.contact_name,
        from: s.scheduled_start,
        to: s.new_start as string,
        words: `#${s.number} ${s.contact_name}: ${wallClock(new Date(s.scheduled_start), settings.timezone)} → ${localTime(new Date(s.new_start as string), settings.timezone)}`,
        customer_told: false,
      })),
    maps_url: routeLink(
      start,
      ordered.map((v) => mapsPlaceOf(v)),
    ),
    notes,
  }
}

/** A stop with its time after the plan: new_start only when it differs from its booked start. */
function withTime(stop: z.infer<typeof ROUTE_STOP> & { order_changed: boolean }, time: StopTime): z.infer<typeof ROUTE_PLAN_STOP> {
  const changed = time.start !== new Date(stop.scheduled_start).getTime()
  return {
    ...stop,
    new_start: changed ? new Date(time.start).toISOString() : null,
    new_end: changed ? new Date(time.end).toISOString() : null,
  }
}

/** What the owner should know about the plan's times: which visits change time, and what applying does. */
function timeNotes(stops: ReadonlyArray<z.infer<typeof ROUTE_PLAN_STOP>>, timeZone: string): string[] {
  const notes: string[] = []
  const changed = stops.filter((s) => s.new_start)
  if (changed.length) {
    notes.push(
      `${changed.length === 1 ? 'One visit gets' : `${changed.length} visits get`} a new time in this order ` +
        `(${changed.map((s) => `#${s.number} ${localTime(new Date(s.scheduled_start), timeZone)} → ${localTime(new Date(s.new_start as string), timeZone)}`).join(', ')}); ` +
        'applying the plan moves them and emails each customer the new time, asking them to confirm it.',
    )
  }
  return notes
}

/** What the distances and driving times are, in words. */
function distanceNotes(measure: 'meters' | 'zip_and_town', tools: PlanTools): string[] {
  if (measure !== 'meters') return []
  if (tools.metric.kind === 'road') return ['Distances and driving times are by road, from the road router.']
  return [
    `${tools.routerFailed ? `The road router did not answer (${tools.routerFailed}), so distances` : 'Distances'} are straight lines ` +
      'between points, not the roads; driving times are estimated as 1.3 times the line at 40 km/h.' +
      (tools.routerFailed ? '' : ' A road router (CRM_ROUTER) gives road distances and times.'),
  ]
}

/** The stops of a day in the given order, each with its leg from the one before (meters only) and where the maps go. */
export function stopsOf(
  ordered: readonly DayVisit[],
  current: readonly DayVisit[],
  start: Point | null,
  measure: 'meters' | 'zip_and_town',
  metric: RouteMetric = STRAIGHT_LINE,
): Array<z.infer<typeof ROUTE_STOP> & { order_changed: boolean; maps_place: MapsPlace }> {
  let previous: Point | null = start
  return ordered.map((v, i) => {
    const point = pointOf(v)
    const leg = measure === 'meters' && point && previous ? Math.round(metric.meters(previous, point)) : null
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
      order_changed: current[i] !== v,
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
