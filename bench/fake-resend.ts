import { randomUUID } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { seededRandom } from '../core/demo/demo-context.js'

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
  /** The email's own headers, as the API takes them: an object of names and values. */
  headers: Record<string, string> | null
  /** When it was accepted (ms since the epoch). */
  at: number
}

/** A received email as Resend's Receiving API answers GET /emails/receiving/{id}. */
export interface FakeReceivedEmail {
  object: 'email'
  id: string
  to: string[]
  from: string
  created_at: string
  subject: string
  bcc: string[]
  cc: string[]
  reply_to: string[]
  received_for: string[]
  html: string | null
  text: string | null
  headers: Record<string, string>
  message_id: string
  raw: null
  attachments: Array<{
    id: string
    filename: string | null
    size: number
    content_type: string
    content_id: string | null
    content_disposition: string | null
  }>
}

/**
 * Resend's email.received webhook event for an email it keeps, as Resend posts it: metadata only (no body, headers or
 * received_for), its recipients as To, Cc and Bcc lists, each attachment without its content.
 */
export function emailReceivedEvent(email: FakeReceivedEmail, createdAt = new Date()): object {
  return {
    type: 'email.received',
    created_at: createdAt.toISOString(),
    data: {
      email_id: email.id,
      created_at: email.created_at,
      from: email.from,
      to: email.to,
      bcc: email.bcc,
      cc: email.cc,
      message_id: email.message_id,
      subject: email.subject,
      attachments: email.attachments.map(({ id, filename, content_type, content_disposition, content_id }) => ({
        id,
        filename,
        content_type,
        content_disposition,
        content_id,
      })),
    },
  }
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
  /**
   * Answers 429 with Retry-After to a request when this many were let through in the second before it (a sliding window
   * of 1,000 ms: one exactly a second after the N-th before it passes), as Resend's rate limit does; 0: no limit.
   */
  maxPerSecond: number
  /** Requests refused by that rate limit. */
  limited: number
  /** The share (0 to 1) of requests answered 429 at random, whatever the rate, as a provider under load may. */
  randomLimitShare: number
  /** Requests refused by the random 429s. */
  limitedAtRandom: number
  /** Every POST /emails in order of arrival: when it was answered (ms since the epoch) and with which status. */
  log: Array<{ at: number; status: number }>
  /** Answers the next `times` requests with this error status (429, 500, 422, ...) and sends nothing. */
  failNext(status: number, times?: number): void
  /** Emails Resend received for the account, by id, as GET /emails/receiving/{id} answers them. */
  received: Map<string, FakeReceivedEmail>
  /** Every GET /emails/receiving/{id} received, including refused ones. */
  receivingReads: number
  /** Keeps an email as received (a new id, and Resend's defaults for what is not given) and returns it. */
  receive(email: Partial<FakeReceivedEmail> & { from: string; to: string[] }): FakeReceivedEmail
  close(): Promise<void>
}

