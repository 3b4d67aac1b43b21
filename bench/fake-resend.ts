import { randomUUID } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One email the fake accepted. */
export interface FakeEmail {
  id: string
  idempotencyKey: string | null
  from: string
  to: string[]
  subject: string
  text: string | null
  html: string | null
  replyTo: string[] | null
  /** When it was accepted (ms since the epoch). */
  at: number
}

/** A local stand-in for Resend's POST /emails, with its idempotency and error answers, for tests and the bench. */
export interface FakeResend {
  /** The base URL to give the client (RESEND_BASE_URL). */
  url: string
  apiKey: string
  /** The emails accepted, once each: a repeated idempotency key adds nothing. */
  emails: FakeEmail[]
  /** Every POST /emails received, including refused and repeated ones. */
  requests: number
  /** Requests whose idempotency key had already sent an email (answered with that email's id). */
  repeats: number
  /** Wait this long before answering each request. */
  latencyMs: number
  /** Accept (and record) emails but never answer, as if the connection died after the provider took the email. */
  hang: boolean
  /** Answers 429 with Retry-After to requests beyond this many per second, as Resend's rate limit does; 0: no limit. */
  maxPerSecond: number
  /** Requests refused by that rate limit. */
  limited: number
  /** Answers the next `times` requests with this error status (429, 500, 422, ...) and sends nothing. */
  failNext(status: number, times?: number): void
  close(): Promise<void>
}

const ERRORS: Record<number, { name: string; message: string }> = {
  400: { name: 'invalid_idempotency_key', message: 'The key must be between 1-256 chars.' },
  401: { name: 'missing_api_key', message: 'Missing API key in the authorization header.' },
  403: { name: 'invalid_api_key', message: 'API key is invalid.' },
  409: { name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' },
  422: { name: 'validation_error', message: 'Invalid `to` field. The email address needs to follow the `email@example.com` format.' },
  429: { name: 'rate_limit_exceeded', message: 'Too many requests. You can only make 2 requests per second.' },
  500: { name: 'internal_server_error', message: 'An unexpected error occurred.' },
}

/** Starts the fake on a loopback port. */
export async function startFakeResend(opts: { apiKey?: string; latencyMs?: number; maxPerSecond?: number } = {}): Promise<FakeResend> {
  const apiKey = opts.apiKey ?? 're_test_fake_key'
  const byKey = new Map<string, { id: string; body: string }>()
  const failures: number[] = []
  const held = new Set<ServerResponse>()
  // A token bucket holding one second's worth of requests, refilled continuously: a steady rate passes, a burst does not.
  let tokens = opts.maxPerSecond ?? 0
  let filledAt = Date.now()
  const withinRate = () => {
    if (!fake.maxPerSecond) return true
    const now = Date.now()
    tokens = Math.min(fake.maxPerSecond, tokens + ((now - filledAt) / 1000) * fake.maxPerSecond)
    filledAt = now
    if (tokens < 1) return false
    tokens -= 1
    return true
  }
  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
  const refuse = (res: ServerResponse, status: number, message?: string) =>
    answer(res, status, { statusCode: status, name: ERRORS[status]?.name ?? 'application_error', message: message ?? ERRORS[status]?.message ?? 'Error' },
      status === 429 ? { 'retry-after': '1' } : {})

  const server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', async () => {
      if (fake.latencyMs) await new Promise((r) => setTimeout(r, fake.latencyMs))
      if (req.method !== 'POST' || req.url !== '/emails') return refuse(res, 404, `No route ${req.method} ${req.url}`)
      fake.requests += 1
      if (req.headers.authorization !== `Bearer ${apiKey}`) return refuse(res, req.headers.authorization ? 403 : 401)
      if (!withinRate()) {
        fake.limited += 1
        return refuse(res, 429)
      }
      const status = failures.shift()
      if (status) return refuse(res, status)
      let body: Record<string, unknown>
      try {
        body = JSON.parse(raw)
      } catch {
        return refuse(res, 422, 'The body is not valid JSON.')
      }
      const missing = ['from', 'to', 'subject'].find((f) => !body[f])
      if (missing) return answer(res, 422, { statusCode: 422, name: 'missing_required_field', message: `Missing \`${missing}\` field.` })
      if (!body.text && !body.html) return answer(res, 422, { statusCode: 422, name: 'validation_error', message: 'Missing `html` or `text` field.' })
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null
      if (key) {
        const earlier = byKey.get(key)
        if (earlier) {
          if (earlier.body !== raw) return refuse(res, 409)
          fake.repeats += 1
          return answer(res, 200, { id: earlier.id })
        }
      }
      const id = randomUUID()
      if (key) byKey.set(key, { id, body: raw })
      const list = (v: unknown) => (v === undefined || v === null ? null : Array.isArray(v) ? v.map(String) : [String(v)])
      fake.emails.push({ id, idempotencyKey: key, from: String(body.from), to: list(body.to) ?? [], subject: String(body.subject),
        text: (body.text as string) ?? null, html: (body.html as string) ?? null, replyTo: list(body.reply_to), at: Date.now() })
      if (fake.hang) {
        held.add(res)
        return
      }
      answer(res, 200, { id })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const fake: FakeResend = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey,
    emails: [],
    requests: 0,
    repeats: 0,
    latencyMs: opts.latencyMs ?? 0,
    hang: false,
    maxPerSecond: opts.maxPerSecond ?? 0,
    limited: 0,
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status)
    },
    async close() {
      for (const res of held) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return fake
}
