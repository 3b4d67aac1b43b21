import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One text the fake accepted, as Twilio keeps it. */
export interface FakeText {
  sid: string
  to: string
  from: string | null
  body: string
  statusCallback: string | null
  status: string
  segments: number
  /** When it was accepted (ms since the epoch). */
  at: number
}

/** A scripted answer for sends to one number. */
type Script = 'landline' | 'opted_out' | 'unreachable'

/** Twilio's Programmable Messaging API as far as the product uses it, in memory. */
export interface FakeTwilio {
  url: string
  accountSid: string
  authToken: string
  messages: FakeText[]
  /** Every POST to Messages.json, accepted or not. */
  requests: number
  landline(number: string): void
  optedOut(number: string): void
  unreachable(number: string): void
  /** The next `count` sends answer 429 (20429). */
  rateLimit(count: number): void
  /** Posts the status callbacks of every text accepted since the last call; the product's HTTP statuses. */
  deliverCallbacks(): Promise<number[]>
  /** Posts an incoming text to the product as Twilio does, signed (or forged); the product's answer. */
  inbound(
    url: string,
    text: { from: string; to: string; body: string; media?: Array<{ contentType: string; bytes: Buffer }> },
    opts?: { forge?: boolean; signUrl?: string },
  ): Promise<{ status: number; contentType: string; body: string }>
  close(): Promise<void>
}

/** X-Twilio-Signature: base64 HMAC-SHA1, keyed by the auth token, of the URL and each parameter's name and value sorted by name. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url)
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64')
}

/** GSM-7 or UCS-2 segments of a body, as Twilio counts them (a simplified alphabet: ASCII counts as GSM-7). */
function segmentsOf(body: string): number {
  const gsm = [...body].every((ch) => ch === '\n' || ch === '\r' || (ch >= ' ' && ch <= '~') || '£¥èéùìòÇØøÅåÆæßÉÄÖÑÜ§¿äöñüà€'.includes(ch))
  const units = gsm ? [...body].reduce((n, ch) => n + ('^{}\\[~]|€'.includes(ch) ? 2 : 1), 0) : body.length
  const [single, part] = gsm ? [160, 153] : [70, 67]
  return units <= single ? 1 : Math.ceil(units / part)
}

function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000')
}

