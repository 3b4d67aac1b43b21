import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { FakeCompany, type Rec } from './fake-quickbooks-company.js'
import { authenticationFault, defaultFailure, FakeFault, throttleBody } from './fake-quickbooks-faults.js'
import { createFakeOAuth, type FakeOAuth } from './fake-quickbooks-oauth.js'
import { answerAccounting, parseBody, readBody } from './fake-quickbooks-routes.js'

/** One request the fake received. */
export interface FakeQuickBooksRequest {
  method: string
  path: string
  query: Record<string, string>
  /** Parsed JSON, form fields as an object, or the raw text. */
  body: unknown
}

/** A local stand-in for QuickBooks Online (OAuth and the v3 accounting API) with its rules and limits. */
export interface FakeQuickBooks {
  /** The base of every address; give it as QUICKBOOKS_API_BASE. */
  url: string
  /** QUICKBOOKS_* variables that point a client at this fake. */
  env: Record<string, string>
  clientId: string
  clientSecret: string
  /** The default company. */
  realmId: string
  requests: FakeQuickBooksRequest[]
  /** Records created per entity, and requests refused for the rate limits. */
  counts: { created: Record<string, number>; throttled: number }
  /** The stored companies by realm id, to assert on. */
  data: Record<string, FakeCompany>
  /** Wait this long before answering each accounting request. */
  latencyMs: number
  /** The fake's clock (real time plus what advance() added): tokens expire and the rate window slides on it. */
  readonly now: Date
  advance(ms: number): void
  /** The address Intuit would send the owner back to after they approved: redirectUri?code&state&realmId. */
  authorizeCode(realmId: string, redirectUri: string, state: string): string
  /** Makes every access token issued so far expired, as if an hour passed for them only. */
  expireAccessTokens(): void
  /** Answers the next accounting request with this status and body (QuickBooks' usual Fault for the status by default). */
  failNext(status: number, fault?: object, headers?: Record<string, string>): void
  setPreference(name: 'CustomTxnNumbers', value: boolean, realmId?: string): void
  addVendor(name: string, realmId?: string): Rec
  addEmployee(name: string, realmId?: string): Rec
  /** A payment entered in QuickBooks by the bookkeeper, applied to one invoice. */
  bookkeeperPayment(invoiceId: string, amountDecimal: number, realmId?: string): Rec
  /**
   * A webhook delivery as Intuit sends it: the JSON body and its `intuit-signature` header (base64 HMAC-SHA256 of the
   * body with the app's verifier token). Post it to the product's webhook address yourself.
   */
  webhook(
    verifier: string,
    entities: Array<{ name: string; id: string; operation?: string }>,
    realmId?: string,
  ): { body: string; signature: string }
  /** The records of one entity of a company (the default one unless named). */
  records(entity: string, realmId?: string): Rec[]
  close(): Promise<void>
}

