import { randomBytes } from 'node:crypto'
import { FakeGoogleFault, INSUFFICIENT_SCOPES, UNAUTHENTICATED } from './fake-google-errors.js'

/** One person's consent to the app: the scopes granted so far and the refresh token that stands for them. */
export interface FakeGrant {
  email: string
  scopes: Set<string>
  refreshToken: string
  revoked: boolean
}

/** Google's OAuth 2.0 endpoints: consent, code, token, refresh, revoke, userinfo, and the bearer check of every API. */
export interface FakeGoogleOAuth {
  clientId: string
  clientSecret: string
  grants: Map<string, FakeGrant>
  /** Tokens issued (access and refresh), and refreshes refused. */
  counts: { accessTokens: number; refreshes: number; refused: number }
  /** Where Google sends the person back after they consented (or refused): redirect_uri?code&state&scope. */
  consent(authorizeUrl: string, email: string, options?: { deny?: boolean }): string
  /** Answers the token, revoke and userinfo endpoints; null when the path is not an OAuth one. */
  handle(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, string>,
    authorization?: string,
  ): { status: number; body?: object; location?: string } | null
  /** The grant of a valid bearer token with one of these scopes, or a fault as Google answers it. */
  check(authorization: string | undefined, anyOfScopes: string[]): FakeGrant
  expireAccessTokens(): void
  /** The person revoked the app's access in their Google account. */
  revoke(email: string): void
}

/** The OAuth side of the fake, on the fake's clock. */
export function createFakeGoogleOAuth(options: {
  clientId: string
  clientSecret: string
  accessTokenSeconds: number
  clock: () => Date
}): FakeGoogleOAuth {
  const grants = new Map<string, FakeGrant>()
  const codes = new Map<string, { email: string; scopes: string[]; redirectUri: string; expires: number }>()
  const accessTokens = new Map<string, { email: string; expires: number; refreshToken: string }>()
  const counts = { accessTokens: 0, refreshes: 0, refused: 0 }
  const now = () => options.clock().getTime()
  const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`

  const issueAccess = (grant: FakeGrant) => {
    const access = token('ya29.')
    accessTokens.set(access, { email: grant.email, expires: now() + options.accessTokenSeconds * 1000, refreshToken: grant.refreshToken })
    counts.accessTokens++
    return access
  }
  const oauthError = (status: number, error: string, description: string) => ({ status, body: { error, error_description: description } })

  const tokenEndpoint = (body: Record<string, string>) => {
    if (body.client_id !== options.clientId || body.client_secret !== options.clientSecret) {
      return oauthError(401, 'invalid_client', 'The OAuth client was not found.')
    }
    if (body.grant_type === 'authorization_code') {
      const code = codes.get(body.code ?? '')
      codes.delete(body.code ?? '')
      if (!code || code.expires < now()) return oauthError(400, 'invalid_grant', 'Malformed auth code.')
      if (code.redirectUri !== body.redirect_uri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request')
      let grant = grants.get(code.email)
      if (!grant || grant.revoked) {
        grant = { email: code.email, scopes: new Set(), refreshToken: token('1//'), revoked: false }
        grants.set(code.email, grant)
      }
      for (const scope of code.scopes) grant.scopes.add(scope)
      return {
        status: 200,
        body: {
          access_token: issueAccess(grant),
          expires_in: options.accessTokenSeconds - 1,
          refresh_token: grant.refreshToken,
          scope: [...grant.scopes].join(' '),
          token_type: 'Bearer',
          id_token: token('eyJ'),
        },
      }
    }
    if (body.grant_type === 'refresh_token') {
      const grant = [...grants.values()].find((g) => g.refreshToken === body.refresh_token)
      if (!grant || grant.revoked) {
        counts.refused++
        return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.')
      }
      counts.refreshes++
      return {
        status: 200,
        body: {
          access_token: issueAccess(grant),
          expires_in: options.accessTokenSeconds - 1,
          scope: [...grant.scopes].join(' '),
          token_type: 'Bearer',
        },
      }
    }
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${body.grant_type ?? ''}`)
  }

  const grantOfToken = (value: string): FakeGrant | undefined => {
    const access = accessTokens.get(value)
    const email = access?.email ?? [...grants.values()].find((g) => g.refreshToken === value)?.email
    return email ? grants.get(email) : undefined
  }

  const oauth: FakeGoogleOAuth = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    grants,
    counts,
    consent(authorizeUrl, email, consentOptions = {}) {
      const asked = new URL(authorizeUrl)
      const q = asked.searchParams
      if (q.get('client_id') !== options.clientId) throw new Error(`the consent page was asked for another client: ${q.get('client_id')}`)
      const back = new URL(q.get('redirect_uri') ?? '')
      const state = q.get('state')
      if (state) back.searchParams.set('state', state)
      if (consentOptions.deny) {
        back.searchParams.set('error', 'access_denied')
        return back.toString()
      }
      const scopes = (q.get('scope') ?? '').split(/\s+/).filter(Boolean)
      const before = grants.get(email)
      const all =
        q.get('include_granted_scopes') === 'true' && before && !before.revoked ? [...new Set([...before.scopes, ...scopes])] : scopes
      const code = token('4/0A')
      codes.set(code, { email: email.toLowerCase(), scopes: all, redirectUri: q.get('redirect_uri') ?? '', expires: now() + 10 * 60_000 })
      back.searchParams.set('code', code)
      back.searchParams.set('scope', all.join(' '))
      return back.toString()
    },
    handle(method, path, query, body, authorization) {
      if (method === 'GET' && path === '/o/oauth2/v2/auth') {
        // A browser reaching the consent page: the person named by login_hint consents at once.
        const email = query.get('login_hint')
        if (!email)
          return { status: 400, body: { error: 'invalid_request', error_description: 'the fake consents only with a login_hint' } }
        return { status: 302, location: oauth.consent(`http://fake${path}?${query}`, email) }
      }
      if (method === 'POST' && path === '/token') return tokenEndpoint(body)
      if (method === 'POST' && path === '/revoke') {
        const grant = grantOfToken(body.token ?? query.get('token') ?? '')
        if (!grant || grant.revoked) return oauthError(400, 'invalid_token', 'Token expired or revoked')
        oauth.revoke(grant.email)
        return { status: 200, body: {} }
      }
      if (method === 'GET' && (path === '/v1/userinfo' || path === '/oauth2/v3/userinfo')) {
        const grant = oauth.check(authorization, ['email', 'https://www.googleapis.com/auth/userinfo.email'])
        return {
          status: 200,
          body: { sub: String(100_000 + [...grants.keys()].indexOf(grant.email)), email: grant.email, email_verified: true },
        }
      }
      return null
    },
    check(authorization, anyOfScopes) {
      const value = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? ''
      const access = accessTokens.get(value)
      const grant = access && grants.get(access.email)
      if (!access || !grant || grant.revoked || access.expires <= now() || access.refreshToken !== grant.refreshToken) {
        throw new FakeGoogleFault(401, UNAUTHENTICATED, {
          'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        })
      }
      if (!anyOfScopes.some((s) => grant.scopes.has(s))) throw new FakeGoogleFault(403, INSUFFICIENT_SCOPES)
      return grant
    },
    expireAccessTokens() {
      for (const access of accessTokens.values()) access.expires = 0
    },
    revoke(email) {
      const grant = grants.get(email.toLowerCase())
      if (grant) grant.revoked = true
    },
  }
  return oauth
}
