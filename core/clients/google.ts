import { googleErrorFrom, GoogleError, RATE_REASONS } from './google-error.js'
import { limiterPerKey } from './company-limiter.js'
import { countFromEnv } from './env-count.js'

export { GoogleError } from './google-error.js'

/** The scopes of each feature, asked for only when the feature is turned on (incremental authorization). */
export const GOOGLE_SCOPES = {
  calendar: 'https://www.googleapis.com/auth/calendar.events',
  /** Listing the person's calendars, so they can choose where their visits go. */
  calendarList: 'https://www.googleapis.com/auth/calendar.calendarlist.readonly',
  contacts: 'https://www.googleapis.com/auth/contacts.readonly',
  gmail: 'https://www.googleapis.com/auth/gmail.readonly',
} as const

/** Asked with every connect: who the Google account is. */
export const GOOGLE_IDENTITY_SCOPES = ['openid', 'email']

/** The banner line when Google is not configured. */
export const GOOGLE_OFF = 'Google is off: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET to connect calendars, contacts and Gmail'

/** The Google hosts the product calls; GOOGLE_API_BASE replaces every one of them, paths unchanged. */
export const GOOGLE_HOSTS = [
  'https://accounts.google.com',
  'https://oauth2.googleapis.com',
  'https://openidconnect.googleapis.com',
  'https://www.googleapis.com',
  'https://people.googleapis.com',
  'https://gmail.googleapis.com',
] as const

/** The app's credentials, where Google is, and the limits kept per connected account. */
export interface GoogleConfig {
  clientId: string
  clientSecret: string
  /** Replaces every Google host (tests point it at a local server); undefined means Google itself. */
  apiBase?: string
  requestsPerMinute: number
  maxConcurrent: number
}

/** An account's OAuth tokens: Google gives a refresh token on the first consent and keeps it across refreshes. */
export interface GoogleTokens {
  accessToken: string
  /** Absent on a refresh (Google keeps the one it gave). */
  refreshToken?: string
  accessExpiresAt: Date
  /** The scopes granted so far, every feature's included (incremental authorization adds to them). */
  scopes: string[]
}

/** Gives a caller an access token, and a fresh one after Google refused the last. */
export interface GoogleTokenSource {
  accessToken(): Promise<string>
  /** Called on a 401; the request is tried once more with the token it returns. */
  afterUnauthorized(): Promise<string>
}

/** A value of a query parameter; arrays repeat the parameter. */
export type QueryValue = string | number | boolean | undefined | null | string[]

/** One connected account's requests: Google's addresses as documented, JSON in and out. */
export interface GoogleCaller {
  /**
   * Calls a Google address (`https://www.googleapis.com/calendar/v3/...`), with the account's token, within its limits;
   * 429s, 403 rate limits and server errors wait and try again (Retry-After when given); a final failure is a GoogleError.
   * Answers 204 and empty bodies as undefined.
   */
  call<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { query?: Record<string, QueryValue>; body?: unknown },
  ): Promise<T>
  /** Requests sent, throttled answers met, retries done: for the bench and logs. */
  stats: { requests: number; throttled: number; retries: number }
}

/** Google for the product: OAuth and each connected account's calls. */
export interface GoogleClient {
  config: GoogleConfig
  /** One line for the start banner. */
  describe(): string
  /** An address on a Google host, moved to GOOGLE_API_BASE when it is set. */
  url(googleUrl: string): string
  /** Google's consent page for these scopes, offline access, added to the scopes granted before. */
  authorizeUrl(input: { state: string; redirectUri: string; scopes: string[]; loginHint?: string }): string
  exchangeCode(code: string, redirectUri: string, now: Date): Promise<GoogleTokens>
  /** A new access token; a refused refresh token is a GoogleError with reason 'invalid_grant', not retryable. */
  refresh(refreshToken: string, now: Date): Promise<GoogleTokens>
  /** Revokes the grant (the refresh token revokes every token of it); a token Google no longer knows counts as revoked. */
  revoke(token: string): Promise<void>
  /** The account's email address, from the OpenID userinfo endpoint. */
  userEmail(accessToken: string): Promise<string>
  /** The calls of one connected account; `key` names it for its limiter (a business and a person). */
  caller(key: string, tokens: GoogleTokenSource): GoogleCaller
}

