import { createHash } from 'node:crypto'
import type { Config } from '../../kernel/config.js'
import type { Principal } from '../../kernel/context.js'
import { businessOfSecret } from '../../db/secret-lookups.js'
import { setLocal, withSignInLookup } from '../../db/tenant.js'
import { translateDatabaseError } from '../../db/translate-error.js'
import type { Database, Queryable } from '../../db/types.js'
import { hashSecret, newSecret } from '../secrets.js'
import { sameResource } from './authorization-request.js'
import { OAuthError } from './errors.js'
import { endGrant } from './grants.js'
import { mcpResourceUrl } from './urls.js'

/** How long an access token works; the client refreshes it. */
export const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000

/** How long a refresh token works unused; each use gives a new one. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** OAuth access tokens look like crm_at_<secret>, refresh tokens crm_rt_<secret>: never like an agent token. */
const ACCESS_TOKEN = /^crm_at_[A-Za-z0-9_-]{43}$/
const REFRESH_TOKEN = /^crm_rt_[A-Za-z0-9_-]{43}$/

/** PKCE's code verifier (RFC 7636 section 4.1). */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

/** The token endpoint's successful answer (RFC 6749 section 5.1). */
export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
}

/** A token request's result: new tokens, or why the grant is refused (returned, so what the transaction did commits). */
type Outcome = { refused: string } | { tokens: TokenResponse }

/** Whether a bearer token has the shape of an OAuth access token. */
export function isOAuthAccessToken(token: string): boolean {
  return ACCESS_TOKEN.test(token)
}

/** The agent an unexpired OAuth access token of a live grant acts as, or null. */
export async function authenticateOAuthAccessToken(db: Database, token: string): Promise<Principal | null> {
  if (!ACCESS_TOKEN.test(token)) return null
  try {
    const r = await db.query<{ tenant_id: string; id: string; name: string }>('select * from authenticate_oauth_access_token($1)', [
      hashSecret(token),
    ])
    const row = r.rows[0]
    return row ? { tenantId: row.tenant_id, actor: { type: 'agent', id: row.id, name: row.name } } : null
  } catch (err) {
    throw translateDatabaseError(err)
  }
}

/** The code exchange: a fresh, unused code of this client and redirect URI, whose PKCE challenge the verifier meets. */
export async function exchangeCode(
  db: Database,
  config: Config,
  p: { code: string; codeVerifier: string; clientId: string; redirectUri: string; resource: string },
  requestId: string,
): Promise<TokenResponse> {
  if (!p.code) throw new OAuthError('invalid_request', 'code is required')
  if (!CODE_VERIFIER.test(p.codeVerifier))
    throw new OAuthError('invalid_request', 'code_verifier is required: 43 to 128 characters of A-Z a-z 0-9 - . _ ~')
  checkResource(config, p.resource)
  const codeHash = hashSecret(p.code)
  const outcome = await withSignInLookup(db, { tokenHash: codeHash }, async (tx): Promise<Outcome> => {
    const business = await businessOfSecret(tx, 'oauth_code', codeHash)
    const r = await tx.query<{
      tenant_id: string
      id: string
      client_id: string
      agent_token_id: string
      redirect_uri: string
      code_challenge: string
      resource: string
      used_at: Date | null
      expired: boolean
    }>(
      `select tenant_id, id, client_id, agent_token_id, redirect_uri, code_challenge, resource, used_at, expires_at <= now() as expired
       from oauth_codes where tenant_id = $2 and token_hash = $1 for update`,
      [codeHash, business],
    )
    const c = r.rows[0]
    if (!c) return { refused: 'The authorization code is not valid' }
    await setLocal(tx, { 'app.tenant_id': c.tenant_id })
    if (c.used_at) {
      // A code used twice may have been stolen: the grant it made ends, with every token it gave (RFC 6749 section 4.1.2).
      await endGrant(
        tx,
        { tenantId: c.tenant_id, agentTokenId: c.agent_token_id },
        { actor: { type: 'system', id: null }, requestId },
        'oauth_code_replayed',
      )
      return {
        refused: 'The authorization code was already used; the connection it made is ended, and the owner must approve the app again',
      }
    }
    if (c.expired) return { refused: 'The authorization code has expired; start the authorization again' }
    if (c.client_id !== p.clientId) return { refused: 'The authorization code was issued to another client' }
    if (c.redirect_uri !== p.redirectUri) return { refused: 'redirect_uri must be the one the authorization request used' }
    if (pkceChallenge(p.codeVerifier) !== c.code_challenge) return { refused: 'code_verifier does not match the code_challenge' }
    if (!(await grantIsLive(tx, c.agent_token_id))) return { refused: 'The owner has revoked this connection' }
    await tx.query(`update oauth_codes set used_at = now() where tenant_id = $1 and id = $2`, [c.tenant_id, c.id])
    return { tokens: await issueTokens(tx, c.tenant_id, c.agent_token_id, c.client_id, c.resource) }
  })
  if ('refused' in outcome) throw new OAuthError('invalid_grant', outcome.refused)
  return outcome.tokens
}

/**
 * Refresh token rotation: a live refresh token of this client is used up and a new pair issued. A refresh token used
 * before may have been stolen: presenting it again ends the whole grant (RFC 9700 section 4.14.2), since which of the
 * two holders is the thief cannot be told.
 */