/** Starts the fake on a loopback port. */
export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${'0'.repeat(31)}1`
  const authToken = options.authToken ?? '5f4dcc3b5aa765d61d8327deb882cf99'
  const messages: FakeText[] = []
  const scripts = new Map<string, Script>()
  let throttled = 0
  let reported = 0
  let requests = 0
  const media = new Map<string, { contentType: string; bytes: Buffer }>()
  const base = `/2010-04-01/Accounts/${accountSid}`

  const resource = (m: FakeText) => ({
    sid: m.sid,
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.at),
    date_updated: rfc2822(m.at),
    date_sent: null,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(m.segments),
    price: null,
    price_unit: 'USD',
    status: m.status,
    to: m.to,
    uri: `${base}/Messages/${m.sid}.json`,
    subresource_uris: { media: `${base}/Messages/${m.sid}/Media.json`, feedback: `${base}/Messages/${m.sid}/Feedback.json` },
  })
  const error = (res: ServerResponse, status: number, code: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }))
  }
  const authorized = (req: IncomingMessage) => {
    const [scheme, value] = (req.headers.authorization ?? '').split(' ')
    if (scheme !== 'Basic' || !value) return false
    const [user, pass] = Buffer.from(value, 'base64').toString('utf8').split(':')
    return user === accountSid && pass === authToken
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      if (!authorized(req)) return error(res, 401, 20003, 'Authenticate')
      if (!url.pathname.startsWith(`${base}/`)) return error(res, 404, 20404, `The requested resource ${url.pathname} was not found`)
      if (req.method === 'POST' && url.pathname === `${base}/Messages.json`) {
        requests++
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
        const to = form.get('To')
        const body = form.get('Body')
        if (throttled > 0) {
          throttled--
          return error(res, 429, 20429, 'Too Many Requests')
        }
        if (!to) return error(res, 400, 21604, "A 'To' phone number is required.")
        if (!body) return error(res, 400, 21602, 'Message body is required.')
        if (!form.get('From') && !form.get('MessagingServiceSid')) return error(res, 400, 21603, "A 'From' phone number is required.")
        if (!/^\+[1-9]\d{7,14}$/.test(to)) return error(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`)
        if (scripts.get(to) === 'landline') return error(res, 400, 21614, `'To' number ${to} is not a valid mobile number`)
        if (scripts.get(to) === 'opted_out') return error(res, 400, 21610, 'Attempt to send to unsubscribed recipient')
        const m: FakeText = {
          sid: `SM${randomBytes(16).toString('hex')}`,
          to,
          from: form.get('From'),
          body,
          statusCallback: form.get('StatusCallback'),
          status: 'queued',
          segments: segmentsOf(body),
          at: Date.now(),
        }
        messages.push(m)
        res.writeHead(201, { 'content-type': 'application/json' })
        return res.end(JSON.stringify(resource(m)))
      }
      if (req.method === 'GET' && url.pathname === `${base}/Messages.json`) {
        const to = url.searchParams.get('To')
        const from = url.searchParams.get('From')
        const size = Number(url.searchParams.get('PageSize') ?? 50)
        const found = messages
          .filter((m) => (!to || m.to === to) && (!from || m.from === from))
          .reverse()
          .slice(0, size)
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(
          JSON.stringify({
            messages: found.map(resource),
            page: 0,
            page_size: size,
            start: 0,
            end: Math.max(found.length - 1, 0),
            uri: `${base}/Messages.json`,
            first_page_uri: `${base}/Messages.json?PageSize=${size}&Page=0`,
            next_page_uri: null,
            previous_page_uri: null,
          }),
        )
      }
      const file = media.get(url.pathname)
      if (req.method === 'GET' && file) {
        res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length })
        return res.end(file.bytes)
      }
      const one = /\/Messages\/(SM[0-9a-f]{32})\.json$/.exec(url.pathname)
      const m = one && messages.find((x) => x.sid === one[1])
      if (req.method === 'GET' && m) {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(JSON.stringify(resource(m)))
      }
      return error(res, 404, 20404, `The requested resource ${url.pathname} was not found`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const post = async (target: string, params: Record<string, string>, signature: string) => {
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    })
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() }
  }

  return {
    url,
    accountSid,
    authToken,
    messages,
    get requests() {
      return requests
    },
    landline: (n) => void scripts.set(n, 'landline'),
    optedOut: (n) => void scripts.set(n, 'opted_out'),
    unreachable: (n) => void scripts.set(n, 'unreachable'),
    rateLimit: (count) => {
      throttled = count
    },
    async deliverCallbacks() {
      const statuses: number[] = []
      for (const m of messages.slice(reported)) {
        const steps = scripts.get(m.to) === 'unreachable' ? [['sent'], ['undelivered', '30003']] : [['sent'], ['delivered']]
        for (const [status, code] of steps) {
          m.status = status
          if (!m.statusCallback) continue
          const params: Record<string, string> = {
            AccountSid: accountSid,
            ApiVersion: '2010-04-01',
            From: m.from ?? '',
            To: m.to,
            MessageSid: m.sid,
            SmsSid: m.sid,
            SmsStatus: status,
            MessageStatus: status,
            ...(code ? { ErrorCode: code } : {}),
          }
          statuses.push((await post(m.statusCallback, params, twilioSignature(authToken, m.statusCallback, params))).status)
        }
      }
      reported = messages.length
      return statuses
    },
    async inbound(target, text, opts = {}) {
      const files = text.media ?? []
      const sid = `${files.length ? 'MM' : 'SM'}${randomBytes(16).toString('hex')}`
      const mediaParams: Record<string, string> = {}
      for (const [i, f] of files.entries()) {
        const path = `${base}/Messages/${sid}/Media/ME${randomBytes(16).toString('hex')}`
        media.set(path, f)
        mediaParams[`MediaUrl${i}`] = `${url}${path}`
        mediaParams[`MediaContentType${i}`] = f.contentType
      }
      const params: Record<string, string> = {
        ...mediaParams,
        ToCountry: 'US',
        ToState: 'AL',
        SmsMessageSid: sid,
        NumMedia: String(files.length),
        ToCity: '',
        FromZip: '',
        SmsSid: sid,
        FromState: 'AL',
        SmsStatus: 'received',
        FromCity: '',
        Body: text.body,
        FromCountry: 'US',
        To: text.to,
        ToZip: '',
        NumSegments: String(segmentsOf(text.body)),
        MessageSid: sid,
        AccountSid: accountSid,
        From: text.from,
        ApiVersion: '2010-04-01',
      }
      const key = opts.forge ? `${authToken.slice(1)}x` : authToken
      return post(target, params, twilioSignature(key, opts.signUrl ?? target, params))
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
