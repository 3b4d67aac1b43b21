import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_ROUTER_TOKEN, type FakeRoadRouter, startFakeRoadRouter } from '../../../bench/fake-road-router.js'
import { mapboxRouter } from '../../../core/domains/route-plans/mapbox-matrix.js'
import { osrmRouter } from '../../../core/domains/route-plans/osrm.js'
import { metersBetween, type Point } from '../../../core/domains/routes/planner.js'
import { RouterError, type RoadTable } from '../../../core/domains/route-plans/road-router.js'
import { roadRouterFromEnv, routerOffWhy } from '../../../core/domains/route-plans/router-settings.js'
import { tableTiles } from '../../../core/domains/route-plans/router-tiles.js'

/** A point near Huntsville, AL: the n-th of a fixed grid, a few kilometers apart. */
const at = (n: number): Point => ({ latitude: 34.7 + (n % 6) * 0.013, longitude: -86.6 + Math.floor(n / 6) * 0.017 })
/** `count` points of the grid from the from-th on. The fake keeps the roads a test cuts: such tests use points of their own. */
const points = (count: number, from = 0): Point[] => Array.from({ length: count }, (_, n) => at(from + n))

/** The fake's road between two points: 1.3 times the straight line, at 13.4 m/s, to a tenth. */
const road = (a: Point, b: Point) => {
  const meters = metersBetween(a, b) * 1.3
  return { meters: Math.round(meters * 10) / 10, seconds: Math.round((meters / 13.4) * 10) / 10 }
}
const expectedTable = (ps: Point[]): RoadTable => ({
  meters: ps.map((a) => ps.map((b) => road(a, b).meters)),
  seconds: ps.map((a) => ps.map((b) => road(a, b).seconds)),
})

/** A port nothing listens on: one the system gave a server that has since closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The RouterError a call fails with (the test fails if it does not). */
async function failureOf(call: Promise<unknown>): Promise<RouterError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RouterError)
  return error as RouterError
}

let fake: FakeRoadRouter
beforeAll(async () => {
  fake = await startFakeRoadRouter()
})
afterAll(() => fake.close())
beforeEach(() => {
  fake.requests.length = 0
  fake.osrmMaxTable = 100
  fake.osrmMaxRoute = 500
  fake.token = FAKE_ROUTER_TOKEN
})

