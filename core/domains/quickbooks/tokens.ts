import { quickbooksClientOf } from './availability.js'
import { QuickBooksError, type QuickBooksTokens, type TokenSource } from './client/quickbooks.js'
import { cachedTokenSource, storedTokenUsable, type TokenOutcome } from '../../clients/cached-token.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import type { SecretBox } from '../../kernel/secret-box.js'
import { loadConnection, markNeedsReconnect, saveTokens, type SealedTokens } from './connection.js'

/** An access token is refreshed when it has less than this left, so it never lapses in the middle of a batch. */
const REFRESH_AHEAD_MS = 10 * 60_000

/** The secret box, or why QuickBooks cannot keep tokens on this server. */
export function secretsOf(services: Services): SecretBox {
  if (!services.secrets)
    throw new AppError(
      'UNAVAILABLE',
      'QuickBooks needs CRM_ENCRYPTION_KEY on this server to keep its tokens (make one: openssl rand -base64 32)',
    )
  return services.secrets
}

/** Tokens sealed for storage. */
export function sealTokens(box: SecretBox, tokens: QuickBooksTokens): SealedTokens {
  return {
    access_token: box.seal(tokens.accessToken),
    refresh_token: box.seal(tokens.refreshToken),
    access_expires_at: tokens.accessExpiresAt,
    refresh_expires_at: tokens.refreshExpiresAt,
  }
}

/**
 * The access token of a business's company for the client: the stored one while it has time left, else a refreshed one.
 * A refresh runs with the connection's row locked, so two processes never spend the same rolling refresh token; one
 * Intuit refuses stops the sync and tells the owner to connect again (never retried).
 */
export function companyTokens(services: Services, tenantId: string): TokenSource {
  return cachedTokenSource(
    () => services.now(),
    REFRESH_AHEAD_MS,
    (refused) =>
      withTenant(services.db, { tenantId, actorType: 'system', requestId: 'quickbooks-tokens' }, (tx) => freshToken(tx, services, refused)),
  )
}

/**
 * The stored access token, read in the caller's transaction, for a call made inside an operation (the one-time import).
 * Such a call never refreshes: a refresh token spent in a transaction that then rolls back (a dry run always does)
 * would be lost. The worker's syncs refresh the token well before it lapses.
 */
export function storedTokens(tx: Queryable, services: Services): TokenSource {
  const read = async () => {
    const conn = await loadConnection(tx)
    if (conn?.status !== 'connected' || !conn.access_token) throw notConnected(conn?.status_reason)
    if ((conn.access_expires_at?.getTime() ?? 0) <= services.now().getTime()) throw renewing()
    return secretsOf(services).open(conn.access_token)
  }
  return {
    accessToken: read,
    afterUnauthorized: async () => {
      throw renewing()
    },
  }
}

/** The refusal of a call while the company is not connected, with why when it is known. */
function notConnected(reason: string | null | undefined): AppError {
  return new AppError('CONFLICT', `QuickBooks is not connected${reason ? `: ${reason}` : ''}`)
}

function renewing(): AppError {
  return new AppError(
    'UNAVAILABLE',
    "QuickBooks' access is being renewed by the next sync: ask again in a minute (quickbooks.sync starts one)",
    {
      retry_after_seconds: 60,
    },
  )
}

/** Inside the locked row: the stored token if still good (and not the one QuickBooks just refused), else a refreshed one. */
async function freshToken(tx: Queryable, services: Services, refusedToken: string | undefined): Promise<TokenOutcome> {
  const box = secretsOf(services)
  const client = quickbooksClientOf(services)
  if (!client) throw new AppError('UNAVAILABLE', 'QuickBooks is off on this server (no QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET)')
  const conn = await loadConnection(tx, true)
  if (conn?.status !== 'connected' || !conn.access_token || !conn.refresh_token) throw notConnected(conn?.status_reason)
  const now = services.now()
  const stored = box.open(conn.access_token)
  const expiresAt = conn.access_expires_at?.getTime() ?? 0
  // Another process may have refreshed already: its token is the one to use.
  if (storedTokenUsable(stored, refusedToken, expiresAt, REFRESH_AHEAD_MS, now)) return { token: stored, expiresAt }
  if (conn.refresh_expires_at && conn.refresh_expires_at.getTime() <= now.getTime()) {
    const reason = 'the QuickBooks connection lapsed (its refresh token expired after 100 days unused): connect again'
    await markNeedsReconnect(tx, reason)
    return { refused: new AppError('CONFLICT', reason) }
  }
  try {
    const tokens = await client.refresh(box.open(conn.refresh_token), now)
    await saveTokens(tx, sealTokens(box, tokens))
    return { token: tokens.accessToken, expiresAt: tokens.accessExpiresAt.getTime() }
  } catch (err) {
    if (err instanceof QuickBooksError && !err.retryable) {
      const reason = `Intuit refused to renew the QuickBooks connection (${err.message}): connect again`
      await markNeedsReconnect(tx, reason)
      return { refused: new AppError('CONFLICT', reason) }
    }
    throw err
  }
}
