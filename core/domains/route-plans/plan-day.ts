import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import { localTime } from '../../vocabulary/time.js'
import type { RoadRouter } from './road-router.js'
import { RouterError } from './road-router.js'
import { type DayVisit, planStops, type RouteStart, startOf, visitsOfDay, workingDay } from '../routes/day.js'
import { MAPS_WAYPOINTS, routeLink } from '../routes/maps-link.js'
import { type RouteMetric, STRAIGHT_LINE } from '../routes/metric.js'
import { movableUnder, type PlanResult, planRoute, type Point } from '../routes/planner.js'
import { mapsPlaceOf, pointOf, ROUTE_STOP, stopsOf } from '../routes/stops.js'
import { type StopTime, timesFor } from '../routes/timing.js'
import type { TenantSettings } from '../settings/model.js'
import { wallClock } from '../tickets/model.js'
import { roadMetric } from './road-metric.js'

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

/** What a plan is made with: the clock, and the road router when one is set up (else straight lines). */
export interface PlanTools {
  now: Date
  router: RoadRouter | null
}

/** How the day is measured: by the road router when it answers, else straight lines, and why not by road when it failed. */
async function metricOf(
  router: RoadRouter | null,
  points: Point[],
): Promise<{ metric: RouteMetric; routerFailed: string | null; roadless: number }> {
  if (!router || points.length < 2) return { metric: STRAIGHT_LINE, routerFailed: null, roadless: 0 }
  try {
    const metric = await roadMetric(router, points)
    return { metric, routerFailed: null, roadless: metric.roadless }
  } catch (e) {
    if (e instanceof RouterError) return { metric: STRAIGHT_LINE, routerFailed: e.message, roadless: 0 }
    throw e
  }
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
  tools: PlanTools,
): Promise<RoutePlan> {
  const visits = await visitsOfDay(db, technician.id, date, settings.timezone)
  const start = await startOf(db, technician.id)
  const points = [start, ...visits.map(pointOf)].filter((p): p is Point => p !== null)
  const measured = await metricOf(tools.router, points)
  const metric = measured.metric
  const { open, close } = workingDay(settings, date, visits)
  const now = tools.now.getTime()
  let planned = planStops(visits, date, settings.timezone)
  const keptForDriving: string[] = []
  let result: PlanResult
  let times: Map<string, StopTime>
  for (;;) {
    result = planRoute({ home: start, stops: planned, open, close, metric, now })
    // The order kept: every visit keeps its time too. A new order: visits that may move get the times it needs.
    times =
      result.order === planned
        ? new Map(planned.map((s) => [s.id, { start: s.start, end: s.end, late: false }]))
        : timesFor(result.order, movableUnder(result.measure), result.measure, metric, { open, close, now })
    // A visit the driving leaves no room for in its place keeps its booked time, and the day is planned again around it.
    const late = result.order.filter((s) => !s.fixed && times.get(s.id)?.late).map((s) => s.id)
    if (!late.length) break
    keptForDriving.push(...late)
    planned = planned.map((s) => (late.includes(s.id) ? { ...s, fixed: true } : s))
  }
  const byId = new Map(visits.map((v) => [v.ticket_id, v]))
  const ordered = result.order.map((s) => byId.get(s.id) as DayVisit)
  const metered = result.measure === 'meters'
  const stops = stopsOf(ordered, visits, start, result.measure, metric).map(({ maps_place, ...stop }) =>
    withTime(stop, times.get(stop.ticket_id) as StopTime),
  )
  const notes = planNotes(visits, ordered, start, result.measure, settings.timezone, result.overHours, byId)
  notes.push(...timeNotes(stops, settings.timezone), ...distanceNotes(result.measure, measured))
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
    distances: metered ? metric.kind : 'none',
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
function distanceNotes(
  measure: 'meters' | 'zip_and_town',
  measured: { metric: RouteMetric; routerFailed: string | null; roadless: number },
): string[] {
  if (measure !== 'meters') return []
  if (measured.metric.kind === 'road') {
    return [
      'Distances and driving times are by road, from the road router.' +
        (measured.roadless ? ` It found no road between ${measured.roadless} pairs of places, measured as straight lines instead.` : ''),
    ]
  }
  return [
    `${measured.routerFailed ? `The road router did not answer (${measured.routerFailed}), so distances` : 'Distances'} are straight lines ` +
      'between points, not the roads; driving times are estimated as 1.3 times the line at 40 km/h.' +
      (measured.routerFailed ? '' : ' A road router (CRM_ROUTER) gives road distances and times.'),
  ]
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
