import { metersBetween } from '../core/domains/routes/planner.js'

/** A coordinate as routers write it: [longitude, latitude]. */
export type LonLat = [number, number]

/** What the fake answers one request: a status, a JSON body (or, when raw, text as it is), and any headers. */
export interface FakeAnswer {
  status: number
  body: unknown
  headers?: Record<string, string>
  raw?: boolean
}

/** One road between two points: its meters and driving seconds. */
export interface FakeRoad {
  meters: number
  seconds: number
}

/** The fake's road network: every two points joined by a road 1.3 times the straight line, at 13.4 m/s (about 30 mph), except where cut. */
export interface FakeRoads {
  /** No road leads from a to b; nor back, unless oneWay. */
  cut(a: LonLat, b: LonLat, oneWay?: boolean): void
  /** The road from a to b, or null where none joins them. */
  between(a: LonLat, b: LonLat): FakeRoad | null
}

/** Road meters per straight-line meter, and driving speed in meters per second. */
const DETOUR = 1.3
const SPEED = 13.4

/** A new road network with every pair joined. */
export function fakeRoads(): FakeRoads {
  const cuts = new Set<string>()
  const way = (a: LonLat, b: LonLat) => `${keyOf(a)}>${keyOf(b)}`
  return {
    cut(a, b, oneWay = false) {
      cuts.add(way(a, b))
      if (!oneWay) cuts.add(way(b, a))
    },
    between(a, b) {
      if (keyOf(a) === keyOf(b)) return { meters: 0, seconds: 0 }
      if (cuts.has(way(a, b))) return null
      const meters = metersBetween({ longitude: a[0], latitude: a[1] }, { longitude: b[0], latitude: b[1] }) * DETOUR
      return { meters: tenths(meters), seconds: tenths(meters / SPEED) }
    },
  }
}

/** The coordinates of a URL path ("lon,lat;lon,lat"), or null where one is not two numbers. */
export function parseCoordinates(text: string): LonLat[] | null {
  const points = text.split(';').map((pair) => {
    const parts = pair.split(',')
    if (parts.length !== 2 || parts.some((p) => !/^-?\d+(\.\d+)?$/.test(p))) return null
    return [Number(parts[0]), Number(parts[1])] as LonLat
  })
  return points.every((p) => p !== null) ? (points as LonLat[]) : null
}

/** Whether a coordinate is on the earth. */
export function onEarth([lon, lat]: LonLat): boolean {
  return Math.abs(lon) <= 180 && Math.abs(lat) <= 90
}

/** A list of indexes as sources and destinations are written ("all", or "0;2;5"), or why not: malformed, or out of range. */
export function indexList(text: string | null, count: number): number[] | 'malformed' | 'out of range' {
  if (text === null || text === 'all') return Array.from({ length: count }, (_, i) => i)
  if (!/^\d+(;\d+)*$/.test(text)) return 'malformed'
  const list = text.split(';').map(Number)
  return list.every((i) => i < count) ? list : 'out of range'
}

/** A waypoint as both routers describe a point they snapped: where it landed, how far it moved, and the road's name. */
export function waypointOf(p: LonLat): { name: string; location: LonLat; distance: number } {
  return { name: '', location: p, distance: 0 }
}

/** Rounds to a tenth, as the routers write meters and seconds. */
export function tenths(value: number): number {
  return Math.round(value * 10) / 10
}

function keyOf([lon, lat]: LonLat): string {
  return `${lon.toFixed(6)},${lat.toFixed(6)}`
}
