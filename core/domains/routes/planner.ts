// Orders a day's visits to cut driving: visits with a fixed time stay in time order, anytime visits go where they add least.

/** A point on the earth, in degrees. */
export interface Point {
  latitude: number
  longitude: number
}

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

const EARTH_RADIUS_M = 6_371_008.8
const rad = (deg: number) => (deg * Math.PI) / 180

/** Meters between two points along the earth (haversine, mean radius): the same figure as the SQL function distance_meters. */
export function metersBetween(a: Point, b: Point): number {
  const dLat = rad(b.latitude - a.latitude)
  const dLon = rad(b.longitude - a.longitude)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Meters when both places have points; else 0 in the same ZIP code, 1 in the same town, 2 otherwise. */
function costOf(measure: Measure): (a: Place, b: Place) => number {
  if (measure === 'meters') return (a, b) => metersBetween(a.point as Point, b.point as Point)
  return (a, b) => (a.zip && a.zip === b.zip ? 0 : a.town && a.town === b.town ? 1 : 2)
}

/** Whether a stop can be measured under the measure: a point, or a ZIP code or town. */
function measurable(measure: Measure, place: Place): boolean {
  return measure === 'meters' ? place.point !== null : place.zip !== null || place.town !== null
}

/** The measure a day is planned with: meters when two or more stops have points, else ZIP codes and towns. */
export function measureFor(stops: readonly PlanStop[]): Measure {
  return stops.filter((s) => s.place.point).length >= 2 ? 'meters' : 'zip_and_town'
}

/** The cost of driving a sequence: from home through every measurable stop and back (without a home, first to last). */
export function routeCost(measure: Measure, home: Point | null, stops: readonly PlanStop[]): number {
  const cost = costOf(measure)
  const places = stops.map((s) => s.place).filter((p) => measurable(measure, p))
  const start = measure === 'meters' && home ? [{ point: home, zip: null, town: null }] : []
  const path = [...start, ...places, ...start]
  let total = 0
  for (let i = 1; i < path.length; i++) total += cost(path[i - 1], path[i])
  return total
}

/** The stops between fixed ones: each gap's anytime stops, its bounds (epoch ms), and the room it has. */
interface Gap {
  stops: PlanStop[]
  from: number
  to: number
  room: number
}

/** Lays the day out as gaps around its fixed stops: [gap 0, fixed 0, gap 1, fixed 1, ..., gap n]. */
function gapsAround(fixed: PlanStop[], open: number, close: number): Gap[] {
  const bounds = [open, ...fixed.flatMap((f) => [f.start, f.end]), close]
  return Array.from({ length: fixed.length + 1 }, (_, i) => ({
    stops: [],
    from: bounds[2 * i],
    to: bounds[2 * i + 1],
    room: Math.max(0, bounds[2 * i + 1] - bounds[2 * i]),
  }))
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
  const movable = (s: PlanStop) => !s.fixed && measurable(measure, s.place)
  const fixed = input.stops.filter((s) => !movable(s)).sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))
  const loose = input.stops.filter(movable)
  const gaps = gapsAround(fixed, input.open, input.close)
  const cost = (stops: PlanStop[]) => routeCost(measure, input.home, stops)
  const overHours: string[] = []

  const remaining = [...loose]
  while (remaining.length) {
    let best: { stop: PlanStop; gap: number; at: number; total: number } | null = null
    for (const stop of remaining) {
      for (let g = 0; g < gaps.length; g++) {
        if (!fits(gaps[g], stop)) continue
        for (let at = 0; at <= gaps[g].stops.length; at++) {
          gaps[g].stops.splice(at, 0, stop)
          const total = cost(sequence(fixed, gaps))
          gaps[g].stops.splice(at, 1)
          if (!best || total < best.total) best = { stop, gap: g, at, total }
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

  improve(gaps, fixed, cost, overHours)
  const planned = sequence(fixed, gaps)
  const before = cost(input.stops)
  const after = cost(planned)
  if (after >= before && keepsWindows(input.stops, movable, gapsAround(fixed, input.open, input.close)))
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
function improve(gaps: Gap[], fixed: PlanStop[], cost: (stops: PlanStop[]) => number, overHours: string[]): void {
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
            const total = cost(sequence(fixed, gaps))
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
          const total = cost(sequence(fixed, gaps))
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
