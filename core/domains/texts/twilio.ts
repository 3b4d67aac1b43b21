import { SendError, type SendErrorFields } from '../../clients/send-error.js'
import type { TextSettings } from './settings.js'

/** How long one call to Twilio may take before it counts as a network failure. */
const TWILIO_TIMEOUT_MS = 20_000

/** Twilio's error codes the product answers differently, each as Twilio names it. */
export const TWILIO_ERRORS = {
  unsubscribed: 21610,
  invalidNumber: 21211,
  notMobile: 21614,
  cannotRoute: 21612,
  regionBlocked: 21408,
  tooManyRequests: 20429,
  authenticate: 20003,
} as const

/** A text Twilio refused or could not take, with Twilio's own code and words. */
export class TextSendError extends SendError {
  /** Twilio's error code (21610, 21614, ...), null when Twilio was not reached. */
  readonly twilioCode: number | null
  /** The number replied STOP to the business's sender (21610): nothing may be texted to it until START. */
  readonly optedOut: boolean

  constructor(message: string, opts: SendErrorFields & { twilioCode: number | null }) {
    super(message, { ...opts, providerCode: opts.twilioCode === null ? opts.providerCode : String(opts.twilioCode) })
    this.name = 'TextSendError'
    this.twilioCode = opts.twilioCode
    this.optedOut = opts.twilioCode === TWILIO_ERRORS.unsubscribed
  }
}

/** A text as Twilio holds it. */
export interface TwilioText {
  sid: string
  status: string
  segments: number
  to: string
  from: string | null
  body: string
  dateCreated: Date | null
}

/** One text to send: from the business's number to the customer's, with where Twilio reports its delivery. */
export interface TextToSend {
  from: string
  to: string
  body: string
  statusCallback?: string
}

/** Sends one text (POST .../Messages.json); Twilio's answer, or a TextSendError that says whether to try again. */
export async function sendTwilioText(settings: TextSettings, text: TextToSend): Promise<TwilioText> {
  const form = new URLSearchParams({ To: text.to, From: text.from, Body: text.body })
  if (text.statusCallback) form.set('StatusCallback', text.statusCallback)
  const answer = await call(settings, 'POST', 'Messages.json', form)
  return textOf(answer)
}

/**
 * The texts this number sent to that one with these words, newest first, as Twilio lists them (its last 50 to the
 * number): where a send cut short before its answer was kept is found, so it is not sent a second time.
 */
export async function findTwilioTexts(settings: TextSettings, text: Pick<TextToSend, 'from' | 'to' | 'body'>): Promise<TwilioText[]> {
  const query = new URLSearchParams({ To: text.to, From: text.from, PageSize: '50' })
  const answer = (await call(settings, 'GET', `Messages.json?${query}`)) as { messages?: unknown[] }
  return (answer.messages ?? []).map(textOf).filter((m) => m.body === text.body)
}

/** A photo or file of an MMS, read from Twilio with the account's keys. */
export async function readTwilioMedia(settings: TextSettings, url: string): Promise<{ bytes: Buffer; contentType: string }> {
  const res = await fetch(url, { headers: { authorization: basicAuth(settings) }, signal: AbortSignal.timeout(TWILIO_TIMEOUT_MS) })
  if (!res.ok) throw refusal(res.status, await res.text(), res.headers.get('retry-after'))
  return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/octet-stream' }
}

async function call(settings: TextSettings, method: 'GET' | 'POST', path: string, form?: URLSearchParams): Promise<unknown> {
  const url = `${settings.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid ?? '')}/${path}`
  let res: Response
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: basicAuth(settings),
        accept: 'application/json',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form?.toString(),
      signal: AbortSignal.timeout(TWILIO_TIMEOUT_MS),
    })
  } catch (err) {
    throw new TextSendError(`Twilio could not be reached: ${err instanceof Error ? err.message : String(err)}`, {
      retryable: true,
      providerStatus: null,
      twilioCode: null,
      providerCode: 'unreachable',
    })
  }
  const text = await res.text()
  if (!res.ok) throw refusal(res.status, text, res.headers.get('retry-after'))
  try {
    return JSON.parse(text)
  } catch {
    throw new TextSendError(`Twilio answered ${res.status} with a body that is not JSON`, {
      retryable: true,
      providerStatus: res.status,
      twilioCode: null,
    })
  }
}

/** Twilio's error answer as a TextSendError: its code and message kept, retried only when trying again can help. */
function refusal(status: number, body: string, retryAfter: string | null): TextSendError {
  let code: number | null = null
  let words = body.slice(0, 300)
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown }
    if (typeof parsed.code === 'number') code = parsed.code
    if (typeof parsed.message === 'string') words = parsed.message
  } catch {
    // Not JSON: Twilio's words as they came.
  }
  const throttled = status === 429 || code === TWILIO_ERRORS.tooManyRequests
  const seconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null
  const why =
    code === TWILIO_ERRORS.unsubscribed
      ? 'the number replied STOP to our texts (Twilio 21610): nothing is texted to it until it replies START'
      : code === TWILIO_ERRORS.notMobile
        ? 'the number cannot get texts: it is not a mobile number (Twilio 21614)'
        : code === TWILIO_ERRORS.invalidNumber
          ? 'the number is not a valid phone number (Twilio 21211)'
          : status === 401
            ? "Twilio refused the account's keys (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)"
            : `Twilio refused the text (${status}${code ? `, ${code}` : ''}): ${words}`
  return new TextSendError(why, {
    retryable: throttled || status >= 500,
    throttled,
    providerStatus: status,
    twilioCode: code,
    retryAfterSeconds: seconds,
  })
}

function basicAuth(settings: TextSettings): string {
  return `Basic ${Buffer.from(`${settings.accountSid ?? ''}:${settings.authToken ?? ''}`).toString('base64')}`
}

function textOf(value: unknown): TwilioText {
  const m = value as Record<string, unknown>
  const created = typeof m.date_created === 'string' ? new Date(m.date_created) : null
  return {
    sid: String(m.sid),
    status: String(m.status ?? 'queued'),
    segments: Number(m.num_segments ?? 1) || 1,
    to: String(m.to ?? ''),
    from: typeof m.from === 'string' ? m.from : null,
    body: String(m.body ?? ''),
    dateCreated: created && Number.isFinite(created.getTime()) ? created : null,
  }
}
