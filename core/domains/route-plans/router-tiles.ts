import type { Point } from '../routes/metric.js'
import type { RoadTable } from './road-router.js'

/**
 * One request of a large table: the points it carries (indexes into the whole set, in the order sent), and which of
 * them are its sources and destinations (indexes into `ids`); `whole` when every point it carries is both.
 */
export interface TableTile {
  ids: number[]
  sources: number[]
  destinations: number[]
  whole: boolean
}

/** One leg of a route: road meters and driving seconds from a point to the next. */
export interface RoadLeg {
  meters: number
  seconds: number
}

/**
 * The requests that cover a count × count table when one request may carry at most `most` points: one request when
 * they all fit; else a block of sources against a block of destinations, the two blocks together within `most`, sized
 * for the fewest requests. Every pair is asked once, so a router that bills by pair bills no more than for one table.
 */
export function tableTiles(count: number, most: number): TableTile[] {
  if (most < 2) throw new RangeError(`a table request must carry at least 2 points, not ${most}`)
  const all = Array.from({ length: count }, (_, i) => i)
  if (count <= most) return [{ ids: all, sources: all, destinations: all, whole: true }]
  let rows = 1
  for (let r = 2; r < most; r++) {
    if (requestsFor(count, r, most - r) < requestsFor(count, rows, most - rows)) rows = r
  }
  const tiles: TableTile[] = []
  for (const from of blocks(all, rows)) {
    for (const to of blocks(all, most - rows)) {
      const ids = [...from, ...to.filter((i) => !from.includes(i))]
      tiles.push({ ids, sources: from.map((i) => ids.indexOf(i)), destinations: to.map((i) => ids.indexOf(i)), whole: false })
    }
  }
  return tiles
}

/** The whole table, asked tile by tile: `ask` answers a tile's sources × destinations, and its answers are set in place. */
export async function tiledTable(
  points: readonly Point[],
  most: number,
  ask: (points: Point[], tile: TableTile) => Promise<RoadTable>,
): Promise<RoadTable> {
  const count = points.length
  // One point needs no router, and routers refuse a table of fewer than two.
  if (count < 2) return { meters: points.map(() => [0]), seconds: points.map(() => [0]) }
  const meters: (number | null)[][] = points.map(() => Array(count).fill(null))
  const seconds: (number | null)[][] = points.map(() => Array(count).fill(null))
  for (const tile of tableTiles(count, most)) {
    const part = await ask(
      tile.ids.map((i) => points[i]),
      tile,
    )
    tile.sources.forEach((s, a) => {
      tile.destinations.forEach((d, b) => {
        meters[tile.ids[s]][tile.ids[d]] = part.meters[a][b]
        seconds[tile.ids[s]][tile.ids[d]] = part.seconds[a][b]
      })
    })
  }
  return { meters, seconds }
}

/** The legs through all the points, asked `most` points at a time: each request starts where the one before ended. */
export async function chainedRoute(
  points: readonly Point[],
  most: number,
  ask: (points: Point[]) => Promise<RoadLeg[]>,
): Promise<{ legs: RoadLeg[] }> {
  if (most < 2) throw new RangeError(`a route request must carry at least 2 points, not ${most}`)
  const legs: RoadLeg[] = []
  for (let start = 0; start < points.length - 1; start += most - 1) {
    legs.push(...(await ask(points.slice(start, start + most))))
  }
  return { legs }
}

function requestsFor(count: number, rows: number, columns: number): number {
  return Math.ceil(count / rows) * Math.ceil(count / columns)
}

function blocks(ids: number[], size: number): number[][] {
  const out: number[][] = []
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size))
  return out
}
