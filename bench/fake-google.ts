import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type FakeCalendar, installFakeCalendar } from './fake-google-calendar.js'
import { FakeGoogleFault, googleErrorBody, RATE_LIMITED, USER_RATE_LIMITED } from './fake-google-errors.js'
import { createFakeGoogleOAuth, type FakeGoogleOAuth, type FakeGrant } from './fake-google-oauth.js'

/** One API request as a route sees it: the account whose token came with it, already checked. */
export interface FakeGoogleApiRequest {
  method: string
  path: string
  query: URLSearchParams
  /** Parsed JSON, or undefined. */
  body: any
  grant: FakeGrant
  /** The fake's clock. */
  now: Date
}

/** A route's answer. */
export interface FakeGoogleAnswer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/** One API address of the fake: its method and path pattern, the scopes that reach it (any one), and its answer. */
export interface FakeGoogleRoute {
  method: string
  path: RegExp
  scopes: string[]
  handle(req: FakeGoogleApiRequest, match: RegExpExecArray): FakeGoogleAnswer
}

/** One request the fake received. */
export interface FakeGoogleRequest {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  /** The account of an API request whose token was good. */
  account?: string
}

/** A local stand-in for Google (OAuth 2.0, and the APIs whose routes are added), with its errors and limits. */
export interface FakeGoogle {
  /** Every Google host at once: give it as GOOGLE_API_BASE. */
  url: string
  /** GOOGLE_* variables that point the product at this fake. */
  env: { GOOGLE_CLIENT_ID: string; GOOGLE_CLIENT_SECRET: string; GOOGLE_API_BASE: string }
  oauth: FakeGoogleOAuth
  requests: FakeGoogleRequest[]
  /** API requests answered, and those refused for the rate limit or by failNext. */
  counts: { api: number; throttled: number }
  /** The fake's clock (real time plus what advance() added): tokens expire on it. */
  readonly now: Date
  advance(ms: number): void
  /** Where Google sends the person back after consenting on this authorize address (see FakeGoogleOAuth.consent). */
  consent(authorizeUrl: string, email: string, options?: { deny?: boolean }): string
  expireAccessTokens(): void
  /** The person revoked the app in their Google account: their refresh and access tokens stop working. */
  revokeGrant(email: string): void
  /** Answers the next API request (whoever sends it) with this status and Google's error body for the reason. */
  failNext(status: number, reason?: string, headers?: Record<string, string>): void
  /** Adds API addresses (each API's fake adds its own). */
  addRoutes(routes: FakeGoogleRoute[]): void
  /** Calendar v3: its state, and what a test does in Google Calendar. */
  calendar: FakeCalendar
  close(): Promise<void>
}

/** Options of the fake. */
export interface FakeGoogleOptions {
  clientId?: string
  clientSecret?: string
  accessTokenSeconds?: number
  /** API requests one account may make per window before 403 userRateLimitExceeded; unlimited when unset. */
  requestsPerWindow?: number
  windowMs?: number
  /** Wait this long before answering each API request. */
  latencyMs?: number
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  let offset = 0
  const clock = () => new Date(Date.now() + offset)
  const oauth = createFakeGoogleOAuth({
    clientId: options.clientId ?? `${randomBytes(6).toString('hex')}-fake.apps.googleusercontent.com`,
    clientSecret: options.clientSecret ?? `GOCSPX-${randomBytes(14).toString('base64url')}`,
    accessTokenSeconds: options.accessTokenSeconds ?? 3600,
    clock,
  })
  const routes: FakeGoogleRoute[] = []
  const requests: FakeGoogleRequest[] = []
  const counts = { api: 0, throttled: 0 }
  const failures: Array<{ status: number; body: object; headers: Record<string, string> }> = []
  const windows = new Map<string, number[]>()
  const windowMs = options.windowMs ?? 60_000

  const overLimit = (email: string) => {
    if (!options.requestsPerWindow) return false
    const at = clock().getTime()
    const window = (windows.get(email) ?? []).filter((t) => t > at - windowMs)
    windows.set(email, window)
    if (window.length >= options.requestsPerWindow) return true
    window.push(at)
    return false
  }

  const answer = async (
    req: IncomingMessage,
    url: URL,
    text: string,
    record: FakeGoogleRequest,
  ): Promise<FakeGoogleAnswer & { location?: string }> => {
    const method = req.method ?? 'GET'
    const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
    const fields = form ? Object.fromEntries(new URLSearchParams(text)) : {}
    const oauthAnswer = oauth.handle(method, url.pathname, url.searchParams, fields, req.headers.authorization)
    if (oauthAnswer) return oauthAnswer
    const matched = routes.map((r) => ({ r, m: r.method === method ? r.path.exec(url.pathname) : null })).find((x) => x.m)
    if (!matched?.m) return { status: 404, body: googleErrorBody(404, 'notFound', `No such address: ${method} ${url.pathname}`) }
    let body: unknown
    if (text) {
      try {
        body = JSON.parse(text)
      } catch {
        return { status: 400, body: googleErrorBody(400, 'parseError', 'Parse Error') }
      }
    }
    const failure = failures.shift()
    if (failure) {
      if (failure.status === 429 || failure.status === 403) counts.throttled++
      throw new FakeGoogleFault(failure.status, failure.body, failure.headers)
    }
    const grant = oauth.check(req.headers.authorization, matched.r.scopes)
    record.account = grant.email
    if (overLimit(grant.email)) {
      counts.throttled++
      throw new FakeGoogleFault(403, USER_RATE_LIMITED)
    }
    counts.api++
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
    return matched.r.handle({ method, path: url.pathname, query: url.searchParams, body, grant, now: clock() }, matched.m)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const text = await readBody(req)
    const record: FakeGoogleRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text,
    }
    requests.push(record)
    let result: FakeGoogleAnswer & { location?: string }
    try {
      result = await answer(req, url, text, record)
    } catch (error) {
      result =
        error instanceof FakeGoogleFault
          ? { status: error.status, body: error.body, headers: error.headers }
          : { status: 500, body: googleErrorBody(500, 'backendError', 'Backend Error') }
    }
    if (result.location) {
      res.writeHead(302, { Location: result.location })
      res.end()
      return
    }
    if (result.status === 204 || result.body === undefined) {
      res.writeHead(result.status, result.headers ?? {})
      res.end()
      return
    }
    res.writeHead(result.status, { 'Content-Type': 'application/json; charset=UTF-8', ...(result.headers ?? {}) })
    res.end(JSON.stringify(result.body))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  // Each API's fake is installed below, one line each.
  const fake = {
    url,
    env: { GOOGLE_CLIENT_ID: oauth.clientId, GOOGLE_CLIENT_SECRET: oauth.clientSecret, GOOGLE_API_BASE: url },
    oauth,
    requests,
    counts,
    get now() {
      return clock()
    },
    advance(ms) {
      offset += ms
    },
    consent: (authorizeUrl, email, consentOptions) => oauth.consent(authorizeUrl, email, consentOptions),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    revokeGrant: (email) => oauth.revoke(email),
    failNext(status, reason, headers = {}) {
      const body =
        status === 429
          ? RATE_LIMITED
          : status === 403 && (!reason || reason === 'userRateLimitExceeded')
            ? USER_RATE_LIMITED
            : googleErrorBody(status, reason ?? (status >= 500 ? 'backendError' : `http_${status}`), reason ?? 'Failed')
      failures.push({ status, body, headers })
    },
    addRoutes(more) {
      routes.push(...more)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  } as FakeGoogle
  fake.calendar = installFakeCalendar(fake)
  return fake
}
