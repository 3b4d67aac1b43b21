// Orders a day's visits to cut driving: visits with a fixed time stay in time order, anytime visits go where they add least.

import { type Point, type RouteMetric, STRAIGHT_LINE } from './metric.js'
import { nextFiveMinutes } from './timing.js'

export { metersBetween, type Point } from './metric.js'

/** Where a stop is, as well as it is known: its point, and its ZIP code and town for the fallback without points. */
export interface Place {
  point: Point | null
  zip: string | null
  town: string | null
}

/** One visit of the day as the planner sees it. */
export interface PlanStop {
  id: string
  /** Stays at its time: a visit with a fixed time, one already started, or one the planner cannot place. */
  fixed: boolean
  start: number
  end: number
  place: Place
  /** When an anytime stop may be, within its day (epoch ms): it goes only where the window leaves room for its length. */
  window?: { from: number; to: number } | null
}

/** A day to order: where it starts and ends, its stops in their current order, and the working day's bounds (epoch ms). */
export interface PlanInput {
  home: Point | null
  stops: PlanStop[]
  open: number
  close: number
  /** How far between points: straight lines unless a road router answered. */
  metric?: RouteMetric
  /** The present (epoch ms): no stop moves into time already gone. */
  now?: number
}

/** How stops are compared: meters between points, or, without points, changes of ZIP code and town. */
export type Measure = 'meters' | 'zip_and_town'

/** A planned day: the stops in their new order, its cost before and after, and the anytime stops left over the day's hours. */
export interface PlanResult {
  order: PlanStop[]
  measure: Measure
  before: number
  after: number
  overHours: string[]
}

/** Meters when both places have points (by the metric); else 0 in the same ZIP code, 1 in the same town, 2 otherwise. */
function costOf(measure: Measure, metric: RouteMetric): (a: Place, b: Place) => number {
  if (measure === 'meters') return (a, b) => metric.meters(a.point as Point, b.point as Point)
  return (a, b) => (a.zip && a.zip === b.zip ? 0 : a.town && a.town === b.town ? 1 : 2)
}

/** Whether a stop can be measured under the measure: a point, or a ZIP code or town. */
function measurable(measure: Measure, place: Place): boolean {
  return measure === 'meters' ? place.point !== null : place.zip !== null || place.town !== null
}

/** Whether a stop may move under the measure: an anytime stop the measure can place. */
export function movableUnder(measure: Measure): (s: PlanStop) => boolean {
  return (s) => !s.fixed && measurable(measure, s.place)
}

/** The measure a day is planned with: meters when two or more stops have points, else ZIP codes and towns. */
export function measureFor(stops: readonly PlanStop[]): Measure {
  return stops.filter((s) => s.place.point).length >= 2 ? 'meters' : 'zip_and_town'
}

/** The cost of driving a sequence: from home through every measurable stop and back (without a home, first to last). */
export function routeCost(measure: Measure, home: Point | null, stops: readonly PlanStop[], metric: RouteMetric = STRAIGHT_LINE): number {
  const cost = costOf(measure, metric)
  const places = stops.map((s) => s.place).filter((p) => measurable(measure, p))
  const start = measure === 'meters' && home ? [{ point: home, zip: null, town: null }] : []
  const path = [...start, ...places, ...start]
  let total = 0
  for (let i = 1; i < path.length; i++) total += cost(path[i - 1], path[i])
  return total
}

/** The stops between fixed ones: each gap's anytime stops, its bounds (epoch ms), the room it has, and the points either side. */
interface Gap {
  stops: PlanStop[]
  from: number
  to: number
  room: number
  before: Point | null
  after: Point | null
}

/** Lays the day out as gaps around its fixed stops: [gap 0, fixed 0, gap 1, fixed 1, ..., gap n], none before now. */
function gapsAround(fixed: PlanStop[], open: number, close: number, now = Number.NEGATIVE_INFINITY): Gap[] {
  const bounds = [open, ...fixed.flatMap((f) => [f.start, f.end]), close]
  return Array.from({ length: fixed.length + 1 }, (_, i) => {
    const from = Math.max(bounds[2 * i], now)
    const before = i > 0 ? fixed[i - 1].place.point : null
    const after = i < fixed.length ? fixed[i].place.point : null
    return { stops: [], from, to: bounds[2 * i + 1], room: Math.max(0, bounds[2 * i + 1] - from), before, after }
  })
}

/**
 * Whether a gap's stops, in their order, can each start after the one before and the drive from it (on the next five
 * minutes, as timesFor gives them), inside its window, and leave time to drive on to the next fixed stop before it starts.
 */
function drivable(gap: Gap, measure: Measure, metric: RouteMetric): boolean {
  const pointOf = (s: PlanStop) => (measure === 'meters' ? s.place.point : null)
  const drive = (a: Point | null, b: Point | null) => (a && b && measure === 'meters' ? metric.seconds(a, b) * 1000 : 0)
  let t = gap.from
  let at = gap.before
  for (const s of gap.stops) {
    t = nextFiveMinutes(Math.max(t + drive(at, pointOf(s)), s.window?.from ?? Number.NEGATIVE_INFINITY))
    t += s.end - s.start
    if (s.window && t > s.window.to) return false
    at = pointOf(s) ?? at
  }
  return t + drive(at, gap.after) <= gap.to
}

/**
 * Whether a stop may join a gap: the gap has room for its length beside the stops already in it, and, for a stop with a
 * window, the part of the gap the window covers holds its length beside the windowed stops already there.
 */
