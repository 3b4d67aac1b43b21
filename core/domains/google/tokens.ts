import { cachedTokenSource, storedTokenUsable, type TokenOutcome } from '../../clients/cached-token.js'
import { GoogleError, type GoogleCaller, type GoogleTokenSource, type GoogleTokens } from '../../clients/google.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { requireGoogle } from './availability.js'
import { loadGoogleConnection, markGoogleNeedsReconnect, type SealedGoogleTokens, saveGoogleAccess } from './connection.js'

/** An access token is refreshed when it has less than this left, so it never lapses in the middle of a sync. */
const REFRESH_AHEAD_MS = 5 * 60_000

/** Tokens sealed for storage; a consent without a refresh token cannot be kept (the account could not be synced). */
export function sealGoogleTokens(box: SecretBox, tokens: GoogleTokens): SealedGoogleTokens {
  if (!tokens.refreshToken) {
    throw new AppError('CONFLICT', 'Google gave no refresh token for offline access: connect again and approve every permission asked')
  }
  return {
    access_token: box.seal(tokens.accessToken),
    refresh_token: box.seal(tokens.refreshToken),
    access_expires_at: tokens.accessExpiresAt,
  }
}

/** The refusal of a call naming a person who never connected a Google account (`field` names where the person was given). */
export function neverConnected(userId: string, field = 'data.user_id'): AppError {
  return new AppError('NOT_FOUND', 'This person never connected a Google account', { field, id: userId })
}

/** The words every refusal of a disconnected account uses, naming where to connect again. */
export function notConnected(status: string | undefined, reason: string | null | undefined): AppError {
  const why = reason ? `: ${reason}` : ''
  if (!status) return new AppError('CONFLICT', 'No Google account is connected: connect one at /settings/google')
  if (status === 'needs_reconnect') return new AppError('CONFLICT', `Google needs connecting again${why} (at /settings/google)`)
  return new AppError('CONFLICT', `Google was disconnected${why}: connect again at /settings/google`)
}

/**
 * A person's access token for their calls: the stored one while it has time left, else a refreshed one. A refresh runs
 * with the connection's row locked, so two processes refresh once; one Google refuses (the person revoked the app, or
 * the grant lapsed) stops every feature and tells the person to connect again, never retried.
 */
export function accountTokens(services: Services, tenantId: string, userId: string): GoogleTokenSource {
  return cachedTokenSource(
    () => services.now(),
    REFRESH_AHEAD_MS,
    (refused) =>
      withTenant(services.db, { tenantId, actorType: 'system', requestId: 'google-tokens' }, (tx) =>
        freshToken(tx, services, userId, refused),
      ),
  )
}

/** The calls of a person's Google account, within its limits, its tokens refreshed as needed. */
export function accountCaller(services: Services, tenantId: string, userId: string): GoogleCaller {
  const { client } = requireGoogle(services)
  return client.caller(`${tenantId}:${userId}`, accountTokens(services, tenantId, userId))
}

/** Inside the locked row (of the caller's transaction): the stored token if still good (and not the one Google just refused), else a refreshed one. */
export async function freshToken(
  tx: Queryable,
  services: Services,
  userId: string,
  refusedToken: string | undefined,
): Promise<TokenOutcome> {
  const { client, secrets } = requireGoogle(services)
  const conn = await loadGoogleConnection(tx, userId, true)
  if (conn?.status !== 'connected' || !conn.access_token || !conn.refresh_token) throw notConnected(conn?.status, conn?.status_reason)
  const now = services.now()
  const stored = secrets.open(conn.access_token)
  const expiresAt = conn.access_expires_at?.getTime() ?? 0
  // Another process may have refreshed already: its token is the one to use.
  if (storedTokenUsable(stored, refusedToken, expiresAt, REFRESH_AHEAD_MS, now)) return { token: stored, expiresAt }
  try {
    const tokens = await client.refresh(secrets.open(conn.refresh_token), now)
    await saveGoogleAccess(tx, userId, secrets.seal(tokens.accessToken), tokens.accessExpiresAt, tokens.scopes)
    return { token: tokens.accessToken, expiresAt: tokens.accessExpiresAt.getTime() }
  } catch (err) {
    if (err instanceof GoogleError && !err.retryable) {
      const reason = `Google refused to renew access to ${conn.google_email} (${err.message}): connect again`
      await markGoogleNeedsReconnect(tx, userId, reason)
      return { refused: new AppError('CONFLICT', reason) }
    }
    throw err
  }
}
