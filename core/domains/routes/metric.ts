/** A point on the earth, in degrees. */
export interface Point {
  latitude: number
  longitude: number
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

/** How far and how long from one point to another: straight lines with an estimate of driving, or a road router's answers. */
export interface RouteMetric {
  kind: 'straight_line' | 'road'
  meters(a: Point, b: Point): number
  seconds(a: Point, b: Point): number
}

// Roads wind: a straight line is about 1.3 times shorter than the drive, and town driving averages about 40 km/h.
const DETOUR = 1.3
const METERS_PER_SECOND = 40_000 / 3600

/** Straight lines between points, and driving time estimated from them (1.3 times the line at 40 km/h). */
export const STRAIGHT_LINE: RouteMetric = {
  kind: 'straight_line',
  meters: metersBetween,
  seconds: (a, b) => (metersBetween(a, b) * DETOUR) / METERS_PER_SECOND,
}

/** A point as a key: equal points are one place. */
export const pointKey = (p: Point) => `${p.latitude.toFixed(6)},${p.longitude.toFixed(6)}`
