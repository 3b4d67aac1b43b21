import {
  type FakeAnswer,
  type FakeRoad,
  type FakeRoads,
  indexList,
  type LonLat,
  onEarth,
  parseCoordinates,
  tenths,
  waypointOf,
} from './fake-road-roads.js'

/** The limits an osrm-routed server was started with: --max-table-size and --max-viaroute-size. */
export interface OsrmLimits {
  maxTable: number
  maxRoute: number
}

/** The options every OSRM service takes, and those of the table and route services (docs/http.md). */
const GENERAL = ['bearings', 'radiuses', 'generate_hints', 'hints', 'approaches', 'exclude', 'snapping', 'skip_waypoints']
const TABLE_OPTIONS = new Set([
  ...GENERAL,
  'sources',
  'destinations',
  'annotations',
  'fallback_speed',
  'fallback_coordinate',
  'scale_factor',
])
const ROUTE_OPTIONS = new Set([
  ...GENERAL,
  'alternatives',
  'steps',
  'annotations',
  'geometries',
  'overview',
  'continue_straight',
  'waypoints',
])
const TABLE_ANNOTATIONS = new Set(['duration', 'distance', 'duration,distance', 'distance,duration'])

/** osrm-routed's answer to GET /{table|route}/v1/{profile}/{coordinates}?{query}: any error is HTTP 400 with a code and message. */
export function answerOsrm(service: 'table' | 'route', coordinates: string, url: URL, roads: FakeRoads, limits: OsrmLimits): FakeAnswer {
  const error = (code: string, message: string): FakeAnswer => ({ status: 400, body: { code, message } })
  const points = parseCoordinates(coordinates)
  if (!points) return error('InvalidUrl', `URL string malformed close to position ${url.pathname.indexOf(coordinates)}`)
  const known = service === 'table' ? TABLE_OPTIONS : ROUTE_OPTIONS
  const unknown = [...url.searchParams.keys()].find((key) => !known.has(key))
  if (unknown !== undefined) return error('InvalidQuery', `Query string malformed close to position ${positionOf(url, unknown)}`)
  if (points.length < 2) return error('InvalidOptions', 'Number of coordinates needs to be at least two.')
  return service === 'table' ? table(points, url, roads, limits, error) : route(points, url, roads, limits, error)
}

function table(points: LonLat[], url: URL, roads: FakeRoads, limits: OsrmLimits, error: (c: string, m: string) => FakeAnswer): FakeAnswer {
  const q = url.searchParams
  const annotations = q.get('annotations') ?? 'duration'
  if (!TABLE_ANNOTATIONS.has(annotations))
    return error('InvalidQuery', `Query string malformed close to position ${positionOf(url, 'annotations')}`)
  const sources = indexList(q.get('sources'), points.length)
  const destinations = indexList(q.get('destinations'), points.length)
  if (sources === 'malformed') return error('InvalidQuery', `Query string malformed close to position ${positionOf(url, 'sources')}`)
  if (destinations === 'malformed')
    return error('InvalidQuery', `Query string malformed close to position ${positionOf(url, 'destinations')}`)
  // osrm-routed checks an index against the coordinates without a message of its own.
  if (sources === 'out of range' || destinations === 'out of range') return error('InvalidOptions', '')
  if (!points.every(onEarth)) return error('InvalidOptions', 'Coordinates are invalid')
  if (sources.length * destinations.length > limits.maxTable ** 2) return error('TooBig', 'Too many table coordinates')
  const roadsOf = sources.map((s) => destinations.map((d) => roads.between(points[s], points[d])))
  const body: Record<string, unknown> = { code: 'Ok' }
  if (annotations.includes('duration')) body.durations = roadsOf.map((row) => row.map((r) => r?.seconds ?? null))
  if (annotations.includes('distance')) body.distances = roadsOf.map((row) => row.map((r) => r?.meters ?? null))
  body.sources = sources.map((s) => waypointOf(points[s]))
  body.destinations = destinations.map((d) => waypointOf(points[d]))
  return { status: 200, body }
}

function route(points: LonLat[], url: URL, roads: FakeRoads, limits: OsrmLimits, error: (c: string, m: string) => FakeAnswer): FakeAnswer {
  const q = url.searchParams
  const checks: Array<[string, RegExp]> = [
    ['overview', /^(simplified|full|false|by_legs)$/],
    ['steps', /^(true|false)$/],
    ['alternatives', /^(true|false|\d+)$/],
  ]
  const bad = checks.find(([name, allowed]) => q.has(name) && !allowed.test(q.get(name) ?? ''))
  if (bad) return error('InvalidQuery', `Query string malformed close to position ${positionOf(url, bad[0])}`)
  if (points.length > limits.maxRoute) {
    return error('TooBig', `Number of entries ${points.length} is higher than current maximum (${limits.maxRoute})`)
  }
  if (!points.every(onEarth)) return error('InvalidValue', 'Invalid coordinate value.')
  const legs = points.slice(1).map((p, i) => roads.between(points[i], p))
  if (legs.some((l) => l === null)) return error('NoRoute', 'Impossible route between points')
  const roadLegs = legs as FakeRoad[]
  const meters = tenths(roadLegs.reduce((sum, l) => sum + l.meters, 0))
  const seconds = tenths(roadLegs.reduce((sum, l) => sum + l.seconds, 0))
  // The fake draws no geometry and gives no turn-by-turn steps, whatever overview and steps ask for.
  const legBodies = roadLegs.map((l) => ({
    steps: [],
    summary: '',
    weight: l.seconds,
    duration: l.seconds,
    distance: l.meters,
  }))
  return {
    status: 200,
    body: {
      code: 'Ok',
      routes: [{ legs: legBodies, weight_name: 'routability', weight: seconds, duration: seconds, distance: meters }],
      waypoints: points.map(waypointOf),
    },
  }
}

/** Where in the request OSRM's parser stopped: the option's place in the whole path and query. */
function positionOf(url: URL, option: string): number {
  const whole = `${url.pathname}${url.search}`
  const at = whole.indexOf(`${option}=`)
  return at < 0 ? whole.indexOf(option) : at
}