describe('OSRM (HTTP API v5) against its wire format', () => {
  const osrm = (more: Partial<Parameters<typeof osrmRouter>[0]> = {}) => osrmRouter({ baseUrl: fake.url, ...more })

  it('asks /table/v1 for distances and durations, longitude first to 6 decimals, and reads them as meters and seconds', async () => {
    const ps = [{ latitude: 34.730123456, longitude: -86.586104999 }, at(1), at(8)]
    const table = await osrm().table(ps)
    // The fake measures the point as sent: rounded to 6 decimals.
    expect(table).toEqual(expectedTable([{ latitude: 34.730123, longitude: -86.586105 }, at(1), at(8)]))
    expect(table.meters[0][1]).toBeGreaterThan(1000)
    expect(fake.requests).toEqual([
      {
        api: 'osrm-table',
        path: '/table/v1/driving/-86.586105,34.730123;-86.6,34.713;-86.583,34.726',
        query: { annotations: 'duration,distance' },
        token: null,
        points: 3,
        status: 200,
      },
    ])
  })

  it('asks a set larger than the server takes in tiles of sources and destinations, and joins them into the same table', async () => {
    const ps = points(10, 100)
    // One way only, in different tiles: a table joined the wrong way round shows it.
    fake.noRoadFrom(ps[1], ps[8])
    fake.osrmMaxTable = 4
    const tiled = await osrm({ maxTableSize: 4 }).table(ps)
    expect(tiled.meters[1][8]).toBeNull()
    expect(tiled.seconds[1][8]).toBeNull()
    expect(tiled.meters[8][1]).toBe(road(ps[8], ps[1]).meters)
    // Ten points, at most four a request: blocks of two sources against blocks of two destinations.
    expect(fake.requests).toHaveLength(25)
    expect(fake.requests.every((r) => r.points <= 4 && r.status === 200)).toBe(true)
    expect(fake.requests[1].query).toEqual({ sources: '0;1', destinations: '2;3', annotations: 'duration,distance' })
    fake.osrmMaxTable = 100
    expect(tiled).toEqual(await osrm().table(ps))
    expect(fake.requests).toHaveLength(26)
    const expected = expectedTable(ps)
    expected.meters[1][8] = null
    expected.seconds[1][8] = null
    expect(tiled).toEqual(expected)
  })

  it('says so when the server takes fewer points than the product sends (TooBig)', async () => {
    fake.osrmMaxTable = 4
    const error = await failureOf(osrm().table(points(5)))
    expect(error.message).toBe(
      `OSRM at ${fake.url} refused the request as too big (TooBig: Too many table coordinates): ` +
        'the server was started with a smaller --max-table-size than this product asks of it',
    )
  })

  it("reads each leg of a route from /route/v1, without geometry or steps, and chains longer routes at the server's limit", async () => {
    const ps = points(6)
    const expected = ps.slice(1).map((b, i) => road(ps[i], b))
    expect(await osrm().route(ps.slice(0, 3))).toEqual({ legs: expected.slice(0, 2) })
    expect(fake.requests[0]).toMatchObject({ api: 'osrm-route', query: { overview: 'false', steps: 'false' }, points: 3, status: 200 })
    fake.osrmMaxRoute = 3
    fake.requests.length = 0
    expect(await osrm({ maxRouteSize: 3 }).route(ps)).toEqual({ legs: expected })
    expect(fake.requests.map((r) => r.points)).toEqual([3, 3, 2])
    expect(await osrm().route([at(0)])).toEqual({ legs: [] })
    expect(fake.requests).toHaveLength(3)
  })

  it('gives null where no road joins two points, and refuses a route through them as OSRM does (NoRoute)', async () => {
    const ps = [at(60), at(61), at(62)]
    fake.noRoad(ps[0], ps[2])
    const table = await osrm().table(ps)
    expect(table.meters[0][2]).toBeNull()
    expect(table.seconds[2][0]).toBeNull()
    expect(table.meters[0][1]).toBe(road(ps[0], ps[1]).meters)
    const error = await failureOf(osrm().route([ps[0], ps[2]]))
    expect(error.message).toBe(`OSRM at ${fake.url} found no road route through these points (NoRoute: Impossible route between points)`)
  })

  it('says what happened when the server fails, is rate limited, answers no JSON, or is not OSRM', async () => {
    fake.failNext(500)
    expect((await failureOf(osrm().table(points(3)))).message).toBe(
      `OSRM at ${fake.url} failed on its side (HTTP 500: Internal Server Error)`,
    )
    fake.failNext(429)
    expect((await failureOf(osrm().route(points(3)))).message).toBe(
      `OSRM at ${fake.url} is rate limiting these requests (HTTP 429: Too Many Requests)`,
    )
    fake.failNext(200, 1, '<html>proxy login</html>')
    expect((await failureOf(osrm().table(points(3)))).message).toBe(`OSRM at ${fake.url} answered with something other than JSON`)
    expect((await failureOf(osrm({ baseUrl: `${fake.url}/elsewhere` }).table(points(3)))).message).toBe(
      `OSRM at ${fake.url}/elsewhere answered HTTP 404: is CRM_ROUTER_URL the address of an OSRM server?`,
    )
    // The failures were spent: the next call is answered.
    expect(await osrm().table(points(3))).toEqual(expectedTable(points(3)))
  })
})