/** Options of the fake; the limits default to QuickBooks' published ones. */
export interface FakeQuickBooksOptions {
  realmId?: string
  clientId?: string
  clientSecret?: string
  accessTokenSeconds?: number
  requestsPerMinute?: number
  maxConcurrent?: number
  /** The length of the rate window (a minute at QuickBooks); shorter in tests. */
  windowMs?: number
  latencyMs?: number
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeQuickBooks(options: FakeQuickBooksOptions = {}): Promise<FakeQuickBooks> {
  const defaultRealm = options.realmId ?? '9130357766900456'
  const requestsPerMinute = options.requestsPerMinute ?? 500
  const maxConcurrent = options.maxConcurrent ?? 10
  const windowMs = options.windowMs ?? 60_000
  let offset = 0
  const clock = () => new Date(Date.now() + offset)
  const counts = { created: {} as Record<string, number>, throttled: 0 }
  const data: Record<string, FakeCompany> = {}
  const companyOf = (realmId: string) => {
    data[realmId] ??= new FakeCompany(realmId, clock, (entity) => {
      counts.created[entity] = (counts.created[entity] ?? 0) + 1
    })
    return data[realmId]
  }
  companyOf(defaultRealm)
  const oauth: FakeOAuth = createFakeOAuth({
    clientId: options.clientId ?? `ABfake${randomBytes(6).toString('hex')}`,
    clientSecret: options.clientSecret ?? randomBytes(20).toString('hex'),
    accessTokenSeconds: options.accessTokenSeconds ?? 3600,
    clock,
    defaultRealm,
    companyOf,
  })
  const failures: Array<{ status: number; body: object; headers: Record<string, string> }> = []
  const answered = new Map<string, { status: number; body: object }>()
  const windows = new Map<string, number[]>()
  const inFlight = new Map<string, number>()
  const requests: FakeQuickBooksRequest[] = []

  /** True when this request is over the company's limits; otherwise it is counted in them. */
  const throttled = (realmId: string) => {
    const now = clock().getTime()
    const window = windows.get(realmId) ?? []
    while (window.length && window[0] <= now - windowMs) window.shift()
    windows.set(realmId, window)
    const busy = inFlight.get(realmId) ?? 0
    if (window.length >= requestsPerMinute || busy >= maxConcurrent) return true
    window.push(now)
    inFlight.set(realmId, busy + 1)
    return false
  }

  const accounting = async (req: IncomingMessage, url: URL, body: unknown, realmId: string, rest: string[]) => {
    const failure = failures.shift()
    if (failure) throw new FakeFault(failure.status, failure.body, failure.headers)
    oauth.checkBearer(req.headers.authorization, realmId)
    const company = data[realmId]
    if (!company) throw authenticationFault('Unknown company')
    return answerAccounting({ company, method: req.method ?? 'GET', url, body, rest, answered, clock })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const text = await readBody(req)
    const body = parseBody(text, req.headers['content-type'])
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body })
    const send = (status: number, answer: object | string, headers: Record<string, string> = {}) => {
      const payload = typeof answer === 'string' ? answer : JSON.stringify(answer)
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
      res.end(payload)
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    if (parts[0] !== 'v3') {
      const answer = oauth.handle(req.method ?? 'GET', url, req.headers.authorization, body)
      if (answer.location) {
        res.writeHead(302, { Location: answer.location })
        res.end()
      } else send(answer.status, answer.body ?? '')
      return
    }
    if (parts[1] !== 'company' || !parts[2]) return send(404, { error: 'not found' })
    const realmId = parts[2]
    if (throttled(realmId)) {
      counts.throttled++
      return send(429, throttleBody())
    }
    let done = false
    const finish = () => {
      if (done) return
      done = true
      inFlight.set(realmId, (inFlight.get(realmId) ?? 1) - 1)
    }
    try {
      if (fake.latencyMs) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs))
      const answer = await accounting(req, url, body, realmId, parts.slice(3))
      finish()
      send(answer.status, answer.body)
    } catch (error) {
      finish()
      if (error instanceof FakeFault) send(error.status, error.body, error.headers)
      else send(500, defaultFailure(500))
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const fake: FakeQuickBooks = {
    url,
    env: {
      QUICKBOOKS_CLIENT_ID: oauth.clientId,
      QUICKBOOKS_CLIENT_SECRET: oauth.clientSecret,
      QUICKBOOKS_API_BASE: url,
      QUICKBOOKS_AUTHORIZE_URL: `${url}/connect/oauth2`,
      QUICKBOOKS_TOKEN_URL: `${url}/oauth2/v1/tokens/bearer`,
      QUICKBOOKS_REVOKE_URL: `${url}/v2/oauth2/tokens/revoke`,
    },
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    realmId: defaultRealm,
    requests,
    counts,
    data,
    latencyMs: options.latencyMs ?? 0,
    get now() {
      return clock()
    },
    advance(ms) {
      offset += ms
    },
    authorizeCode: (realmId, redirectUri, state) => oauth.authorizeCode(realmId, redirectUri, state),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    failNext(status, fault, headers = {}) {
      failures.push({ status, body: fault ?? defaultFailure(status), headers })
    },
    setPreference(name, value, realmId = defaultRealm) {
      companyOf(realmId).preferences[name] = value
    },
    addVendor: (name, realmId = defaultRealm) => companyOf(realmId).create('Vendor', { DisplayName: name }),
    addEmployee: (name, realmId = defaultRealm) => companyOf(realmId).create('Employee', { DisplayName: name }),
    bookkeeperPayment(invoiceId, amountDecimal, realmId = defaultRealm) {
      const company = companyOf(realmId)
      const invoice = company.find('Invoice', invoiceId)
      if (!invoice) throw new Error(`no invoice ${invoiceId} in company ${realmId}`)
      return company.create('Payment', {
        CustomerRef: invoice.CustomerRef,
        TotalAmt: amountDecimal,
        Line: [{ Amount: amountDecimal, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
      })
    },
    webhook(verifier, entities, realmId = defaultRealm) {
      const lastUpdated = clock().toISOString()
      const body = JSON.stringify({
        eventNotifications: [
          {
            realmId,
            dataChangeEvent: {
              entities: entities.map((e) => ({ name: e.name, id: e.id, operation: e.operation ?? 'Update', lastUpdated })),
            },
          },
        ],
      })
      return { body, signature: createHmac('sha256', verifier).update(body).digest('base64') }
    },
    records: (entity, realmId = defaultRealm) => companyOf(realmId).records(entity),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return fake
}
