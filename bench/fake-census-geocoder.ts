import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parse } from 'csv-parse/sync'

/** A place the fake knows: the point it answers and the address it says it matched. */
export interface FakePlace {
  latitude: number
  longitude: number
  matched: string
  exact: boolean
}

/** One request the fake received: its path, its query, and for a batch the lines of its file. */
export interface FakeCensusRequest {
  method: string
  path: string
  query: Record<string, string>
  batch?: string[][]
}

/** A local stand-in for the US Census Geocoder's locations API, single (JSON) and batch (CSV), with its error answers. */
export interface FakeCensusGeocoder {
  url: string
  /** CRM_GEOCODER_* variables that point the product at this fake. */
  env: Record<string, string>
  requests: FakeCensusRequest[]
  /** Answers this street and ZIP code with this place (else: No_Match for a street with "nowhere", Tie with "twin", a point made from the address otherwise). */
  place(street: string, zip: string, place: FakePlace): void
  /** Answers the next request with this status and body (an outage page by default). */
  failNext(status: number, body?: string, contentType?: string): void
  /** While down, every request gets 503 and the service's outage page. */
  down: boolean
  close(): Promise<void>
}

const BENCHMARKS = new Set(['Public_AR_Current', 'Public_AR_ACS2025', 'Public_AR_Census2020', '4', '8', '2020'])
const OUTAGE_PAGE = '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>'
/** The service's limit on one batch file. */
const MAX_BATCH = 10_000

/** Starts the fake on a free local port. */
export async function startFakeCensusGeocoder(): Promise<FakeCensusGeocoder> {
  const known = new Map<string, FakePlace>()
  const failures: Array<{ status: number; body: string; contentType: string }> = []
  const fake: FakeCensusGeocoder = {
    url: '',
    env: {},
    requests: [],
    place: (street, zip, p) => known.set(keyOf(street, zip), p),
    failNext: (status, body = OUTAGE_PAGE, contentType = 'text/html') => failures.push({ status, body, contentType }),
    down: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const placeOf = (street: string, city: string, state: string, zip: string): FakePlace | 'No_Match' | 'Tie' => {
    const known_ = known.get(keyOf(street, zip))
    if (known_) return known_
    if (/nowhere/i.test(street) || !/^\s*\d+\s+\S/.test(street)) return 'No_Match'
    if (/twin/i.test(street)) return 'Tie'
    // A point near Huntsville, AL, the same every time for the same address.
    const h = createHash('sha256').update(keyOf(street, zip)).digest()
    const matched = `${street}, ${city}, ${state}, ${zip}`.toUpperCase()
    return { latitude: 34.6 + h[0] / 1000, longitude: -86.7 + h[1] / 1000, matched, exact: h[2] % 4 !== 0 }
  }
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const body = await readAll(req)
    const logged: FakeCensusRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) }
    fake.requests.push(logged)
    const send = (status: number, text: string, type: string) => {
      res.writeHead(status, { 'content-type': type })
      res.end(text)
    }
    const error = (message: string) => send(400, JSON.stringify({ errors: [message], status: '400' }), 'application/json')
    if (fake.down) return send(503, OUTAGE_PAGE, 'text/html')
    const failure = failures.shift()
    if (failure) return send(failure.status, failure.body, failure.contentType)
    if (req.method === 'GET' && url.pathname === '/geocoder/locations/address') {
      const q = url.searchParams
      if (!q.get('benchmark')) return error('Benchmark must be provided')
      if (!BENCHMARKS.has(q.get('benchmark') ?? '')) return error('Invalid Benchmark')
      if (!q.get('street')) return error('Street address must be provided')
      const p = placeOf(q.get('street') ?? '', q.get('city') ?? '', q.get('state') ?? '', q.get('zip') ?? '')
      const matches = p === 'No_Match' ? [] : p === 'Tie' ? [match(fakeTie(1)), match(fakeTie(2))] : [match(p)]
      const input = {
        address: { street: q.get('street'), city: q.get('city'), state: q.get('state'), zip: q.get('zip') },
        benchmark: {
          id: '4',
          benchmarkName: q.get('benchmark'),
          benchmarkDescription: 'Public Address Ranges - Current Benchmark',
          isDefault: true,
        },
      }
      return send(200, JSON.stringify({ result: { input, addressMatches: matches } }), 'application/json')
    }
    if (req.method === 'POST' && url.pathname === '/geocoder/locations/addressbatch') {
      let form: FormData
      try {
        form = await new Request('http://fake', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body,
        }).formData()
      } catch {
        return error('The request must be multipart/form-data with an addressFile')
      }
      const benchmark = form.get('benchmark')
      if (!benchmark) return error('Benchmark must be provided')
      if (!BENCHMARKS.has(String(benchmark))) return error('Invalid Benchmark')
      const file = form.get('addressFile')
      if (!(file instanceof Blob)) return error('An addressFile must be provided')
      const rows: string[][] = parse(await file.text(), { relax_column_count: true, skip_empty_lines: true })
      logged.batch = rows
      if (rows.length > MAX_BATCH) return error(`Batch file exceeds the limit of ${MAX_BATCH} records`)
      // The service answers in its own order, not the file's.
      const lines = [...rows].reverse().map(([id, street = '', city = '', state = '', zip = '']) => {
        const asSent = `${street}, ${city}, ${state}, ${zip}`
        const p = placeOf(street, city, state, zip)
        if (p === 'No_Match' || p === 'Tie') return csvLine([id, asSent, p])
        return csvLine([id, asSent, 'Match', p.exact ? 'Exact' : 'Non_Exact', p.matched, `${p.longitude},${p.latitude}`, '76355984', 'L'])
      })
      return send(200, lines.join('\n') + (lines.length ? '\n' : ''), 'text/csv')
    }
    send(404, '<html><body>Not Found</body></html>', 'text/html')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.env = { CRM_GEOCODER: 'census', CRM_GEOCODER_URL: fake.url, CRM_GEOCODER_GAP_MS: '0' }
  return fake
}

function keyOf(street: string, zip: string): string {
  return `${street.trim().toLowerCase().replace(/\s+/g, ' ')}|${zip.trim().slice(0, 5)}`
}

function fakeTie(n: number): FakePlace {
  return { latitude: 34.7 + n / 100, longitude: -86.6, matched: `${n} TWIN OAKS DR, HUNTSVILLE, AL, 35801`, exact: true }
}

/** One of the single lookup's addressMatches, as the service writes it (x is the longitude, y the latitude). */
function match(p: FakePlace) {
  return {
    tigerLine: { side: 'L', tigerLineId: '76355984' },
    coordinates: { x: p.longitude, y: p.latitude },
    addressComponents: { zip: p.matched.slice(-5), city: '', state: '', streetName: '', preType: '', preDirection: '', suffixType: '' },
    matchedAddress: p.matched,
  }
}

function csvLine(fields: string[]): string {
  return fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',')
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
