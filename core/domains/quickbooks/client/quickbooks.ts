import { createHmac, timingSafeEqual } from 'node:crypto'
import { createCompany } from './quickbooks-company.js'
import { errorFromAnswer, parseJson, QuickBooksError } from './quickbooks-error.js'
import { limiterPerKey } from '../../../clients/company-limiter.js'
import { countFromEnv } from '../../../clients/env-count.js'
import { QUICKBOOKS_MINOR_VERSION } from './quickbooks-constants.js'

export { QuickBooksError } from './quickbooks-error.js'

export { QUICKBOOKS_MINOR_VERSION } from './quickbooks-constants.js'
/** The OAuth scope the connection asks for. */
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting'
/** The banner line when QuickBooks is not configured. */
export const QUICKBOOKS_OFF = 'QuickBooks is off: set QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET to connect a company'

/** Where QuickBooks is, the app's credentials, and the limits kept per company. */
export interface QuickBooksConfig {
  clientId: string
  clientSecret: string
  apiBase: string
  authorizeUrl: string
  tokenUrl: string
  revokeUrl: string
  /** The app's webhook verifier token; without it webhook deliveries cannot be trusted. */
  webhookVerifier?: string
  requestsPerMinute: number
  maxConcurrent: number
  /** How long to wait after a 429 that gave no Retry-After. */
  throttleWaitMs: number
}

/** A company's OAuth tokens and when each expires. */
export interface QuickBooksTokens {
  accessToken: string
  refreshToken: string
  accessExpiresAt: Date
  refreshExpiresAt: Date
}

/** Gives the client an access token, and a fresh one after QuickBooks refused the last. */
export interface TokenSource {
  accessToken(): Promise<string>
  /**
   * Called on a 401; the request is retried once with the token it returns. Requests of one QuickBooksCompany that meet
   * the 401 together share one call.
   */
  afterUnauthorized(): Promise<string>
}

/** One connected QuickBooks company (realm), reached with its tokens. */
export interface QuickBooksCompany {
  /** Every row of `select * from <entity> [where ...]`, read 1,000 at a time. */
  query<T = any>(entity: string, where?: string): Promise<T[]>
  read<T = any>(entity: string, id: string): Promise<T>
  create<T = any>(entity: string, body: object, requestId: string): Promise<T>
  /** The body carries Id, SyncToken and sparse: true. */
  update<T = any>(entity: string, body: object, requestId: string): Promise<T>
  voidInvoice(id: string, syncToken: string, requestId: string): Promise<any>
  /** Records of these entities changed since then (change data capture), by entity. */
  changedSince(entities: string[], since: Date): Promise<Record<string, any[]>>
  preferences(): Promise<any>
  /** Requests sent, 429s met, retries done: for the bench and logs. */
  stats: { requests: number; throttled: number; retries: number }
}

/** QuickBooks Online for the product: OAuth, companies, webhooks. */
export interface QuickBooksClient {
  config: QuickBooksConfig
  /** One line for the start banner. */
  describe(): string
  /** The Intuit page the owner is sent to, to connect a company. */
  authorizeUrl(state: string, redirectUri: string): string
  exchangeCode(code: string, redirectUri: string, now: Date): Promise<QuickBooksTokens>
  /** New tokens; a refused refresh token is a QuickBooksError with code 'invalid_grant', not retryable. */
  refresh(refreshToken: string, now: Date): Promise<QuickBooksTokens>
  revoke(token: string): Promise<void>
  company(realmId: string, tokens: TokenSource): QuickBooksCompany
  /** True when the intuit-signature header is the base64 HMAC-SHA256 of the raw body with the verifier token. */
  verifyWebhook(rawBody: Buffer, signature: string | undefined): boolean
}

/** Knobs tests turn; the product uses the defaults. */
export interface QuickBooksClientOptions {
  /** The length of the rate window; QuickBooks' is a minute. */
  windowMs?: number
  /** Waits after the first, second and third server error. */
  backoffMs?: number[]
  /** Longest wait for one answer. */
  timeoutMs?: number
}

/** The banner line for the QuickBooks client, on or off. */
export function describeQuickBooks(client: QuickBooksClient | null): string {
  return client ? client.describe() : QUICKBOOKS_OFF
}

