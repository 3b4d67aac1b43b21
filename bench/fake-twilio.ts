import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One outbound text the fake accepted, as it keeps it. */
export interface FakeText {
  sid: string
  to: string
  /** The From posted; by a Messaging Service null until its delivery picks the service's sender. */
  from: string | null
  messagingServiceSid: string | null
  body: string
  mediaUrls: string[]
  statusCallback: string | null
  /** queued (accepted by a Messaging Service), then as deliverCallbacks moves it: sent, delivered, undelivered or failed. */
  status: string
  errorCode: number | null
  errorMessage: string | null
  segments: number
  /** Every field as posted: a name posted once is its value, a repeated one (MediaUrl) its values in order. */
  form: Record<string, string | string[]>
  /** When it was accepted (ms since the epoch). */
  at: number
  /** When its status last changed (ms since the epoch). */
  updatedAt: number
  /** When it was sent (ms since the epoch), null before. */
  sentAt: number | null
}

/** An incoming SMS or MMS that inbound() posts to the product. */
export interface FakeInboundText {
  from: string
  to: string
  body: string
  /** Set when the receiving number belongs to a Messaging Service. */
  messagingServiceSid?: string
  /** An MMS's files, served back to the product at the MediaUrl each gets. */
  media?: Array<{ contentType: string; bytes: Buffer }>
}

/** How a delivery that does not reach the handset ends: its last status and Twilio's error. */
interface Fate {
  status: 'undelivered' | 'failed'
  code: number
  message: string
}

/** Twilio's Programmable Messaging REST API (Messages, their media) and its webhooks, in memory on a loopback port. */
export interface FakeTwilio {
  /** The API base to give the product instead of https://api.twilio.com. */
  url: string
  accountSid: string
  authToken: string
  /** An API key the fake also takes for Basic auth (as username, with apiKeySecret as password). */
  apiKeySid: string
  apiKeySecret: string
  /** Every outbound text accepted, in order. */
  messages: FakeText[]
  /** Every POST to Messages.json, accepted or not. */
  readonly requests: number
  /** Sends to this number answer 400, 21614: not a mobile number. */
  landline(number: string): void
  /** Sends to this number answer 400, 21610: the number replied STOP. */
  optedOut(number: string): void
  /** Sends to this number are accepted, then reported undelivered with 30003. */
  unreachable(number: string): void
  /** Sends to this number are accepted, then reported with this final status and error. */
  failDelivery(number: string, status: 'undelivered' | 'failed', code: number, message: string): void
  /** The next `count` sends answer 429 (20429) and keep nothing. */
  rateLimit(count: number): void
  /** The next send not yet failed answers this HTTP status and Twilio error, and keeps nothing. */
  failNext(status: number, code: number, message: string): void
  /** Delivers every text accepted since the last call, posting the status callbacks of those that asked; the product's HTTP statuses. */
  deliverCallbacks(): Promise<number[]>
  /** Posts an incoming text to `url` as Twilio does, signed (with a wrong key when forged, over signUrl when given); the product's answer. */
  inbound(
    url: string,
    text: FakeInboundText,
    opts?: { forge?: boolean; signUrl?: string },
  ): Promise<{ status: number; contentType: string; body: string }>
  /** Forgets every text, count, script and file, keeping the port and keys. */
  reset(): void
  close(): Promise<void>
}

const API_VERSION = '2010-04-01'
// Twilio's magic test number: the sender a Messaging Service "picks" from its pool.
const SERVICE_SENDER = '+15005550006'
const E164 = /^\+[1-9]\d{7,14}$/
/** GSM 03.38's basic table (without the escape) and its extension table, whose characters take two places. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
const GSM_EXTENDED = new Set('\f^{}\\[~]|€')
const COUNTRIES: Record<string, string> = { '1': 'US', '44': 'GB', '61': 'AU', '49': 'DE', '33': 'FR', '48': 'PL', '353': 'IE' }

/** X-Twilio-Signature: base64 HMAC-SHA1, keyed by the auth token, of the URL then each parameter's name and value sorted by name. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | readonly string[]>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => {
      const value = params[name]
      return typeof value === 'string' ? acc + name + value : [...value].sort().reduce((a, v) => a + name + v, acc)
    }, url)
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64')
}

/** Segments as Twilio bills them: GSM-7 160 in one or 153 a part (extension characters count two), else UCS-2 70 or 67 in UTF-16 units. */
function segmentsOf(body: string): number {
  let gsm = 0
  for (const ch of body) {
    if (GSM_BASIC.has(ch)) gsm += 1
    else if (GSM_EXTENDED.has(ch)) gsm += 2
    else return body.length <= 70 ? 1 : Math.ceil(body.length / 67)
  }
  return gsm <= 160 ? 1 : Math.ceil(gsm / 153)
}

function rfc2822(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toUTCString().replace('GMT', '+0000')
}

const hex = () => randomBytes(16).toString('hex')

function countryOf(number: string): string {
  for (const length of [1, 2, 3]) {
    const country = COUNTRIES[number.slice(1, 1 + length)]
    if (country) return country
  }
  return ''
}

