import type { Config } from '../../kernel/config.js'
import type { Database } from '../../db/types.js'
import { findClient, type OAuthClient } from './clients.js'
import { OAuthError, type OAuthErrorCode } from './errors.js'
import { redirectUriRegistered } from './redirect-uris.js'
import { mcpResourceUrl } from './urls.js'

/** An authorization request that may be shown to the owner. */
export interface AuthorizationRequest {
  client: OAuthClient
  redirectUri: string
  codeChallenge: string
  state: string | null
  resource: string
}

/** What an authorization request turned out to be. */
export type CheckedAuthorizationRequest =
  | { kind: 'ok'; request: AuthorizationRequest }
  /** The client or its redirect URI cannot be trusted: say so on the page, never redirect. */
  | { kind: 'refuse'; message: string }
  /** The client is known and the redirect registered: the client hears the error at its redirect URI. */
  | { kind: 'redirect_error'; redirectUri: string; state: string | null; error: OAuthErrorCode; description: string }

/** The parameters of an authorization request, from the query string (GET) or the consent form (POST). */
export type AuthorizationParams = Record<string, unknown>

/** PKCE's code challenge for S256: 43 base64url characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

/**
 * Checks an authorization request (OAuth 2.1 section 4.1.1): a known client and one of its redirect URIs exactly; then
 * response_type code, a PKCE S256 challenge and this server's MCP endpoint as the resource (RFC 8707).
 */
export async function checkAuthorizationRequest(
  db: Database,
  config: Config,
  params: AuthorizationParams,
): Promise<CheckedAuthorizationRequest> {
  const text = (name: string) => (typeof params[name] === 'string' ? (params[name] as string) : '')
  let client: OAuthClient
  try {
    client = await findClient(db, config, text('client_id'))
  } catch (err) {
    if (err instanceof OAuthError) return { kind: 'refuse', message: err.message }
    throw err
  }
  const redirectUri = text('redirect_uri')
  if (!redirectUriRegistered(client.redirectUris, redirectUri)) {
    return {
      kind: 'refuse',
      message: redirectUri
        ? `The redirect address ${redirectUri} is not one ${client.clientName} registered, so no answer is sent there.`
        : `The request names no redirect_uri; ${client.clientName} must send one of the addresses it registered.`,
    }
  }
  const state = text('state') || null
  const fail = (error: OAuthErrorCode, description: string): CheckedAuthorizationRequest => ({
    kind: 'redirect_error',
    redirectUri,
    state,
    error,
    description,
  })
  if (text('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be "code"')
  if (text('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be "S256" (PKCE is required)')
  if (!S256_CHALLENGE.test(text('code_challenge')))
    return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters)')
  const ours = mcpResourceUrl(config)
  const resource = text('resource') || ours
  if (!sameResource(resource, ours)) return fail('invalid_target', `resource must be this server's MCP endpoint, ${ours}`)
  return { kind: 'ok', request: { client, redirectUri, codeChallenge: text('code_challenge'), state, resource: ours } }
}

/** Whether a resource indicator names our MCP endpoint (a trailing slash is the same resource). */
export function sameResource(given: string, ours: string): boolean {
  return given.replace(/\/$/, '') === ours
}

/** The redirect URI with the answer's parameters added, keeping any query it already has. */
export function redirectWith(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri)
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v)
  return url.toString()
}