export async function refreshTokens(
  db: Database,
  config: Config,
  p: { refreshToken: string; clientId: string; resource: string },
  requestId: string,
): Promise<TokenResponse> {
  if (!p.refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required')
  checkResource(config, p.resource)
  if (!REFRESH_TOKEN.test(p.refreshToken)) throw new OAuthError('invalid_grant', 'The refresh token is not valid')
  const tokenHash = hashSecret(p.refreshToken)
  const outcome = await withSignInLookup(db, { tokenHash }, async (tx): Promise<Outcome> => {
    const business = await businessOfSecret(tx, 'oauth_token', tokenHash)
    const r = await tx.query<{
      tenant_id: string
      id: string
      client_id: string
      agent_token_id: string
      resource: string
      used: boolean
      live: boolean
    }>(
      `select tenant_id, id, client_id, agent_token_id, resource, used_at is not null as used,
         (used_at is null and revoked_at is null and expires_at > now()) as live
       from oauth_tokens where tenant_id = $2 and token_hash = $1 and kind = 'refresh' for update`,
      [tokenHash, business],
    )
    const t = r.rows[0]
    if (t?.used) {
      await setLocal(tx, { 'app.tenant_id': t.tenant_id })
      await endGrant(
        tx,
        { tenantId: t.tenant_id, agentTokenId: t.agent_token_id },
        { actor: { type: 'system', id: null }, requestId },
        'oauth_refresh_replayed',
      )
      return { refused: 'The refresh token was already used; the connection is ended, and the owner must approve the app again' }
    }
    if (!t?.live) return { refused: 'The refresh token is not valid: unknown, revoked or expired' }
    if (t.client_id !== p.clientId) return { refused: 'The refresh token was issued to another client' }
    await setLocal(tx, { 'app.tenant_id': t.tenant_id })
    if (!(await grantIsLive(tx, t.agent_token_id))) return { refused: 'The owner has revoked this connection' }
    await tx.query(`update oauth_tokens set used_at = now() where tenant_id = $1 and id = $2`, [t.tenant_id, t.id])
    return { tokens: await issueTokens(tx, t.tenant_id, t.agent_token_id, t.client_id, t.resource) }
  })
  if ('refused' in outcome) throw new OAuthError('invalid_grant', outcome.refused)
  return outcome.tokens
}

/**
 * Token revocation (RFC 7009): an access token stops working; a refresh token ends the whole connection (its agent
 * token and every token of the grant are revoked, audited as that agent). An unknown token changes nothing, and the answer is the same.
 */
export async function revokeOAuthToken(db: Database, token: string, requestId: string): Promise<void> {
  if (!ACCESS_TOKEN.test(token) && !REFRESH_TOKEN.test(token)) return
  const tokenHash = hashSecret(token)
  await withSignInLookup(db, { tokenHash }, async (tx) => {
    const business = await businessOfSecret(tx, 'oauth_token', tokenHash)
    const r = await tx.query<{ tenant_id: string; id: string; kind: 'access' | 'refresh'; agent_token_id: string }>(
      `update oauth_tokens set revoked_at = coalesce(revoked_at, now()) where tenant_id = $2 and token_hash = $1
       returning tenant_id, id, kind, agent_token_id`,
      [tokenHash, business],
    )
    const t = r.rows[0]
    if (!t || t.kind === 'access') return
    await setLocal(tx, { 'app.tenant_id': t.tenant_id })
    await endGrant(
      tx,
      { tenantId: t.tenant_id, agentTokenId: t.agent_token_id },
      { actor: { type: 'agent', id: t.agent_token_id }, requestId },
      'revoke',
    )
  })
}

/** PKCE S256: base64url(SHA-256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/** A resource parameter, when sent, must name this server's MCP endpoint. */
function checkResource(config: Config, resource: string): void {
  if (resource && !sameResource(resource, mcpResourceUrl(config))) {
    throw new OAuthError('invalid_target', `resource must be this server's MCP endpoint, ${mcpResourceUrl(config)}`)
  }
}

/** Whether the grant's agent token is still unrevoked (the transaction has its business set). */
async function grantIsLive(tx: Queryable, agentTokenId: string): Promise<boolean> {
  return (await tx.query('select 1 from agent_tokens where id = $1 and revoked_at is null', [agentTokenId])).rows.length > 0
}

/** A new access token and refresh token for the grant, stored hashed. */
async function issueTokens(
  tx: Queryable,
  tenantId: string,
  agentTokenId: string,
  clientId: string,
  resource: string,
): Promise<TokenResponse> {
  const access = `crm_at_${newSecret()}`
  const refresh = `crm_rt_${newSecret()}`
  await tx.query(
    `insert into oauth_tokens (tenant_id, agent_token_id, client_id, kind, token_hash, resource, expires_at) values
       ($1, $2, $3, 'access', $4, $5, now() + make_interval(secs => $6)),
       ($1, $2, $3, 'refresh', $7, $5, now() + make_interval(secs => $8))`,
    [
      tenantId,
      agentTokenId,
      clientId,
      hashSecret(access),
      resource,
      ACCESS_TOKEN_TTL_MS / 1000,
      hashSecret(refresh),
      REFRESH_TOKEN_TTL_MS / 1000,
    ],
  )
  return { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_MS / 1000, refresh_token: refresh }
}
