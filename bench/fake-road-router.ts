import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Point } from '../core/domains/routes/planner.js'
import { answerDirections, answerMatrix } from './fake-road-router-mapbox.js'
import { answerOsrm } from './fake-road-router-osrm.js'
import { type FakeAnswer, fakeRoads } from './fake-road-roads.js'

/** The token the fake's Mapbox accepts at first; any other is refused as Mapbox refuses it. */
export const FAKE_ROUTER_TOKEN = 'pk.fake-router-token'
/** The moment (Unix seconds) the fake's Mapbox says a rate limit's count starts again: fixed, so words about it are too. */
export const FAKE_RATE_LIMIT_RESET = 1_800_000_000

/** Which of the four APIs a request asked for, by its path. */
export type FakeRouterApi = 'osrm-table' | 'osrm-route' | 'mapbox-matrix' | 'mapbox-directions' | 'unknown'

/** One request the fake received: its API, path and query (the token left out), the token, how many points it carried, and the status it got (0 while held). */
export interface FakeRouterRequest {
  api: FakeRouterApi
  path: string
  query: Record<string, string>
  token: string | null
  points: number
  status: number
}

/**
 * A local stand-in for a self-hosted OSRM server (HTTP API v5: /table/v1, /route/v1) and for Mapbox's Matrix and
 * Directions APIs, with their limits, error bodies and status codes. A road joins every two points, 1.3 times the
 * straight line, driven at 13.4 m/s (about 30 mph), in meters and seconds rounded to a tenth.
 */
export interface FakeRoadRouter {
  url: string
  /** The variables that point the product at this fake, as OSRM or as Mapbox. */
  env: { osrm: Record<string, string>; mapbox: Record<string, string> }
  requests: FakeRouterRequest[]
  /** The token Mapbox accepts: change it to refuse the one the product holds. */
  token: string
  /** osrm-routed's --max-table-size (100) and --max-viaroute-size (500): lower them to see TooBig. */
  osrmMaxTable: number
  osrmMaxRoute: number
  /** While true, requests get no answer until the fake closes. */
  hold: boolean
  /** No road joins these two points, either way: null in tables, NoRoute for a route through them. */
  noRoad(a: Point, b: Point): void
  /** No road leads from a to b, as on a one-way street; the way back stays. */
  noRoadFrom(a: Point, b: Point): void
  /** The next `count` requests get this status: 429 with Mapbox's rate-limit headers, 500 or any other, with a JSON message (or this body). */
  failNext(status: number, count?: number, body?: string): void
  close(): Promise<void>
}

const STATUS_WORDS: Record<number, string> = {
  403: 'Forbidden',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/** Starts the fake on a free local port. */
export async function startFakeRoadRouter(): Promise<FakeRoadRouter> {
  const roads = fakeRoads()
  const failures: Array<{ status: number; body?: string }> = []
  const lonLat = (p: Point): [number, number] => [p.longitude, p.latitude]
  const fake: FakeRoadRouter = {
    url: '',
    env: { osrm: {}, mapbox: {} },
    requests: [],
    token: FAKE_ROUTER_TOKEN,
    osrmMaxTable: 100,
    osrmMaxRoute: 500,
    hold: false,
    noRoad: (a, b) => roads.cut(lonLat(a), lonLat(b)),
    noRoadFrom: (a, b) => roads.cut(lonLat(a), lonLat(b), true),
    failNext: (status, count = 1, body) => failures.push(...Array.from({ length: count }, () => ({ status, body }))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  let directionsCount = 0
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const { access_token: token = null, ...query } = Object.fromEntries(url.searchParams)
    const logged: FakeRouterRequest = { api: 'unknown', path: url.pathname, query, token, points: 0, status: 0 }
    fake.requests.push(logged)
    const osrm = /^\/(table|route)\/v1\/([^/]+)\/([^/]+?)(\.json)?$/.exec(url.pathname)
    const mapbox = /^\/(directions-matrix\/v1|directions\/v5)\/mapbox\/([^/]+)\/([^/]+)$/.exec(url.pathname)
    const coordinates = osrm?.[3] ?? mapbox?.[3] ?? ''
    logged.points = coordinates ? coordinates.split(';').length : 0
    if (osrm) logged.api = osrm[1] === 'table' ? 'osrm-table' : 'osrm-route'
    if (mapbox) logged.api = mapbox[1] === 'directions/v5' ? 'mapbox-directions' : 'mapbox-matrix'
    if (fake.hold) return
    const send = (answer: FakeAnswer) => {
      logged.status = answer.status
      reply(res, answer)
    }
    const failure = failures.shift()
    if (failure) return send(failureAnswer(failure.status, failure.body))
    if (req.method !== 'GET') return send({ status: 405, body: { message: 'Method Not Allowed' } })
    if (osrm) {
      const limits = { maxTable: fake.osrmMaxTable, maxRoute: fake.osrmMaxRoute }
      return send(answerOsrm(osrm[1] as 'table' | 'route', coordinates, url, roads, limits))
    }
    if (mapbox) {
      if (!token) return send({ status: 401, body: { message: 'Not Authorized - No Token' } })
      if (token !== fake.token) return send({ status: 401, body: { message: 'Not Authorized - Invalid Token' } })
      if (mapbox[1] === 'directions-matrix/v1') return send(answerMatrix(mapbox[2], coordinates, url, roads))
      directionsCount += 1
      return send(answerDirections(mapbox[2], coordinates, url, roads, `fake-route-${directionsCount}`))
    }
    send({ status: 404, body: { message: 'Not Found' } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.env = {
    osrm: { CRM_ROUTER: 'osrm', CRM_ROUTER_URL: fake.url },
    mapbox: { CRM_ROUTER: 'mapbox', CRM_ROUTER_URL: fake.url, CRM_MAPBOX_TOKEN: FAKE_ROUTER_TOKEN },
  }
  return fake
}

/** A made failure: Mapbox's JSON message (or the body given), and for 429 its rate-limit headers (60 requests a minute). */
function failureAnswer(status: number, body: string | undefined): FakeAnswer {
  const headers: Record<string, string> =
    status === 429 ? { 'X-Rate-Limit-Interval': '60', 'X-Rate-Limit-Limit': '60', 'X-Rate-Limit-Reset': String(FAKE_RATE_LIMIT_RESET) } : {}
  if (body !== undefined) return { status, body, headers: { 'content-type': 'text/html', ...headers }, raw: true }
  return { status, body: { message: STATUS_WORDS[status] ?? `HTTP ${status}` }, headers }
}

function reply(res: ServerResponse, answer: FakeAnswer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers })
  res.end(answer.raw ? String(answer.body) : JSON.stringify(answer.body))
}