const ERRORS: Record<number, { name: string; message: string }> = {
  400: { name: 'invalid_idempotency_key', message: 'The key must be between 1-256 chars.' },
  401: { name: 'missing_api_key', message: 'Missing API key in the authorization header.' },
  403: { name: 'invalid_api_key', message: 'API key is invalid.' },
  404: { name: 'not_found', message: 'Email not found' },
  409: { name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' },
  422: { name: 'validation_error', message: 'Invalid `to` field. The email address needs to follow the `email@example.com` format.' },
  429: {
    name: 'rate_limit_exceeded',
    message: 'Too many requests. You can only make 2 requests per second. See rate limit response headers for more information.',
  },
  500: { name: 'internal_server_error', message: 'An unexpected error occurred.' },
}

/** Starts the fake on a loopback port. */
export async function startFakeResend(
  opts: { apiKey?: string; latencyMs?: number; maxPerSecond?: number; randomLimitShare?: number; seed?: number } = {},
): Promise<FakeResend> {
  const apiKey = opts.apiKey ?? 're_test_fake_key'
  const byKey = new Map<string, { id: string; body: string }>()
  const failures: number[] = []
  const held = new Set<ServerResponse>()
  const random = seededRandom(opts.seed ?? 1)
  // When each request the limit let through in the last second arrived, oldest first.
  const window: number[] = []
  /** Seconds to wait when over the limit (Resend says whole seconds), or 0 when this request may go, which it then counts. */
  const overLimit = (now: number) => {
    if (!fake.maxPerSecond) return 0
    while (window.length && window[0] <= now - 1000) window.shift()
    if (window.length >= fake.maxPerSecond) return Math.max(1, Math.ceil((window[window.length - fake.maxPerSecond] + 1000 - now) / 1000))
    window.push(now)
    return 0
  }
  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.req.url === '/emails' && res.req.method === 'POST') fake.log.push({ at: Date.now(), status })
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
  const refuse = (res: ServerResponse, status: number, message?: string, retryAfter = 1) =>
    answer(
      res,
      status,
      { statusCode: status, name: ERRORS[status]?.name ?? 'application_error', message: message ?? ERRORS[status]?.message ?? 'Error' },
      status === 429
        ? {
            'retry-after': String(retryAfter),
            'ratelimit-limit': String(fake.maxPerSecond || 2),
            'ratelimit-remaining': '0',
            'ratelimit-reset': String(retryAfter),
          }
        : {},
    )

  const server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => (raw += chunk))
    req.on('end', async () => {
      if (fake.latencyMs) await new Promise((r) => setTimeout(r, fake.latencyMs))
      const receiving = /^\/emails\/receiving\/([^/?]+)(\?.*)?$/.exec(req.url ?? '')
      if (req.method === 'GET' && receiving) {
        fake.receivingReads += 1
        if (req.headers.authorization !== `Bearer ${apiKey}`) return refuse(res, req.headers.authorization ? 403 : 401)
        const status = failures.shift()
        if (status) return refuse(res, status)
        const email = fake.received.get(decodeURIComponent(receiving[1]))
        return email ? answer(res, 200, email) : refuse(res, 404)
      }
      if (req.method !== 'POST' || req.url !== '/emails') return refuse(res, 404, `No route ${req.method} ${req.url}`)
      fake.requests += 1
      if (req.headers.authorization !== `Bearer ${apiKey}`) return refuse(res, req.headers.authorization ? 403 : 401)
      const wait = overLimit(Date.now())
      if (wait) {
        fake.limited += 1
        return refuse(
          res,
          429,
          `Too many requests. You can only make ${fake.maxPerSecond} requests per second. See rate limit response headers for more information.`,
          wait,
        )
      }
      if (fake.randomLimitShare && random() < fake.randomLimitShare) {
        fake.limitedAtRandom += 1
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
      if (!body.text && !body.html)
        return answer(res, 422, { statusCode: 422, name: 'validation_error', message: 'Missing `html` or `text` field.' })
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
      fake.emails.push({
        id,
        idempotencyKey: key,
        from: String(body.from),
        to: list(body.to) ?? [],
        subject: String(body.subject),
        text: (body.text as string) ?? null,
        html: (body.html as string) ?? null,
        replyTo: list(body.reply_to),
        headers: body.headers && typeof body.headers === 'object' ? (body.headers as Record<string, string>) : null,
        at: Date.now(),
      })
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
    randomLimitShare: opts.randomLimitShare ?? 0,
    limitedAtRandom: 0,
    log: [],
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status)
    },
    received: new Map(),
    receivingReads: 0,
    receive(email) {
      const id = randomUUID()
      const stored: FakeReceivedEmail = {
        object: 'email',
        id,
        created_at: new Date().toISOString(),
        subject: '',
        bcc: [],
        cc: [],
        reply_to: [],
        received_for: email.to,
        html: null,
        text: null,
        headers: {},
        message_id: `<${id}@mail.example>`,
        raw: null,
        attachments: [],
        ...email,
      }
      fake.received.set(id, stored)
      return stored
    },
    async close() {
      for (const res of held) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return fake
}
