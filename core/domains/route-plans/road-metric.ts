import { pointKey, type Point, type RouteMetric, STRAIGHT_LINE } from '../routes/metric.js'
import type { RoadRouter } from './road-router.js'

/** A day's metric from the road router: road meters and seconds between its points; a pair no road joins counts as a straight line. */
export interface RoadMetric extends RouteMetric {
  /** How many ordered pairs of distinct points the router found no road between (measured as straight lines). */
  roadless: number
}

/** Asks the router once for every pair of the day's points (home and visits); throws its RouterError when it cannot answer. */
export async function roadMetric(router: RoadRouter, points: readonly Point[]): Promise<RoadMetric> {
  const distinct = [...new Map(points.map((p) => [pointKey(p), p])).values()]
  const index = new Map(distinct.map((p, i) => [pointKey(p), i]))
  const table = await router.table(distinct)
  let roadless = 0
  for (let i = 0; i < distinct.length; i++)
    for (let j = 0; j < distinct.length; j++) if (i !== j && (table.meters[i][j] === null || table.seconds[i][j] === null)) roadless++
  const look = (grid: (number | null)[][], a: Point, b: Point, fallback: (a: Point, b: Point) => number) => {
    const i = index.get(pointKey(a))
    const j = index.get(pointKey(b))
    const value = i === undefined || j === undefined ? null : grid[i][j]
    return value ?? fallback(a, b)
  }
  return {
    kind: 'road',
    roadless,
    meters: (a, b) => look(table.meters, a, b, STRAIGHT_LINE.meters),
    seconds: (a, b) => look(table.seconds, a, b, STRAIGHT_LINE.seconds),
  }
}
