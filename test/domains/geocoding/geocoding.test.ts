import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeCensusGeocoder, type FakeCensusGeocoder } from '../../../bench/fake-census-geocoder.js'
import { censusGeocoder } from '../../../core/domains/geocoding/census.js'
import { describeGeocoding } from '../../../core/domains/geocoding/capability.js'
import { GeocoderError } from '../../../core/domains/geocoding/geocoder.js'
import { locateAddresses } from '../../../core/domains/geocoding/locate-job.js'
import { geocoderFromEnv } from '../../../core/domains/geocoding/settings.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { newContactRecord, validationFieldsOf } from '../../helpers/fixtures.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

const MINUTE = 60_000

/** A local port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('the US Census Geocoder client, against its wire format', () => {
  let fake: FakeCensusGeocoder
  beforeAll(async () => {
    fake = await startFakeCensusGeocoder()
  })
  afterAll(() => fake.close())
  const client = () => censusGeocoder({ baseUrl: fake.url, benchmark: 'Public_AR_Current', gapMs: 0 })
  const at = (id: string, line1: string, postal_code = '35801') => ({
    id,
    line1,
    city: 'Huntsville',
    state: 'AL',
    postal_code,
    country: 'US',
  })

  it('looks one address up through the single lookup, reading x as the longitude and y as the latitude', async () => {
    fake.place('4600 Silver Hill Rd', '20233', {
      latitude: 38.845985,
      longitude: -76.92744,
      matched: '4600 SILVER HILL RD, WASHINGTON, DC, 20233',
      exact: true,
    })
    const [answer] = await client().locate([{ ...at('a1', '4600 Silver Hill Rd', '20233'), city: 'Washington', state: 'DC' }])
    expect(answer).toEqual({
      id: 'a1',
      found: true,
      latitude: 38.845985,
      longitude: -76.92744,
      note: 'Found by the US Census Geocoder as "4600 SILVER HILL RD, WASHINGTON, DC, 20233"',
    })
    const sent = fake.requests.at(-1)
    expect(sent).toMatchObject({ method: 'GET', path: '/geocoder/locations/address' })
    expect(sent?.query).toMatchObject({
      street: '4600 Silver Hill Rd',
      city: 'Washington',
      state: 'DC',
      zip: '20233',
      benchmark: 'Public_AR_Current',
      format: 'json',
    })
  })

  it('sends more than one address as a batch file and matches the answers by id, in whatever order they come', async () => {
    fake.place('12 Dogwood Dr', '35758', { latitude: 34.7, longitude: -86.74, matched: '12 DOGWOOD DR, MADISON, AL, 35758', exact: false })
    const answers = await client().locate([
      at('b1', '12 Dogwood Dr', '35758'),
      at('b2', '1 Nowhere Ln'),
      at('b3', '7 Twin Oaks Dr'),
      at('b4', '300 "Quoted", Way'),
    ])
    const byId = Object.fromEntries(answers.map((a) => [a.id, a]))
    expect(byId.b1).toMatchObject({ found: true, latitude: 34.7, longitude: -86.74 })
    expect(byId.b1.note).toContain('a close but not exact match: check the pin')
    expect(byId.b2).toEqual({ id: 'b2', found: false, note: expect.stringContaining('found no match for this street and ZIP code') })
    expect(byId.b3).toEqual({ id: 'b3', found: false, note: expect.stringContaining('more than one place') })
    expect(byId.b4).toMatchObject({ found: true })
    const sent = fake.requests.at(-1)
    expect(sent).toMatchObject({ method: 'POST', path: '/geocoder/locations/addressbatch' })
    expect(sent?.batch).toEqual([
      ['b1', '12 Dogwood Dr', 'Huntsville', 'AL', '35758'],
      ['b2', '1 Nowhere Ln', 'Huntsville', 'AL', '35801'],
      ['b3', '7 Twin Oaks Dr', 'Huntsville', 'AL', '35801'],
      ['b4', '300 "Quoted", Way', 'Huntsville', 'AL', '35801'],
    ])
  })

  it('turns an error answer, an outage and an unreachable service into a GeocoderError in words', async () => {
    const wrong = censusGeocoder({ baseUrl: fake.url, benchmark: 'Public_AR_Nonsense', gapMs: 0 })
    await expect(wrong.locate([at('c1', '5 Main St')])).rejects.toThrow('the US Census Geocoder answered HTTP 400: Invalid Benchmark')
    fake.failNext(503)
    await expect(client().locate([at('c1', '5 Main St'), at('c2', '6 Main St')])).rejects.toThrow(
      /^the US Census Geocoder answered HTTP 503$/,
    )
    fake.failNext(200, 'not json', 'text/html')
    await expect(client().locate([at('c1', '5 Main St')])).rejects.toBeInstanceOf(GeocoderError)
    const closed = await closedPort()
    const gone = censusGeocoder({ baseUrl: `http://127.0.0.1:${closed}`, benchmark: 'Public_AR_Current', gapMs: 0 })
    await expect(gone.locate([at('c1', '5 Main St')])).rejects.toThrow(`could not be reached (connect ECONNREFUSED 127.0.0.1:${closed})`)
  })

  it('is on by default, off by CRM_GEOCODER=off, and refuses a setting it cannot use', () => {
    expect(geocoderFromEnv({})).toMatchObject({ name: 'the US Census Geocoder', baseUrl: 'https://geocoding.geo.census.gov', gapMs: 1000 })
    expect(geocoderFromEnv({ CRM_GEOCODER: 'off' })).toBeNull()
    expect(describeGeocoding({ integrations: {} })).toMatch(/^off \(CRM_GEOCODER=off\)/)
    expect(() => geocoderFromEnv({ CRM_GEOCODER: 'mapquest' })).toThrow("CRM_GEOCODER must be census, mapbox or off, got 'mapquest'")
    expect(() => geocoderFromEnv({ CRM_GEOCODER_URL: 'ftp://x' })).toThrow('CRM_GEOCODER_URL must be an http(s) URL')
    expect(() => geocoderFromEnv({ CRM_GEOCODER_GAP_MS: '-5' })).toThrow('CRM_GEOCODER_GAP_MS must be a whole number')
  })
})

describe.each(engines)('addresses get their points in the background (%s)', (engine) => {
  let app: TestApp
  let fake: FakeCensusGeocoder
  let clock = new Date('2026-11-27T15:00:00Z')
  let customer: any
  beforeAll(async () => {
    fake = await startFakeCensusGeocoder()
    app = await startTestApp(engine, { integrations: { geocoding: geocoderFromEnv(fake.env) }, now: () => clock })
    customer = await newContactRecord(app, { display_name: 'Pinned Customer' })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })
  const add = async (line1: string, more: Record<string, string> = {}) =>
    expectData(
      await app.action('address', 'add', {
        contact_id: customer.id,
        line1,
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
        ...more,
      }),
    )
  const read = async (id: string) => expectData(await app.query({ type: 'addresses', id }))

  it('finds the points of new addresses in one batch, says why one has none, and asks nothing twice', async () => {
    const home = await add('101 Main St')
    const lost = await add('1 Nowhere Ln')
    const abroad = await add('24 Sussex Dr', { city: 'Ottawa', state: 'ON', postal_code: 'K1M 1M4', country: 'CA' })
    expect(home).toMatchObject({ point_status: 'pending', latitude: null, longitude: null, point_note: null })
    const before = fake.requests.length
    const pass = await locateAddresses(app.services)
    expect(pass).toMatchObject({ found: 1, notFound: 2, failed: 0, failures: [] })
    expect(fake.requests.length - before).toBe(1)
    expect(
      fake.requests
        .at(-1)
        ?.batch?.map((row) => row[0])
        .sort(),
    ).toEqual([home.id, lost.id].sort())
    const placed = await read(home.id)
    expect(placed).toMatchObject({ point_status: 'found', point_at: clock.toISOString() })
    expect(placed.latitude).toBeCloseTo(34.6, 0)
    expect(placed.point_note).toMatch(/^Found by the US Census Geocoder as "101 MAIN ST, HUNTSVILLE, AL, 35801"/)
    expect(await read(lost.id)).toMatchObject({
      point_status: 'not_found',
      latitude: null,
      point_note: expect.stringContaining('place the pin by hand'),
    })
    expect(await read(abroad.id)).toMatchObject({
      point_status: 'not_found',
      point_note: expect.stringContaining('in the United States only'),
    })
    expect(await locateAddresses(app.services)).toMatchObject({ found: 0, notFound: 0, failed: 0 })
    expect(fake.requests.length - before).toBe(1)
  })

  it('looks an address up again when its street changes, and not when only its notes do', async () => {
    const a = await add('202 Oak Ave')
    await locateAddresses(app.services)
    const first = await read(a.id)
    expect(first.point_status).toBe('found')
    const notes = expectData(await app.action('address', 'update', { address_id: a.id, access_notes: 'Gate code 1234' }))
    expect(notes).toMatchObject({ point_status: 'found', latitude: first.latitude })
    const moved = expectData(await app.action('address', 'update', { address_id: a.id, line1: '909 Elm St' }))
    expect(moved).toMatchObject({ point_status: 'pending', latitude: null, longitude: null, point_note: null })
    await locateAddresses(app.services)
    const second = await read(a.id)
    expect(second.point_status).toBe('found')
    expect(second.point_note).toContain('909 ELM ST')
    expect([second.latitude, second.longitude]).not.toEqual([first.latitude, first.longitude])
  })

  it('when the geocoder is down, says so on each address and tries again later, waiting longer each time', async () => {
    const a = await add('303 Pine Rd')
    const b = await add('304 Pine Rd')
    fake.down = true
    try {
      const pass = await locateAddresses(app.services)
      expect(pass).toMatchObject({ found: 0, failed: 2 })
      expect(pass.failures).toEqual([
        { tenant_id: app.tenant.tenant_id, job: 'geocoding', error: 'the US Census Geocoder answered HTTP 503' },
      ])
      expect(await read(a.id)).toMatchObject({
        point_status: 'failed',
        latitude: null,
        point_note: 'The US Census Geocoder answered HTTP 503; tried 1 time, trying again in 5 minutes',
      })
      const asked = fake.requests.length
      expect((await locateAddresses(app.services)).failed).toBe(0)
      expect(fake.requests.length).toBe(asked)
      clock = new Date(clock.getTime() + 6 * MINUTE)
      await locateAddresses(app.services)
      expect((await read(b.id)).point_note).toBe('The US Census Geocoder answered HTTP 503; tried 2 times, trying again in 10 minutes')
    } finally {
      fake.down = false
    }
    clock = new Date(clock.getTime() + 11 * MINUTE)
    expect(await locateAddresses(app.services)).toMatchObject({ found: 2, failed: 0, failures: [] })
    expect(await read(b.id)).toMatchObject({ point_status: 'found' })
  })

  it('lets the owner place a pin by hand, which an agent may only propose, and look an address up again', async () => {
    const a = await add('1 Nowhere Ln', { label: 'Lake house' })
    await locateAddresses(app.services)
    const proposed = await app.action(
      'address',
      'pin',
      { address_id: a.id, latitude: 34.71, longitude: -86.59 },
      { reasoning: 'customer said' },
    )
    expect(proposed.status).toBe(202)
    expect(proposed.body.data).toMatchObject({ status: 'pending_authorization' })
    expect(await read(a.id)).toMatchObject({ point_status: 'not_found', latitude: null })
    const pinned = await app.ownerAction('address', 'pin', { address_id: a.id, latitude: 34.71, longitude: -86.59 })
    expect(pinned).toMatchObject({ point_status: 'by_hand', latitude: 34.71, longitude: -86.59, point_note: 'Placed by hand' })
    expect((await locateAddresses(app.services)).found).toBe(0)
    expect(await read(a.id)).toMatchObject({ point_status: 'by_hand', latitude: 34.71 })
    const dropped = await app.action('address', 'locate', { address_id: a.id })
    expect(dropped.status).toBe(422)
    expect(dropped.body.error.message).toContain('because it drops a pin the owner placed by hand')
    expect((await app.action('address', 'locate', { address_id: a.id }, { reasoning: 'customer moved the gate' })).status).toBe(202)
    expect(await read(a.id)).toMatchObject({ point_status: 'by_hand' })
    const again = await app.ownerAction('address', 'locate', { address_id: a.id })
    expect(again).toMatchObject({ point_status: 'pending', latitude: null })
    expect(expectData(await app.action('address', 'locate', { address_id: a.id }))).toMatchObject({ point_status: 'pending' })
    await locateAddresses(app.services)
    expect(await read(a.id)).toMatchObject({ point_status: 'not_found' })
    const wrong = await app.action('address', 'pin', { address_id: a.id, latitude: 95, longitude: -86.59 })
    expect(wrong.status).toBe(400)
    expect(validationFieldsOf(wrong)).toEqual(['data.latitude'])
  })

  it('lists the addresses the map lacks, and names them in daily_briefing through the real MCP client', async () => {
    const unplaced = expectData(await app.query({ type: 'addresses', point_status: 'unplaced' })).items
    expect(unplaced.length).toBeGreaterThan(0)
    expect(unplaced.every((a: any) => ['not_found', 'failed'].includes(a.point_status))).toBe(true)
    const found = expectData(await app.query({ type: 'addresses', point_status: 'found' })).items
    expect(found.every((a: any) => a.point_status === 'found')).toBe(true)
    const mcp = await connectMcp(app.url, app.tenant.agent_token)
    try {
      const briefing = toolJson(await mcp.callTool({ name: 'daily_briefing', arguments: {} })).json.briefing as string
      expect(briefing).toMatch(/Addresses not on the map: [^\n]*\((not found|the geocoder did not answer yet)\)/)
      expect(briefing).toContain('crm_query type=addresses point_status=unplaced')
    } finally {
      await mcp.close()
    }
  })

  it('measures distances between points in meters along the earth', async () => {
    const r = await app.t.admin.query<{ town: number; equator: number; same: number; none: number | null }>(
      `select distance_meters(34.7304, -86.5861, 34.6993, -86.7483) as town, distance_meters(0, 0, 0, 1) as equator,
              distance_meters(34.7, -86.5, 34.7, -86.5) as same, distance_meters(null, -86.5, 34.7, -86.5) as none`,
    )
    // Huntsville to Madison, Alabama: 15.2 km as the crow flies; a degree of longitude at the equator: 111.2 km.
    expect(r.rows[0].town).toBeGreaterThan(15_000)
    expect(r.rows[0].town).toBeLessThan(15_400)
    expect(r.rows[0].equator).toBeCloseTo(111_195, -1)
    expect(r.rows[0].same).toBe(0)
    expect(r.rows[0].none).toBeNull()
  })
})