/** The configuration from QUICKBOOKS_* variables, or null unless both client id and secret are set. */
export function quickbooksConfigFromEnv(env: NodeJS.ProcessEnv): QuickBooksConfig | null {
  const clientId = env.QUICKBOOKS_CLIENT_ID?.trim()
  const clientSecret = env.QUICKBOOKS_CLIENT_SECRET?.trim()
  if (!clientId || !clientSecret) return null
  return {
    clientId,
    clientSecret,
    apiBase: urlFrom(env, 'QUICKBOOKS_API_BASE', 'https://quickbooks.api.intuit.com'),
    authorizeUrl: urlFrom(env, 'QUICKBOOKS_AUTHORIZE_URL', 'https://appcenter.intuit.com/connect/oauth2'),
    tokenUrl: urlFrom(env, 'QUICKBOOKS_TOKEN_URL', 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'),
    revokeUrl: urlFrom(env, 'QUICKBOOKS_REVOKE_URL', 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke'),
    webhookVerifier: env.QUICKBOOKS_WEBHOOK_VERIFIER?.trim() || undefined,
    requestsPerMinute: countFromEnv(env, 'QUICKBOOKS_REQUESTS_PER_MINUTE', 500, 1),
    maxConcurrent: countFromEnv(env, 'QUICKBOOKS_MAX_CONCURRENT', 10, 1),
    throttleWaitMs: countFromEnv(env, 'QUICKBOOKS_THROTTLE_WAIT_MS', 60_000, 0),
  }
}

/** The client from QUICKBOOKS_* variables, or null when QuickBooks is not configured. */
export function quickbooksClientFromEnv(env: NodeJS.ProcessEnv): QuickBooksClient | null {
  const config = quickbooksConfigFromEnv(env)
  return config ? createQuickBooksClient(config) : null
}

function urlFrom(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name]?.trim()
  if (!value) return fallback
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new Error(`${name} must be an http(s) URL, got '${value}'`)
  return value.replace(/\/+$/, '')
}

/** A client over global fetch; per-company limits are kept in this process and shared by its companies. */
export function createQuickBooksClient(config: QuickBooksConfig, options: QuickBooksClientOptions = {}): QuickBooksClient {
  const limiterOf = limiterPerKey(config.requestsPerMinute, config.maxConcurrent, options.windowMs ?? 60_000)
  const timeoutMs = options.timeoutMs ?? 30_000
  const basic = `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`

  /** POSTs to an OAuth endpoint with the app's Basic credentials; OAuth errors keep their own code. */
  const oauthPost = async (url: string, body: string, contentType: string): Promise<any> => {
    let res: Response
    let text: string
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { Authorization: basic, Accept: 'application/json', 'Content-Type': contentType },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
      text = await res.text()
    } catch (error) {
      throw new QuickBooksError({
        message: `Intuit's OAuth server could not be reached: ${(error as Error).message}`,
        status: 0,
        code: 'network',
        faultType: 'network',
        retryable: true,
      })
    }
    const json = parseJson(text)
    if (res.ok) return json
    if (json && typeof json.error === 'string') {
      const detail = typeof json.error_description === 'string' ? json.error_description : ''
      throw new QuickBooksError({
        message: detail ? `${json.error}: ${detail}` : json.error,
        status: res.status,
        code: json.error,
        detail,
        faultType: 'oauth',
        retryable: res.status >= 500,
      })
    }
    throw errorFromAnswer(res.status, json, text, res.status >= 500 || res.status === 429)
  }

  const tokensFrom = (answer: any, now: Date): QuickBooksTokens => {
    if (typeof answer?.access_token !== 'string' || typeof answer?.refresh_token !== 'string') {
      throw new QuickBooksError({
        message: 'Intuit answered the token request without access_token and refresh_token',
        status: 200,
        code: 'bad_token_answer',
        faultType: 'oauth',
        retryable: false,
      })
    }
    const seconds = (value: unknown, fallback: number) => (typeof value === 'number' && value > 0 ? value : fallback)
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      accessExpiresAt: new Date(now.getTime() + seconds(answer.expires_in, 3600) * 1000),
      refreshExpiresAt: new Date(now.getTime() + seconds(answer.x_refresh_token_expires_in, 8_726_400) * 1000),
    }
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
  const formType = 'application/x-www-form-urlencoded'

  return {
    config,
    describe: () => `QuickBooks Online (API at ${config.apiBase}, minor version ${QUICKBOOKS_MINOR_VERSION})`,
    authorizeUrl(state, redirectUri) {
      const query = new URLSearchParams({
        client_id: config.clientId,
        response_type: 'code',
        scope: QUICKBOOKS_SCOPE,
        redirect_uri: redirectUri,
        state,
      })
      return `${config.authorizeUrl}?${query}`
    },
    async exchangeCode(code, redirectUri, now) {
      const body = form({ grant_type: 'authorization_code', code, redirect_uri: redirectUri })
      return tokensFrom(await oauthPost(config.tokenUrl, body, formType), now)
    },
    async refresh(refreshToken, now) {
      const body = form({ grant_type: 'refresh_token', refresh_token: refreshToken })
      return tokensFrom(await oauthPost(config.tokenUrl, body, formType), now)
    },
    async revoke(token) {
      await oauthPost(config.revokeUrl, JSON.stringify({ token }), 'application/json')
    },
    company(realmId, tokens) {
      return createCompany({ config, realmId, tokens, limiter: limiterOf(realmId), options: { ...options, timeoutMs } })
    },
    verifyWebhook(rawBody, signature) {
      if (!config.webhookVerifier || !signature) return false
      const expected = createHmac('sha256', config.webhookVerifier).update(rawBody).digest()
      const given = Buffer.from(signature.trim(), 'base64')
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
  }
}