function formOf(params: URLSearchParams): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {}
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name)
    form[name] = values.length === 1 ? values[0] : values
  }
  return form
}

/** Starts the fake on a loopback port. */
export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${'0'.repeat(31)}1`
  const authToken = options.authToken ?? '5f4dcc3b5aa765d61d8327deb882cf99'
  const apiKeySid = `SK${'0'.repeat(31)}2`
  const apiKeySecret = 'fakeTwilioApiKeySecret0000000000'
  const base = `/${API_VERSION}/Accounts/${accountSid}`
  const messages: FakeText[] = []
  const refusals = new Map<string, { code: number; message: string }>()
  const fates = new Map<string, Fate>()
  const failures: Array<{ status: number; code: number; message: string }> = []
  const media = new Map<string, { contentType: string; bytes: Buffer }>()
  let throttled = 0
  let requests = 0
  // The texts before this index have been delivered.
  let delivered = 0

  const resource = (m: FakeText) => ({
    account_sid: accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.at),
    date_sent: rfc2822(m.sentAt),
    date_updated: rfc2822(m.updatedAt),
    direction: 'outbound-api',
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: String(m.segments),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Messages/${m.sid}/Media.json`, feedback: `${base}/Messages/${m.sid}/Feedback.json` },
    to: m.to,
    uri: `${base}/Messages/${m.sid}.json`,
  })
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }
  const error = (res: ServerResponse, status: number, code: number, message: string) =>
    json(
      res,
      status,
      { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
      status === 401 ? { 'www-authenticate': 'Basic realm="Twilio API"' } : {},
    )
  const notFound = (res: ServerResponse, path: string) => error(res, 404, 20404, `The requested resource ${path} was not found`)
  const authorized = (req: IncomingMessage) => {
    const [scheme, value] = (req.headers.authorization ?? '').split(' ')
    if (scheme?.toLowerCase() !== 'basic' || !value) return false
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const [user, pass] = [decoded.slice(0, colon), decoded.slice(colon + 1)]
    return colon > 0 && ((user === accountSid && pass === authToken) || (user === apiKeySid && pass === apiKeySecret))
  }

  function send(res: ServerResponse, form: URLSearchParams) {
    const failure = failures.shift()
    if (failure) return error(res, failure.status, failure.code, failure.message)
    if (throttled > 0) {
      throttled--
      return error(res, 429, 20429, 'Too Many Requests')
    }
    const to = form.get('To')
    const from = form.get('From') || null
    const service = form.get('MessagingServiceSid') || null
    const body = form.get('Body') ?? ''
    const mediaUrls = form.getAll('MediaUrl')
    if (!to) return error(res, 400, 21604, "A 'To' phone number is required.")
    if (!body && !mediaUrls.length) return error(res, 400, 21602, 'Message body is required.')
    if (!from && !service) return error(res, 400, 21603, "A 'From' phone number is required.")
    if (!E164.test(to)) return error(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`)
    if (body.length > 1600) return error(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.')
    const refusal = refusals.get(to)
    if (refusal) return error(res, 400, refusal.code, refusal.message)
    const at = Date.now()
    const m: FakeText = {
      sid: `SM${hex()}`,
      to,
      from,
      messagingServiceSid: service,
      body,
      mediaUrls,
      statusCallback: form.get('StatusCallback') || null,
      status: service ? 'accepted' : 'queued',
      errorCode: null,
      errorMessage: null,
      segments: segmentsOf(body),
      form: formOf(form),
      at,
      updatedAt: at,
      sentAt: null,
    }
    messages.push(m)
    json(res, 201, resource(m))
  }

  function list(res: ServerResponse, path: string, query: URLSearchParams) {
    const to = query.get('To')
    const from = query.get('From')
    const size = Math.min(Math.max(Number(query.get('PageSize')) || 50, 1), 1000)
    const page = Math.max(Number(query.get('Page')) || 0, 0)
    const found = messages.filter((m) => (!to || m.to === to) && (!from || m.from === from)).reverse()
    const shown = found.slice(page * size, (page + 1) * size)
    const uriOf = (p: number) => {
      const q = new URLSearchParams()
      if (to) q.set('To', to)
      if (from) q.set('From', from)
      q.set('PageSize', String(size))
      q.set('Page', String(p))
      return `${path}?${q}`
    }
    const more = found.length > (page + 1) * size
    json(res, 200, {
      first_page_uri: uriOf(0),
      end: page * size + Math.max(shown.length - 1, 0),
      previous_page_uri: page > 0 ? uriOf(page - 1) : null,
      messages: shown.map(resource),
      uri: uriOf(page),
      page_size: size,
      start: page * size,
      next_page_uri: more ? `${uriOf(page + 1)}&PageToken=PA${shown[shown.length - 1].sid}` : null,
      page,
    })
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const route = /^\/2010-04-01\/Accounts\/([^/]+)\/(.+)$/.exec(url.pathname)
      if (req.method === 'POST' && route?.[2] === 'Messages.json') requests++
      if (!authorized(req)) return error(res, 401, 20003, 'Authenticate')
      if (!route || route[1] !== accountSid) return notFound(res, url.pathname)
      const rest = route[2]
      if (req.method === 'POST' && rest === 'Messages.json') return send(res, new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      if (req.method !== 'GET') return notFound(res, url.pathname)
      if (rest === 'Messages.json') return list(res, url.pathname, url.searchParams)
      const one = /^Messages\/([^/]+)\.json$/.exec(rest)
      const m = one && messages.find((x) => x.sid === one[1])
      if (m) return json(res, 200, resource(m))
      const file = media.get(rest)
      if (!file) return notFound(res, url.pathname)
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length })
      res.end(file.bytes)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  /** Posts a webhook as Twilio does: the form in the given order, signed over signUrl with key. */
  const post = async (target: string, params: Array<[string, string]>, key: string, signUrl = target) => {
    const res = await fetch(target, {
      method: 'POST',
      // The product's own answer is what counts, redirects included.
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        accept: '*/*',
        'user-agent': 'TwilioProxy/1.1',
        'i-twilio-idempotency-token': randomUUID(),
        'x-twilio-signature': twilioSignature(key, signUrl, Object.fromEntries(params)),
      },
      body: new URLSearchParams(params).toString(),
    })
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() }
  }

  return {
    url,
    accountSid,
    authToken,
    apiKeySid,
    apiKeySecret,
    messages,
    get requests() {
      return requests
    },
    landline: (number) => void refusals.set(number, { code: 21614, message: "'To' number is not a valid mobile number" }),
    optedOut: (number) => void refusals.set(number, { code: 21610, message: 'Attempt to send to unsubscribed recipient' }),
    unreachable: (number) => void fates.set(number, { status: 'undelivered', code: 30003, message: 'Unreachable destination handset' }),
    failDelivery: (number, status, code, message) => void fates.set(number, { status, code, message }),
    rateLimit(count) {
      throttled = count
    },
    failNext(status, code, message) {
      failures.push({ status, code, message })
    },
    async deliverCallbacks() {
      const due = messages.slice(delivered)
      delivered = messages.length
      const answers: number[] = []
      for (const m of due) {
        const fate = fates.get(m.to)
        const steps = fate?.status === 'failed' ? ['failed'] : ['sent', fate?.status ?? 'delivered']
        for (const status of steps) {
          const now = Date.now()
          m.from ??= SERVICE_SENDER
          Object.assign(m, { status, updatedAt: now }, status === 'sent' ? { sentAt: now } : {})
          const failing = fate && status === fate.status
          if (failing) Object.assign(m, { errorCode: fate.code, errorMessage: fate.message })
          if (!m.statusCallback) continue
          const params: Array<[string, string]> = [
            ...(failing ? [['ErrorCode', String(fate.code)] as [string, string]] : []),
            ['SmsSid', m.sid],
            ['SmsStatus', status],
            ['MessageStatus', status],
            ['To', m.to],
            ...(m.messagingServiceSid ? [['MessagingServiceSid', m.messagingServiceSid] as [string, string]] : []),
            ['MessageSid', m.sid],
            ['AccountSid', accountSid],
            ['From', m.from],
            ['ApiVersion', API_VERSION],
          ]
          answers.push((await post(m.statusCallback, params, authToken)).status)
        }
      }
      return answers
    },
    inbound(target, text, opts = {}) {
      const files = text.media ?? []
      const sid = `${files.length ? 'MM' : 'SM'}${hex()}`
      const urls = files.map((file) => {
        const path = `Messages/${sid}/Media/ME${hex()}`
        media.set(path, file)
        return `${url}${base}/${path}`
      })
      const types = files.map((f) => f.contentType)
      const pairs = (name: string, values: string[]) => values.map((v, i): [string, string] => [`${name}${i}`, v])
      // In the order Twilio posts them.
      const params: Array<[string, string]> = [
        ['ToCountry', countryOf(text.to)],
        ...pairs('MediaContentType', types),
        ['ToState', ''],
        ['SmsMessageSid', sid],
        ['NumMedia', String(files.length)],
        ['ToCity', ''],
        ['FromZip', ''],
        ['SmsSid', sid],
        ['FromState', ''],
        ['SmsStatus', 'received'],
        ['FromCity', ''],
        ['Body', text.body],
        ['FromCountry', countryOf(text.from)],
        ['To', text.to],
        ...(text.messagingServiceSid ? [['MessagingServiceSid', text.messagingServiceSid] as [string, string]] : []),
        ['ToZip', ''],
        ['NumSegments', String(segmentsOf(text.body))],
        ['MessageSid', sid],
        ['AccountSid', accountSid],
        ['From', text.from],
        ...pairs('MediaUrl', urls),
        ['ApiVersion', API_VERSION],
      ]
      return post(target, params, opts.forge ? `forged-${authToken}` : authToken, opts.signUrl)
    },
    reset() {
      messages.length = 0
      refusals.clear()
      fates.clear()
      failures.length = 0
      media.clear()
      throttled = 0
      requests = 0
      delivered = 0
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
