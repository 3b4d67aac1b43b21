import type { Point, RouteMetric } from './metric.js'
import type { Measure, PlanStop } from './planner.js'

/** A stop's time in a planned order (epoch ms), and whether it runs past what comes after it (the next fixed visit, its window, closing). */
export interface StopTime {
  start: number
  end: number
  late: boolean
}

/** The bounds a day's times keep (epoch ms): the working day, and now (no visit is moved to a time already gone). */
export interface DayBounds {
  open: number
  close: number
  now: number
}

const FIVE_MINUTES = 5 * 60_000

/** The instant on the next five minutes (itself when on one): times customers are given. */
export const nextFiveMinutes = (ms: number) => Math.ceil(ms / FIVE_MINUTES) * FIVE_MINUTES

/**
 * The times of a day in a planned order. Fixed stops keep theirs. Each stop that may move keeps its booked time when that
 * still comes after the stop before it and the drive from there, and leaves room to drive on to what follows; else it starts
 * as soon as that drive allows (within its window, not before now), on the next five minutes.
 */
export function timesFor(
  order: readonly PlanStop[],
  movable: (s: PlanStop) => boolean,
  measure: Measure,
  metric: RouteMetric,
  bounds: DayBounds,
): Map<string, StopTime> {
  const pointOf = (s: PlanStop) => (measure === 'meters' ? s.place.point : null)
  const drive = (a: Point | null, b: Point | null) => (a && b ? metric.seconds(a, b) * 1000 : 0)
  const latest = new Map<string, number>()
  let nextStart = bounds.close
  let nextPoint: Point | null = null
  for (let i = order.length - 1; i >= 0; i--) {
    const s = order[i]
    if (movable(s)) {
      const length = s.end - s.start
      const last = Math.min(nextStart - drive(pointOf(s), nextPoint), s.window?.to ?? Number.POSITIVE_INFINITY) - length
      latest.set(s.id, last)
      nextStart = last
    } else nextStart = s.start
    nextPoint = pointOf(s) ?? nextPoint
  }
  const times = new Map<string, StopTime>()
  let previousEnd = bounds.open
  let previousPoint: Point | null = null
  for (const s of order) {
    const length = s.end - s.start
    let start = s.start
    if (movable(s)) {
      const earliest = Math.max(previousEnd + drive(previousPoint, pointOf(s)), s.window?.from ?? Number.NEGATIVE_INFINITY, bounds.now)
      const last = latest.get(s.id) as number
      if (s.start < earliest || s.start > last) start = nextFiveMinutes(earliest)
      times.set(s.id, { start, end: start + length, late: start > last })
    } else times.set(s.id, { start, end: s.end, late: false })
    previousEnd = start + length
    previousPoint = pointOf(s) ?? previousPoint
  }
  return times
}