/** Knobs tests turn; the product uses the defaults. */
export interface GoogleClientOptions {
  /** Waits before the first, second, third... retry of a throttled or failed request. */
  backoffMs?: number[]
  /** The length of the rate window. */
  windowMs?: number
  /** Longest wait for one answer. */
  timeoutMs?: number
}

/** The configuration from GOOGLE_* variables, or null unless both client id and secret are set. */
export function googleConfigFromEnv(env: NodeJS.ProcessEnv): GoogleConfig | null {
  const clientId = env.GOOGLE_CLIENT_ID?.trim()
  const clientSecret = env.GOOGLE_CLIENT_SECRET?.trim()
  if (!clientId || !clientSecret) return null
  const base = env.GOOGLE_API_BASE?.trim()
  if (base && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(base)) throw new Error(`GOOGLE_API_BASE must be an http(s) URL, got '${base}'`)
  return {
    clientId,
    clientSecret,
    apiBase: base ? base.replace(/\/+$/, '') : undefined,
    requestsPerMinute: countFromEnv(env, 'GOOGLE_REQUESTS_PER_MINUTE', 600, 1),
    maxConcurrent: countFromEnv(env, 'GOOGLE_MAX_CONCURRENT', 5, 1),
  }
}

/** The client from GOOGLE_* variables, or null when Google is not configured. */
export function googleClientFromEnv(env: NodeJS.ProcessEnv): GoogleClient | null {
  const config = googleConfigFromEnv(env)
  return config ? createGoogleClient(config) : null
}

const FORM = 'application/x-www-form-urlencoded'
const DEFAULT_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000]

