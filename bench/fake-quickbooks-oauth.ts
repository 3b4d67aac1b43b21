import { randomBytes } from 'node:crypto'
import type { FakeCompany } from './fake-quickbooks-company.js'
import { authenticationFault, FakeFault } from './fake-quickbooks-faults.js'

/** Intuit's refresh token lifetime, in seconds (101 days). */
const REFRESH_SECONDS = 8_726_400
/** How long an authorization code may be exchanged. */
const CODE_MS = 10 * 60_000

/** The fake's Intuit OAuth server: codes, rolling refresh tokens, revocation, and the bearer check of the API. */
export interface FakeOAuth {
  clientId: string
  clientSecret: string
  authorizeCode(realmId: string, redirectUri: string, state: string): string
  expireAccessTokens(): void
  /** Throws QuickBooks' 401 (or 403 for another company) unless the header carries a live token for this realm. */
  checkBearer(header: string | undefined, realmId: string): void
  /** Answers the OAuth endpoints: authorize (a redirect), token and revoke. */
  handle(method: string, url: URL, authorization: string | undefined, body: unknown): { status: number; body?: object; location?: string }
}

interface Grant {
  realmId: string
  revoked: boolean
}

/** The OAuth side of the fake. */
export function createFakeOAuth(init: {
  clientId: string
  clientSecret: string
  accessTokenSeconds: number
  clock: () => Date
  defaultRealm: string
  companyOf: (realmId: string) => FakeCompany
}): FakeOAuth {
  const codes = new Map<string, { realmId: string; redirectUri: string; expiresAt: number }>()
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number }>()
  const refreshTokens = new Map<string, { grant: Grant; used: boolean; expiresAt: number }>()
  const now = () => init.clock().getTime()
  const basic = `Basic ${Buffer.from(`${init.clientId}:${init.clientSecret}`).toString('base64')}`

  const issue = (grant: Grant) => {
    const accessToken = `eyJfake.${randomBytes(24).toString('base64url')}`
    const refreshToken = `AB11${randomBytes(24).toString('hex')}`
    accessTokens.set(accessToken, { grant, expiresAt: now() + init.accessTokenSeconds * 1000 })
    refreshTokens.set(refreshToken, { grant, used: false, expiresAt: now() + REFRESH_SECONDS * 1000 })
    return {
      token_type: 'bearer',
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: init.accessTokenSeconds,
      x_refresh_token_expires_in: REFRESH_SECONDS,
    }
  }
  const invalidGrant = { status: 400, body: { error: 'invalid_grant' } }

  const token = (fields: Record<string, string>) => {
    if (fields.grant_type === 'authorization_code') {
      const code = codes.get(fields.code ?? '')
      codes.delete(fields.code ?? '')
      if (!code || code.expiresAt < now() || code.redirectUri !== fields.redirect_uri) return invalidGrant
      return { status: 200, body: issue({ realmId: code.realmId, revoked: false }) }
    }
    if (fields.grant_type === 'refresh_token') {
      const held = refreshTokens.get(fields.refresh_token ?? '')
      if (!held || held.used || held.grant.revoked || held.expiresAt < now()) return invalidGrant
      held.used = true
      return { status: 200, body: issue(held.grant) }
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } }
  }

  return {
    clientId: init.clientId,
    clientSecret: init.clientSecret,
    authorizeCode(realmId, redirectUri, state) {
      init.companyOf(realmId)
      const code = `AB11${randomBytes(16).toString('hex')}`
      codes.set(code, { realmId, redirectUri, expiresAt: now() + CODE_MS })
      const target = new URL(redirectUri)
      target.searchParams.set('code', code)
      target.searchParams.set('state', state)
      target.searchParams.set('realmId', realmId)
      return target.toString()
    },
    expireAccessTokens() {
      for (const held of accessTokens.values()) held.expiresAt = Math.min(held.expiresAt, now() - 1)
    },
    checkBearer(header, realmId) {
      const match = /^Bearer (.+)$/.exec(header ?? '')
      if (!match) throw authenticationFault('Authorization header missing or not Bearer')
      const held = accessTokens.get(match[1])
      if (!held) throw authenticationFault('Token invalid')
      if (held.grant.revoked) throw authenticationFault('Token revoked')
      if (held.expiresAt <= now()) throw authenticationFault(`Token expired: ${match[1].slice(0, 12)}...`)
      if (held.grant.realmId !== realmId) {
        throw new FakeFault(403, {
          fault: {
            error: [{ message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', code: '3100' }],
            type: 'AUTHORIZATION',
          },
          time: init.clock().toISOString(),
        })
      }
    },
    handle(method, url, authorization, body) {
      const fields = (body && typeof body === 'object' ? body : {}) as Record<string, string>
      if (method === 'GET' && url.pathname === '/connect/oauth2') {
        const p = url.searchParams
        if (p.get('client_id') !== init.clientId || p.get('response_type') !== 'code' || !p.get('redirect_uri')) {
          return { status: 400, body: { error: 'invalid_request' } }
        }
        if (!(p.get('scope') ?? '').split(' ').includes('com.intuit.quickbooks.accounting')) {
          return { status: 400, body: { error: 'invalid_scope' } }
        }
        return { status: 302, location: this.authorizeCode(init.defaultRealm, p.get('redirect_uri') ?? '', p.get('state') ?? '') }
      }
      if (method !== 'POST') return { status: 404, body: { error: 'not found' } }
      if (authorization !== basic) return { status: 401, body: { error: 'invalid_client' } }
      if (url.pathname === '/oauth2/v1/tokens/bearer') return token(fields)
      if (url.pathname === '/v2/oauth2/tokens/revoke') {
        if (!fields.token) return { status: 400, body: { error: 'invalid_request' } }
        const held = refreshTokens.get(fields.token) ?? accessTokens.get(fields.token)
        if (held) held.grant.revoked = true
        return { status: 200 }
      }
      return { status: 404, body: { error: 'not found' } }
    },
  }
}
