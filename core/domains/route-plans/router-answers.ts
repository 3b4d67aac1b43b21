import { z } from 'zod'
import type { RoadTable } from './road-router.js'
import type { RoadLeg } from './router-tiles.js'

// OSRM and Mapbox (whose Directions and Matrix APIs grew out of OSRM) write tables and routes the same way.

const cell = z.number().nonnegative().nullable()
const leg = z.object({ distance: z.number().nonnegative(), duration: z.number().nonnegative() })
const routeAnswer = z.object({ routes: z.array(z.object({ legs: z.array(leg) })).min(1) })

/** A table answer's distances and durations, or null unless both are rows × columns of numbers and nulls. */
export function tableOf(body: unknown, rows: number, columns: number): RoadTable | null {
  const grid = z.array(z.array(cell).length(columns)).length(rows)
  const answer = z.object({ distances: grid, durations: grid }).safeParse(body)
  return answer.success ? { meters: answer.data.distances, seconds: answer.data.durations } : null
}

/** A route answer's legs (of its first, recommended route), or null unless it has exactly `count` of them. */
export function legsOf(body: unknown, count: number): RoadLeg[] | null {
  const answer = routeAnswer.safeParse(body)
  const legs = answer.success ? answer.data.routes[0].legs : null
  return legs?.length === count ? legs.map((l) => ({ meters: l.distance, seconds: l.duration })) : null
}

/** A tile's table with no road anywhere: null for each source and destination, 0 from a point to itself. */
export function roadlessTable(sources: number[], destinations: number[]): RoadTable {
  const grid = () => sources.map((s) => destinations.map((d) => (s === d ? 0 : null)))
  return { meters: grid(), seconds: grid() }
}
