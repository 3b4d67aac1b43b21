import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The token the fake accepts; any other is refused as Mapbox refuses it. */
export const FAKE_MAPBOX_TOKEN = 'pk.fake-mapbox-token'

/** One request the fake received: its method, path and query (the token left out), and a batch's queries. */
export interface FakeMapboxRequest {
  method: string
  path: string
  query: Record<string, string>
  batch?: Array<Record<string, unknown>>
}

/** A local stand-in for Mapbox's Geocoding API v6: forward and batch, its token check, rate limit and error bodies. */
export interface FakeMapboxGeocoder {
  url: string
  /** The variables that point the product at this fake. */
  env: Record<string, string>
  requests: FakeMapboxRequest[]
  /** Answers the next request with this status and Mapbox's JSON error body. */
  failNext(status: number, message: string): void
  close(): Promise<void>
}

/** The batch endpoint's limit on queries in one request. */
const MAX_BATCH = 1000

/** Starts the fake on a free local port. */
export async function startFakeMapboxGeocoder(): Promise<FakeMapboxGeocoder> {
  const failures: Array<{ status: number; message: string }> = []
  const fake: FakeMapboxGeocoder = {
    url: '',
    env: {},
    requests: [],
    failNext: (status, message) => failures.push({ status, message }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const body = await readAll(req)
    const { access_token: token, ...query } = Object.fromEntries(url.searchParams)
    const logged: FakeMapboxRequest = { method: req.method ?? 'GET', path: url.pathname, query }
    fake.requests.push(logged)
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      res.end(JSON.stringify(value))
    }
    const failure = failures.shift()
    if (failure) {
      const limit: Record<string, string> =
        failure.status === 429 ? { 'x-rate-limit-limit': '1000', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 60) } : {}
      return json(failure.status, { message: failure.message }, limit)
    }
    if (!token) return json(401, { message: 'Not Authorized - No Token' })
    if (token !== FAKE_MAPBOX_TOKEN) return json(401, { message: 'Not Authorized - Invalid Token' })
    if (req.method === 'GET' && url.pathname === '/search/geocode/v6/forward') {
      if (!query.q && !query.address_line1) return json(422, { message: 'Query is required.' })
      return json(200, collectionOf(query))
    }
    if (req.method === 'POST' && url.pathname === '/search/geocode/v6/batch') {
      let queries: unknown
      try {
        queries = JSON.parse(body.toString('utf8'))
      } catch {
        return json(400, { message: 'Request body is not valid JSON' })
      }
      if (!Array.isArray(queries)) return json(422, { message: 'Batch body must be an array of queries' })
      if (queries.length > MAX_BATCH) return json(422, { message: `Batch size must be less than or equal to ${MAX_BATCH}` })
      logged.batch = queries as Array<Record<string, unknown>>
      return json(200, { batch: queries.map((q) => collectionOf(q as Record<string, unknown>)) })
    }
    return json(404, { message: 'Not Found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.env = { CRM_GEOCODER: 'mapbox', CRM_GEOCODER_URL: fake.url, CRM_MAPBOX_TOKEN: FAKE_MAPBOX_TOKEN, CRM_GEOCODER_GAP_MS: '0' }
  return fake
}

/**
 * A query's FeatureCollection as v6 writes it: no feature for a street with "nowhere" (or no house number), a street-only
 * feature of low confidence for "unsure", else one address feature at a point made from the address (the same every
 * time), of exact or medium confidence.
 */
function collectionOf(q: Record<string, unknown>): unknown {
  const street = String(q.address_line1 ?? q.q ?? '')
  const zip = String(q.postcode ?? '')
  const attribution = 'NOTICE: © 2026 Mapbox and its suppliers. All rights reserved.'
  if (/nowhere/i.test(street) || !/^\s*\d+\s+\S/.test(street)) return { type: 'FeatureCollection', features: [], attribution }
  const h = createHash('sha256').update(`${street.toLowerCase()}|${zip}`).digest()
  const latitude = 34.6 + h[0] / 1000
  const longitude = -86.7 + h[1] / 1000
  const unsure = /unsure/i.test(street)
  const full = [street, q.place, [q.region, zip].filter(Boolean).join(' '), 'United States'].filter(Boolean).join(', ')
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        id: `dXJuOm1ieGFkcjo${h.subarray(0, 6).toString('hex')}`,
        geometry: { type: 'Point', coordinates: [longitude, latitude] },
        properties: {
          mapbox_id: `dXJuOm1ieGFkcjo${h.subarray(0, 6).toString('hex')}`,
          feature_type: unsure ? 'street' : 'address',
          full_address: full,
          name: street,
          coordinates: { longitude, latitude, accuracy: h[2] % 4 === 0 ? 'interpolated' : 'rooftop' },
          match_code: {
            address_number: unsure ? 'unmatched' : 'matched',
            street: 'matched',
            postcode: zip ? 'matched' : 'not_applicable',
            confidence: unsure ? 'low' : h[2] % 4 === 0 ? 'medium' : 'exact',
          },
        },
      },
    ],
    attribution,
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
