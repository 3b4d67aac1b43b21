import type { Point } from '../routes/metric.js'

/** Road distances and driving times between every pair of points, as a router answers them. */
export interface RoadTable {
  /** meters[i][j]: road meters from points[i] to points[j]; null where no road joins them. */
  meters: (number | null)[][]
  /** seconds[i][j]: driving seconds from points[i] to points[j]; null where no road joins them. */
  seconds: (number | null)[][]
}

/** A road router: OSRM (self-hosted) or Mapbox's Matrix API. */
export interface RoadRouter {
  name: 'osrm' | 'mapbox'
  baseUrl: string
  /** Road meters and seconds between every pair of the points (any number of points: large sets are asked for in tiles). */
  table(points: readonly Point[]): Promise<RoadTable>
  /** Road meters and seconds of each leg driving through the points in order (legs.length = points.length - 1). */
  route(points: readonly Point[]): Promise<{ legs: Array<{ meters: number; seconds: number }> }>
}

/** The router could not answer: unreachable, refused the token, rate limited, or answered something else; message says which in words an owner reads. */
export class RouterError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RouterError'
  }
}
