import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_MAPBOX_TOKEN, startFakeMapboxGeocoder, type FakeMapboxGeocoder } from '../../../bench/fake-mapbox-geocoder.js'
import { describeGeocoding } from '../../../core/domains/geocoding/capability.js'
import { GeocoderError } from '../../../core/domains/geocoding/geocoder.js'
import { locateAddresses } from '../../../core/domains/geocoding/locate-job.js'
import { mapboxGeocoder } from '../../../core/domains/geocoding/mapbox.js'
import { geocoderFromEnv } from '../../../core/domains/geocoding/settings.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { newContactRecord } from '../../helpers/fixtures.js'

const at = (id: string, line1: string) => ({ id, line1, city: 'Huntsville', state: 'AL', postal_code: '35801', country: 'US' })

describe("Mapbox's Geocoding API v6, the keyed option, against its wire format", () => {
  let fake: FakeMapboxGeocoder
  beforeAll(async () => {
    fake = await startFakeMapboxGeocoder()
  })
  afterAll(() => fake.close())
  const client = (token = FAKE_MAPBOX_TOKEN) => mapboxGeocoder({ baseUrl: fake.url, token, gapMs: 0 })

  it('looks one address up through forward geocoding as structured input, asking to keep the result', async () => {
    const [answer] = await client().locate([at('a1', '101 Main St')])
    expect(answer).toMatchObject({ id: 'a1', found: true })
    expect(answer.found && answer.note).toMatch(/^Found by Mapbox as "101 Main St, Huntsville, AL 35801, United States"/)
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/search/geocode/v6/forward',
      query: {
        address_line1: '101 Main St',
        place: 'Huntsville',
        region: 'AL',
        postcode: '35801',
        country: 'US',
        types: 'address',
        limit: '1',
        permanent: 'true',
      },
    })
  })

  it('sends many in one batch and reads the answers in their order; a low-confidence or empty answer is no match', async () => {
    const answers = await client().locate([at('b1', '5 Oak Ave'), at('b2', '1 Nowhere Ln'), at('b3', '7 Unsure Rd'), at('b4', '9 Elm St')])
    expect(answers.map((a) => [a.id, a.found])).toEqual([
      ['b1', true],
      ['b2', false],
      ['b3', false],
      ['b4', true],
    ])
    expect(answers[1].note).toContain('Mapbox found no address it is sure of')
    const sent = fake.requests.at(-1)
    expect(sent).toMatchObject({ method: 'POST', path: '/search/geocode/v6/batch', query: { permanent: 'true' } })
    expect(sent?.batch?.[0]).toEqual({
      address_line1: '5 Oak Ave',
      place: 'Huntsville',
      region: 'AL',
      postcode: '35801',
      country: 'US',
      types: ['address'],
      limit: 1,
    })
  })

  it("says Mapbox's own words for a refused token, a rate limit and a bad answer", async () => {
    await expect(client('pk.wrong').locate([at('c1', '5 Main St')])).rejects.toThrow(
      'Mapbox answered HTTP 401: Not Authorized - Invalid Token',
    )
    fake.failNext(429, 'Too Many Requests')
    await expect(client().locate([at('c1', '5 Main St')])).rejects.toThrow('Mapbox answered HTTP 429: Too Many Requests')
    fake.failNext(422, 'Batch size must be less than or equal to 1000')
    await expect(client().locate([at('c1', '5 Main St'), at('c2', '6 Main St')])).rejects.toBeInstanceOf(GeocoderError)
  })

  it('is chosen by CRM_GEOCODER=mapbox with its token; without one, geocoding is off and the banner says why', () => {
    expect(geocoderFromEnv(fake.env)).toMatchObject({ name: 'Mapbox', baseUrl: fake.url, batchSize: 1000 })
    expect(geocoderFromEnv({ CRM_GEOCODER: 'mapbox', CRM_MAPBOX_TOKEN: 'pk.x' })).toMatchObject({ baseUrl: 'https://api.mapbox.com' })
    expect(geocoderFromEnv({ CRM_GEOCODER: 'mapbox' })).toBeNull()
    expect(describeGeocoding({ integrations: {}, config: { environment: { CRM_GEOCODER: 'mapbox' } } })).toMatch(
      /^off \(CRM_GEOCODER=mapbox, but CRM_MAPBOX_TOKEN is not set\): addresses get no point/,
    )
    expect(() => geocoderFromEnv({ CRM_GEOCODER: 'google' })).toThrow('CRM_GEOCODER must be census, mapbox or off')
  })
})

describe.each(engines)('addresses placed by Mapbox in the background (%s)', (engine) => {
  let app: TestApp
  let fake: FakeMapboxGeocoder
  beforeAll(async () => {
    fake = await startFakeMapboxGeocoder()
    app = await startTestApp(engine, { integrations: { geocoding: geocoderFromEnv(fake.env) } })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  it('finds new addresses in one batch, abroad too, and says which it could not', async () => {
    const customer = await newContactRecord(app, { display_name: 'Mapped Customer' })
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
    const home = await add('101 Main St')
    const lost = await add('1 Nowhere Ln')
    const abroad = await add('24 Sussex Dr', { city: 'Ottawa', state: 'ON', postal_code: 'K1M 1M4', country: 'CA' })
    expect(await locateAddresses(app.services)).toMatchObject({ found: 2, notFound: 1, failed: 0 })
    const read = async (id: string) => expectData(await app.query({ type: 'addresses', id }))
    expect(await read(home.id)).toMatchObject({ point_status: 'found' })
    expect(await read(abroad.id)).toMatchObject({ point_status: 'found' })
    expect(await read(lost.id)).toMatchObject({ point_status: 'not_found', point_note: expect.stringContaining('place the pin by hand') })
    expect(fake.requests.filter((r) => r.path === '/search/geocode/v6/batch')).toHaveLength(1)
  })
})