describe("Mapbox's Matrix and Directions APIs against their wire format", () => {
  const mapbox = (more: Partial<Parameters<typeof mapboxRouter>[0]> = {}) =>
    mapboxRouter({ baseUrl: fake.url, token: FAKE_ROUTER_TOKEN, ...more })

  it('asks /directions-matrix/v1 for distances and durations with the token, and reads the table', async () => {
    const ps = [at(0), at(7), at(14)]
    expect(await mapbox().table(ps)).toEqual(expectedTable(ps))
    expect(fake.requests).toEqual([
      {
        api: 'mapbox-matrix',
        path: '/directions-matrix/v1/mapbox/driving/-86.6,34.7;-86.583,34.713;-86.566,34.726',
        query: { annotations: 'duration,distance' },
        token: FAKE_ROUTER_TOKEN,
        points: 3,
        status: 200,
      },
    ])
  })

  it('asks 30 points in requests of at most 25 coordinates, each pair once, and joins the same table as one request gives', async () => {
    const ps = points(30, 200)
    // One way only, from the first block of sources to the last of destinations.
    fake.noRoadFrom(ps[3], ps[27])
    const tiled = await mapbox().table(ps)
    expect(tiled.meters[3][27]).toBeNull()
    expect(tiled.meters[27][3]).toBe(road(ps[27], ps[3]).meters)
    expect(fake.requests.length).toBe(6)
    expect(fake.requests.every((r) => r.api === 'mapbox-matrix' && r.points <= 25 && r.status === 200)).toBe(true)
    const pairs = fake.requests.reduce((sum, r) => sum + r.query.sources.split(';').length * r.query.destinations.split(';').length, 0)
    expect(pairs).toBe(30 * 30)
    // OSRM takes the 30 in one request from the same roads.
    expect(tiled).toEqual(await osrmRouter({ baseUrl: fake.url }).table(ps))
    expect(fake.requests.at(-1)).toMatchObject({ api: 'osrm-table', points: 30 })
  })

  it('keeps to 10 coordinates a matrix request with live traffic', async () => {
    const ps = points(12)
    expect(await mapbox({ profile: 'driving-traffic' }).table(ps)).toEqual(expectedTable(ps))
    expect(fake.requests.length).toBeGreaterThan(1)
    expect(fake.requests.every((r) => r.path.startsWith('/directions-matrix/v1/mapbox/driving-traffic/') && r.points <= 10)).toBe(true)
  })

  it('reads the legs of a route from /directions/v5, and chains a route of more than 25 stops', async () => {
    const ps = points(30)
    const expected = ps.slice(1).map((b, i) => road(ps[i], b))
    expect(await mapbox().route(ps.slice(0, 3))).toEqual({ legs: expected.slice(0, 2) })
    expect(fake.requests[0]).toMatchObject({ api: 'mapbox-directions', query: { overview: 'false' }, token: FAKE_ROUTER_TOKEN, points: 3 })
    fake.requests.length = 0
    expect(await mapbox().route(ps)).toEqual({ legs: expected })
    expect(fake.requests.map((r) => r.points)).toEqual([25, 6])
  })

  it('gives null where no road joins two points (and for a request with no road at all), and refuses such a route', async () => {
    const ps = [at(70), at(71), at(72)]
    fake.noRoad(ps[1], ps[2])
    const table = await mapbox().table(ps)
    expect(table.meters[1][2]).toBeNull()
    expect(table.seconds[2][1]).toBeNull()
    expect(table.meters[0][2]).toBe(road(ps[0], ps[2]).meters)
    // Two points with no road between them: Mapbox answers NoRoute for the whole request.
    fake.requests.length = 0
    expect(await mapbox().table([ps[1], ps[2]])).toEqual({
      meters: [
        [0, null],
        [null, 0],
      ],
      seconds: [
        [0, null],
        [null, 0],
      ],
    })
    expect(fake.requests[0]).toMatchObject({ status: 200 })
    const error = await failureOf(mapbox().route(ps))
    expect(error.message).toBe(`Mapbox at ${fake.url} found no road route through these points (NoRoute: No route found)`)
  })

  it('says the token was refused, without ever saying the token', async () => {
    const wrong = 'pk.not-this-one'
    const error = await failureOf(mapbox({ token: wrong }).table(points(3)))
    expect(error.message).toBe(
      `Mapbox at ${fake.url} refused the access token (HTTP 401: Not Authorized - Invalid Token): check CRM_MAPBOX_TOKEN`,
    )
    fake.token = 'pk.rotated'
    const revoked = await failureOf(mapbox().route(points(3)))
    expect(revoked.message).toContain('refused the access token (HTTP 401')
    expect(revoked.message).not.toContain(FAKE_ROUTER_TOKEN)
    fake.token = FAKE_ROUTER_TOKEN
    fake.failNext(403)
    expect((await failureOf(mapbox().table(points(3)))).message).toBe(
      `Mapbox at ${fake.url} refused this token access (HTTP 403: Forbidden): it may be restricted to other URLs or lack this API's scope`,
    )
  })

  it("says it is rate limited, with the limit's terms from Mapbox's headers, for as many requests as it lasts", async () => {
    fake.failNext(429, 2)
    const words =
      `Mapbox at ${fake.url} is rate limiting this token (HTTP 429: Too Many Requests): ` +
      'at most 60 requests every 60 s; the count starts again at 2027-01-15T08:00:00Z'
    expect((await failureOf(mapbox().table(points(3)))).message).toBe(words)
    expect((await failureOf(mapbox().route(points(3)))).message).toBe(words)
    expect(await mapbox().table(points(3))).toEqual(expectedTable(points(3)))
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429, 200])
  })

  it('says what happened for a server failure, an unknown profile and an answer that is not JSON', async () => {
    fake.failNext(500)
    expect((await failureOf(mapbox().table(points(3)))).message).toBe(
      `Mapbox at ${fake.url} failed on its side (HTTP 500: Internal Server Error)`,
    )
    expect((await failureOf(mapbox({ profile: 'flying' }).table(points(3)))).message).toBe(
      `Mapbox at ${fake.url} has no routing profile "flying" (HTTP 404: ProfileNotFound: Profile not found)`,
    )
    fake.failNext(200, 1, 'not json')
    expect((await failureOf(mapbox().route(points(3)))).message).toBe(`Mapbox at ${fake.url} answered with something other than JSON`)
  })
})