function fits(gap: Gap, stop: PlanStop): boolean {
  const length = stop.end - stop.start
  if (used(gap) + length > gap.room) return false
  if (!stop.window) return true
  const from = Math.max(gap.from, stop.window.from)
  const to = Math.min(gap.to, stop.window.to)
  const windowed = gap.stops.filter((s) => s.window && s.window.from < to && s.window.to > from)
  return to - from >= length + windowed.reduce((sum, s) => sum + (s.end - s.start), 0)
}

function sequence(fixed: PlanStop[], gaps: Gap[]): PlanStop[] {
  return gaps.flatMap((g, i) => (i < fixed.length ? [...g.stops, fixed[i]] : g.stops))
}

const used = (g: Gap) => g.stops.reduce((sum, s) => sum + (s.end - s.start), 0)

/**
 * Orders the day: fixed stops keep their time order, and each anytime stop goes into the gap between them (with room for
 * its length, within its window when it has one) and the place where it adds least, by cheapest insertion, then moves one at a time and reversed runs while
 * either shortens the day. The current order is kept when the plan would not shorten it and it keeps every window.
 */
export function planRoute(input: PlanInput): PlanResult {
  const measure = measureFor(input.stops)
  const movable = movableUnder(measure)
  const fixed = input.stops.filter((s) => !movable(s)).sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))
  const loose = input.stops.filter(movable)
  const gaps = gapsAround(fixed, input.open, input.close, input.now)
  const cost = (stops: PlanStop[]) => routeCost(measure, input.home, stops, input.metric)
  const canDrive = (gap: Gap) => drivable(gap, measure, input.metric ?? STRAIGHT_LINE)
  const overHours: string[] = []

  const remaining = [...loose]
  while (remaining.length) {
    let best: { stop: PlanStop; gap: number; at: number; total: number } | null = null
    for (const stop of remaining) {
      for (let g = 0; g < gaps.length; g++) {
        if (!fits(gaps[g], stop)) continue
        for (let at = 0; at <= gaps[g].stops.length; at++) {
          gaps[g].stops.splice(at, 0, stop)
          const total = canDrive(gaps[g]) ? cost(sequence(fixed, gaps)) : Number.POSITIVE_INFINITY
          gaps[g].stops.splice(at, 1)
          if (total < (best?.total ?? Number.POSITIVE_INFINITY)) best = { stop, gap: g, at, total }
        }
      }
    }
    if (!best) {
      // No gap has room for any of the rest: each goes to the gap holding its booked time, over the hours, and is said so.
      for (const stop of remaining) {
        const g = fixed.filter((f) => f.start <= stop.start).length
        gaps[g].stops.push(stop)
        overHours.push(stop.id)
      }
      break
    }
    gaps[best.gap].stops.splice(best.at, 0, best.stop)
    remaining.splice(remaining.indexOf(best.stop), 1)
  }

  improve(gaps, fixed, cost, canDrive, overHours)
  const planned = sequence(fixed, gaps)
  const before = cost(input.stops)
  const after = cost(planned)
  if (after >= before && keepsWindows(input.stops, movable, gapsAround(fixed, input.open, input.close, input.now)))
    return { order: input.stops, measure, before, after: before, overHours: [] }
  return { order: planned, measure, before, after, overHours }
}

/** Whether an order puts every anytime stop with a window into a gap its window covers (the others are not judged). */
function keepsWindows(order: readonly PlanStop[], movable: (s: PlanStop) => boolean, gaps: Gap[]): boolean {
  let g = 0
  for (const s of order) {
    if (!movable(s)) g = Math.min(g + 1, gaps.length - 1)
    else if (s.window && !fits(gaps[g], s)) return false
    else gaps[g].stops.push(s)
  }
  return true
}

/** Moves single anytime stops and reverses runs of them inside a gap, while either shortens the day (at most 50 rounds). */
function improve(
  gaps: Gap[],
  fixed: PlanStop[],
  cost: (stops: PlanStop[]) => number,
  canDrive: (gap: Gap) => boolean,
  overHours: string[],
): void {
  let current = cost(sequence(fixed, gaps))
  for (let round = 0; round < 50; round++) {
    let better = false
    for (let g = 0; g < gaps.length; g++) {
      for (let i = 0; i < gaps[g].stops.length; i++) {
        const stop = gaps[g].stops[i]
        if (overHours.includes(stop.id)) continue
        gaps[g].stops.splice(i, 1)
        let best = { gap: g, at: i, total: current }
        for (let h = 0; h < gaps.length; h++) {
          if (!fits(gaps[h], stop)) continue
          for (let at = 0; at <= gaps[h].stops.length; at++) {
            gaps[h].stops.splice(at, 0, stop)
            const total = canDrive(gaps[h]) ? cost(sequence(fixed, gaps)) : Number.POSITIVE_INFINITY
            gaps[h].stops.splice(at, 1)
            if (total < best.total - 1e-6) best = { gap: h, at, total }
          }
        }
        gaps[best.gap].stops.splice(best.at, 0, stop)
        if (best.total < current - 1e-6) {
          current = best.total
          better = true
        }
      }
      for (let i = 0; i < gaps[g].stops.length - 1; i++) {
        for (let j = i + 1; j < gaps[g].stops.length; j++) {
          const run = gaps[g].stops
          const reversed = [...run.slice(0, i), ...run.slice(i, j + 1).reverse(), ...run.slice(j + 1)]
          const was = gaps[g].stops
          gaps[g].stops = reversed
          const total = canDrive(gaps[g]) ? cost(sequence(fixed, gaps)) : Number.POSITIVE_INFINITY
          if (total < current - 1e-6) {
            current = total
            better = true
          } else gaps[g].stops = was
        }
      }
    }
    if (!better) return
  }
}