/** A client over global fetch; limits are kept in this process per connected account. */
export function createGoogleClient(config: GoogleConfig, options: GoogleClientOptions = {}): GoogleClient {
  const limiterOf = limiterPerKey(config.requestsPerMinute, config.maxConcurrent, options.windowMs ?? 60_000)
  const timeoutMs = options.timeoutMs ?? 30_000
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS

  const url = (googleUrl: string): string => {
    if (!config.apiBase) return googleUrl
    const host = GOOGLE_HOSTS.find((h) => googleUrl === h || googleUrl.startsWith(`${h}/`))
    if (!host) throw new Error(`not a Google address: ${googleUrl}`)
    return config.apiBase + googleUrl.slice(host.length)
  }

  /** One request, its answer parsed; a failure to reach Google is a retryable GoogleError. */
  const send = async (
    target: string,
    init: RequestInit,
  ): Promise<{ status: number; json: any; text: string; retryAfter: string | null }> => {
    let res: Response
    let text: string
    try {
      res = await fetch(target, { ...init, signal: AbortSignal.timeout(timeoutMs) })
      text = await res.text()
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError'
      throw new GoogleError({
        message: timedOut
          ? `Google did not answer within ${timeoutMs / 1000} s`
          : `Google could not be reached: ${(error as Error).message}`,
        status: 0,
        reason: timedOut ? 'timeout' : 'network',
        retryable: true,
      })
    }
    let json: any
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: res.status, json, text, retryAfter: res.headers.get('retry-after') }
  }

  const tokenRequest = async (fields: Record<string, string>, now: Date): Promise<GoogleTokens> => {
    const answer = await send(url('https://oauth2.googleapis.com/token'), {
      method: 'POST',
      headers: { 'Content-Type': FORM, Accept: 'application/json' },
      body: new URLSearchParams({ client_id: config.clientId, client_secret: config.clientSecret, ...fields }).toString(),
    })
    if (answer.status !== 200) throw googleErrorFrom(answer.status, answer.json, answer.text)
    const j = answer.json
    if (typeof j?.access_token !== 'string') {
      throw new GoogleError({
        message: 'Google answered the token request without an access_token',
        status: 200,
        reason: 'bad_token_answer',
        retryable: false,
      })
    }
    return {
      accessToken: j.access_token,
      refreshToken: typeof j.refresh_token === 'string' ? j.refresh_token : undefined,
      accessExpiresAt: new Date(now.getTime() + (typeof j.expires_in === 'number' && j.expires_in > 0 ? j.expires_in : 3600) * 1000),
      scopes: typeof j.scope === 'string' ? j.scope.split(/\s+/).filter(Boolean) : [],
    }
  }

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  return {
    config,
    describe: () => `Google (${config.apiBase ? `every Google address at ${config.apiBase}` : 'googleapis.com'})`,
    url,
    authorizeUrl({ state, redirectUri, scopes, loginHint }) {
      const query = new URLSearchParams({
        client_id: config.clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: [...new Set([...GOOGLE_IDENTITY_SCOPES, ...scopes])].join(' '),
        access_type: 'offline',
        include_granted_scopes: 'true',
        // Consent each time, so Google gives a refresh token even to an account that connected before.
        prompt: 'consent',
        state,
      })
      if (loginHint) query.set('login_hint', loginHint)
      return `${url('https://accounts.google.com/o/oauth2/v2/auth')}?${query}`
    },
    exchangeCode: (code, redirectUri, now) => tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, now),
    refresh: (refreshToken, now) => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, now),
    async revoke(token) {
      const answer = await send(url('https://oauth2.googleapis.com/revoke'), {
        method: 'POST',
        headers: { 'Content-Type': FORM },
        body: new URLSearchParams({ token }).toString(),
      })
      // 400 invalid_token: Google no longer knows the token, which is what revoking wants.
      if (answer.status === 200 || (answer.status === 400 && answer.json?.error === 'invalid_token')) return
      throw googleErrorFrom(answer.status, answer.json, answer.text)
    },
    async userEmail(accessToken) {
      const answer = await send(url('https://openidconnect.googleapis.com/v1/userinfo'), {
        headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
      })
      if (answer.status !== 200) throw googleErrorFrom(answer.status, answer.json, answer.text)
      if (typeof answer.json?.email !== 'string') {
        throw new GoogleError({
          message: 'Google did not say which account connected (no email)',
          status: 200,
          reason: 'no_email',
          retryable: false,
        })
      }
      return answer.json.email.toLowerCase()
    },
    caller(key, tokens) {
      const limiter = limiterOf(key)
      const stats = { requests: 0, throttled: 0, retries: 0 }
      let renewing: Promise<string> | null = null
      let latest: string | null = null
      // Calls that met a 401 together share one renewal; one that meets it with a token already replaced uses the new one.
      const renew = async (refused: string) => {
        if (latest && latest !== refused) return latest
        renewing ??= tokens.afterUnauthorized().finally(() => {
          renewing = null
        })
        latest = await renewing
        return latest
      }
      return {
        stats,
        async call(method, googleUrl, callOptions = {}) {
          const target = new URL(url(googleUrl))
          for (const [name, value] of Object.entries(callOptions.query ?? {})) {
            if (value === undefined || value === null) continue
            for (const one of Array.isArray(value) ? value : [value]) target.searchParams.append(name, String(one))
          }
          let token = await tokens.accessToken()
          let renewed = false
          for (let attempt = 0; ; attempt++) {
            await limiter.acquire()
            let answer: Awaited<ReturnType<typeof send>>
            try {
              stats.requests++
              answer = await send(target.toString(), {
                method,
                headers: {
                  Authorization: `Bearer ${token}`,
                  Accept: 'application/json',
                  ...(callOptions.body === undefined ? {} : { 'Content-Type': 'application/json' }),
                },
                body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body),
              })
            } catch (err) {
              limiter.release()
              if (err instanceof GoogleError && attempt < backoffMs.length) {
                stats.retries++
                await wait(backoffMs[attempt])
                continue
              }
              throw err
            }
            limiter.release()
            if (answer.status >= 200 && answer.status < 300) return answer.json
            if (answer.status === 401 && !renewed) {
              renewed = true
              token = await renew(token)
              continue
            }
            const error = googleErrorFrom(answer.status, answer.json, answer.text)
            const throttled = answer.status === 429 || (answer.status === 403 && RATE_REASONS.has(error.reason))
            if (throttled) stats.throttled++
            if (error.retryable && attempt < backoffMs.length) {
              stats.retries++
              const seconds = Number(answer.retryAfter)
              const pause = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : backoffMs[attempt] + Math.floor(Math.random() * 250)
              if (throttled) limiter.pauseUntil(Date.now() + pause)
              await wait(pause)
              continue
            }
            throw error
          }
        },
      }
    },
  }
}