describe("the fake's own checks, as the real services make them", () => {
  const get = async (path: string) => {
    const res = await fetch(`${fake.url}${path}`)
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const coords = (count: number) =>
    points(count)
      .map((p) => `${p.longitude},${p.latitude}`)
      .join(';')

  it('Mapbox refuses more than 25 coordinates, an unknown option, an index out of range and a missing token', async () => {
    const token = `access_token=${FAKE_ROUTER_TOKEN}`
    expect(await get(`/directions-matrix/v1/mapbox/driving/${coords(26)}?${token}`)).toEqual({
      status: 422,
      body: { message: 'Too many coordinates; maximum number of coordinates is 25.', code: 'InvalidInput' },
    })
    expect(await get(`/directions/v5/mapbox/driving/${coords(26)}?${token}`)).toMatchObject({ status: 422 })
    expect(await get(`/directions-matrix/v1/mapbox/driving/${coords(3)}?${token}&fast=yes`)).toMatchObject({
      status: 422,
      body: { message: 'Unrecognized option: fast', code: 'InvalidInput' },
    })
    expect(await get(`/directions-matrix/v1/mapbox/driving/${coords(3)}?${token}&sources=0;3`)).toMatchObject({ status: 422 })
    expect(await get(`/directions-matrix/v1/mapbox/driving/${coords(3)}`)).toEqual({
      status: 401,
      body: { message: 'Not Authorized - No Token' },
    })
  })

  it('OSRM refuses an unknown option, a malformed index list, one coordinate, and a route over its limit, with HTTP 400', async () => {
    expect(await get(`/table/v1/driving/${coords(3)}?fast=yes`)).toMatchObject({ status: 400, body: { code: 'InvalidQuery' } })
    expect(await get(`/table/v1/driving/${coords(3)}?sources=0,1`)).toMatchObject({ status: 400, body: { code: 'InvalidQuery' } })
    expect(await get(`/table/v1/driving/${coords(1)}`)).toEqual({
      status: 400,
      body: { code: 'InvalidOptions', message: 'Number of coordinates needs to be at least two.' },
    })
    fake.osrmMaxRoute = 2
    expect(await get(`/route/v1/driving/${coords(3)}?overview=false`)).toEqual({
      status: 400,
      body: { code: 'TooBig', message: 'Number of entries 3 is higher than current maximum (2)' },
    })
    const answer = await get(`/table/v1/driving/${coords(3)}?sources=0&destinations=1;2`)
    expect(answer.body).toMatchObject({ code: 'Ok', durations: [[expect.any(Number), expect.any(Number)]] })
    expect(answer.body.distances).toBeUndefined()
  })
})

describe('reaching a router that is not there', () => {
  it('says a router at a closed port could not be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const error = await failureOf(osrmRouter({ baseUrl: url }).table(points(3)))
    expect(error.message).toMatch(new RegExp(`^OSRM at ${url} could not be reached \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\)$`))
    const mapboxError = await failureOf(mapboxRouter({ baseUrl: url, token: 'pk.secret-token' }).route(points(2)))
    expect(mapboxError.message).toMatch(/^Mapbox at .* could not be reached/)
    expect(mapboxError.message).not.toContain('pk.secret-token')
    const badUrl = await failureOf(mapboxRouter({ baseUrl: 'http://no such host', token: 'pk.secret-token' }).table(points(2)))
    expect(badUrl.message).toBe('Mapbox at http://no such host could not be reached (Invalid URL)')
  })

  it('gives up on a router that holds the request past the timeout', async () => {
    const holding = await startFakeRoadRouter()
    holding.hold = true
    try {
      const error = await failureOf(osrmRouter({ baseUrl: holding.url, timeoutMs: 200 }).table(points(3)))
      expect(error.message).toBe(`OSRM at ${holding.url} gave no answer within 200 ms`)
      const mapboxError = await failureOf(mapboxRouter({ baseUrl: holding.url, token: 'pk.x', timeoutMs: 1000 }).table(points(3)))
      expect(mapboxError.message).toBe(`Mapbox at ${holding.url} gave no answer within 1 s`)
      expect(holding.requests.map((r) => r.status)).toEqual([0, 0])
    } finally {
      await holding.close()
    }
  })
})

