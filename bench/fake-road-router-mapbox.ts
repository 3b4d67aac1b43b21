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

/** Mapbox's routing profiles, and the most points one matrix request takes under each. */
const MATRIX_MOST: Record<string, number> = { driving: 25, 'driving-traffic': 10, walking: 25, cycling: 25 }
/** The most waypoints one Directions request takes. */
const DIRECTIONS_MOST = 25

const MATRIX_OPTIONS = new Set(['access_token', 'annotations', 'approaches', 'sources', 'destinations', 'fallback_speed', 'depart_at'])
const DIRECTIONS_OPTIONS = new Set([
  'access_token',
  'alternatives',
  'annotations',
  'approaches',
  'avoid_maneuver_radius',
  'banner_instructions',
  'bearings',
  'continue_straight',
  'exclude',
  'geometries',
  'language',
  'overview',
  'radiuses',
  'roundabout_exits',
  'steps',
  'voice_instructions',
  'voice_units',
  'waypoint_names',
  'waypoint_targets',
  'waypoints',
  'depart_at',
  'arrive_by',
])

/** Mapbox's answer to GET /directions-matrix/v1/mapbox/{profile}/{coordinates}: a 422 InvalidInput for what it cannot take. */
export function answerMatrix(profile: string, coordinates: string, url: URL, roads: FakeRoads): FakeAnswer {
  const most = MATRIX_MOST[profile]
  if (!most) return { status: 404, body: { code: 'ProfileNotFound', message: 'Profile not found' } }
  const q = url.searchParams
  const points = checkedPoints(coordinates, url, MATRIX_OPTIONS, most)
  if (!Array.isArray(points)) return points
  const annotations = (q.get('annotations') ?? 'duration').split(',')
  if (!annotations.every((a) => a === 'duration' || a === 'distance')) {
    return invalid(`annotations must be one or more of duration, distance; got ${q.get('annotations')}`)
  }
  const sources = indexList(q.get('sources'), points.length)
  const destinations = indexList(q.get('destinations'), points.length)
  if (typeof sources === 'string') return invalid(`sources must be all or a list of coordinate indexes separated by ";" (${sources})`)
  if (typeof destinations === 'string')
    return invalid(`destinations must be all or a list of coordinate indexes separated by ";" (${destinations})`)
  const roadsOf = sources.map((s) => destinations.map((d) => roads.between(points[s], points[d])))
  // Not one road between two different points of the request: Mapbox answers no route at all.
  const apart = sources.flatMap((s, a) => destinations.map((d, b) => (s === d ? undefined : roadsOf[a][b])).filter((r) => r !== undefined))
  if (apart.length > 0 && apart.every((r) => r === null)) return { status: 200, body: { code: 'NoRoute', message: 'No route found' } }
  const body: Record<string, unknown> = { code: 'Ok' }
  if (annotations.includes('duration')) body.durations = roadsOf.map((row) => row.map((r) => r?.seconds ?? null))
  if (annotations.includes('distance')) body.distances = roadsOf.map((row) => row.map((r) => r?.meters ?? null))
  body.destinations = destinations.map((d) => waypointOf(points[d]))
  body.sources = sources.map((s) => waypointOf(points[s]))
  return { status: 200, body }
}

/** Mapbox's answer to GET /directions/v5/mapbox/{profile}/{coordinates}: the recommended route and its legs. */
export function answerDirections(profile: string, coordinates: string, url: URL, roads: FakeRoads, uuid: string): FakeAnswer {
  if (!MATRIX_MOST[profile]) return { status: 404, body: { code: 'ProfileNotFound', message: 'Profile not found' } }
  const q = url.searchParams
  const points = checkedPoints(coordinates, url, DIRECTIONS_OPTIONS, DIRECTIONS_MOST)
  if (!Array.isArray(points)) return points
  if (q.has('overview') && !/^(full|simplified|false)$/.test(q.get('overview') ?? '')) {
    return invalid('overview must be one of full, simplified, false')
  }
  if (q.has('steps') && !/^(true|false)$/.test(q.get('steps') ?? '')) return invalid('steps must be true or false')
  const legs = points.slice(1).map((p, i) => roads.between(points[i], p))
  if (legs.some((l) => l === null)) return { status: 200, body: { code: 'NoRoute', message: 'No route found' } }
  const roadLegs = legs as FakeRoad[]
  const meters = tenths(roadLegs.reduce((sum, l) => sum + l.meters, 0))
  const seconds = tenths(roadLegs.reduce((sum, l) => sum + l.seconds, 0))
  // The fake draws no geometry and gives no turn-by-turn steps, whatever overview and steps ask for.
  const legBodies = roadLegs.map((l) => ({
    via_waypoints: [],
    weight: l.seconds,
    duration: l.seconds,
    steps: [],
    distance: l.meters,
    summary: '',
  }))
  return {
    status: 200,
    body: {
      routes: [{ weight_name: 'auto', weight: seconds, duration: seconds, distance: meters, legs: legBodies }],
      waypoints: points.map(waypointOf),
      code: 'Ok',
      uuid,
    },
  }
}

/** The request's points, once its options are all known and its coordinates are 2 to `most` points on the earth. */
function checkedPoints(coordinates: string, url: URL, known: Set<string>, most: number): LonLat[] | FakeAnswer {
  const unknown = [...url.searchParams.keys()].filter((key) => !known.has(key))
  if (unknown.length) return invalid(`Unrecognized option${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`)
  const points = parseCoordinates(coordinates)
  if (!points?.every(onEarth)) return invalid('Coordinates must be longitude,latitude pairs on the earth, separated by ";"')
  if (points.length < 2) return invalid('At least two coordinates must be given')
  if (points.length > most) return invalid(`Too many coordinates; maximum number of coordinates is ${most}.`)
  return points
}

function invalid(message: string): FakeAnswer {
  return { status: 422, body: { message, code: 'InvalidInput' } }
}