describe('choosing the router: CRM_ROUTER, CRM_ROUTER_URL and CRM_MAPBOX_TOKEN', () => {
  it('is off unless chosen, and the banner says distances are straight lines', () => {
    expect(roadRouterFromEnv({})).toBeNull()
    expect(roadRouterFromEnv({ CRM_ROUTER: ' Off ', CRM_ROUTER_URL: 'http://localhost:5000' })).toBeNull()
    expect(routerOffWhy({})).toBe('off (CRM_ROUTER=off): distances are straight lines')
  })

  it('uses OSRM at CRM_ROUTER_URL, which it needs', async () => {
    const router = roadRouterFromEnv({ ...fake.env.osrm, CRM_ROUTER_URL: `${fake.url}/` })
    expect(router).toMatchObject({ name: 'osrm', baseUrl: fake.url })
    expect(await router?.table(points(3))).toEqual(expectedTable(points(3)))
    expect(fake.requests[0].api).toBe('osrm-table')
    expect(() => roadRouterFromEnv({ CRM_ROUTER: 'osrm' })).toThrow(/^CRM_ROUTER_URL must be set with CRM_ROUTER=osrm/)
  })

  it("uses Mapbox with CRM_MAPBOX_TOKEN, at Mapbox's address unless CRM_ROUTER_URL says otherwise; without the token it is off and says why", async () => {
    const router = roadRouterFromEnv(fake.env.mapbox)
    expect(router).toMatchObject({ name: 'mapbox', baseUrl: fake.url })
    expect(await router?.route(points(2))).toEqual({ legs: [road(at(0), at(1))] })
    expect(fake.requests[0]).toMatchObject({ api: 'mapbox-directions', token: FAKE_ROUTER_TOKEN })
    expect(roadRouterFromEnv({ CRM_ROUTER: 'MAPBOX', CRM_MAPBOX_TOKEN: 'pk.x' })).toMatchObject({
      name: 'mapbox',
      baseUrl: 'https://api.mapbox.com',
    })
    expect(roadRouterFromEnv({ CRM_ROUTER: 'mapbox', CRM_MAPBOX_TOKEN: ' ' })).toBeNull()
    expect(routerOffWhy({ CRM_ROUTER: 'mapbox' })).toBe(
      'off (CRM_ROUTER=mapbox, but CRM_MAPBOX_TOKEN is not set): distances are straight lines',
    )
  })

  it('stops on a wrong value, naming the variable', () => {
    expect(() => roadRouterFromEnv({ CRM_ROUTER: 'google' })).toThrow("CRM_ROUTER must be off, osrm or mapbox, got 'google'")
    expect(() => roadRouterFromEnv({ CRM_ROUTER: 'osrm', CRM_ROUTER_URL: 'localhost:5000' })).toThrow(
      "CRM_ROUTER_URL must be an http(s) URL, got 'localhost:5000'",
    )
    expect(() => roadRouterFromEnv({ CRM_ROUTER: 'mapbox', CRM_ROUTER_URL: 'ftp://maps.example', CRM_MAPBOX_TOKEN: 'pk.x' })).toThrow(
      /^CRM_ROUTER_URL must be an http\(s\) URL/,
    )
  })
})

describe('tiling a table', () => {
  it('covers every pair exactly once, each request within the limit, in the fewest requests of its kind', () => {
    for (const [count, most] of [
      [30, 25],
      [10, 4],
      [101, 100],
      [7, 2],
    ]) {
      const tiles = tableTiles(count, most)
      const seen = new Map<string, number>()
      for (const tile of tiles) {
        expect(tile.ids.length).toBeLessThanOrEqual(most)
        for (const s of tile.sources)
          for (const d of tile.destinations) seen.set(`${tile.ids[s]}>${tile.ids[d]}`, (seen.get(`${tile.ids[s]}>${tile.ids[d]}`) ?? 0) + 1)
      }
      expect(seen.size).toBe(count * count)
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
    }
    expect(tableTiles(30, 25)).toHaveLength(6)
    expect(tableTiles(25, 25)).toEqual([expect.objectContaining({ whole: true })])
  })
})
