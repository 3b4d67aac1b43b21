import type { Queryable } from '../../db/types.js'
import type { GoogleFeature } from './features.js'

/** Where a person's Google connection stands. */
export type GoogleConnectionStatus = 'connected' | 'needs_reconnect' | 'disconnected'

/** A person's Google account as stored, its tokens still sealed. */
export interface StoredGoogleConnection {
  user_id: string
  google_email: string
  access_token: string | null
  refresh_token: string | null
  access_expires_at: Date | null
  scopes: string[]
  calendar_on: boolean
  contacts_on: boolean
  gmail_on: boolean
  status: GoogleConnectionStatus
  status_reason: string | null
  connected_at: Date
  sync_requested_at: Date | null
  last_sync_at: Date | null
  last_sync_error: string | null
  backoff_until: Date | null
}

/** Sealed tokens as they are stored. */
export interface SealedGoogleTokens {
  access_token: string
  /** Google sends a refresh token with a consent; a refresh keeps the stored one. */
  refresh_token: string
  access_expires_at: Date
}

const COLUMNS = `user_id, google_email, access_token, refresh_token, access_expires_at, scopes, calendar_on, contacts_on, gmail_on,
  status, status_reason, connected_at, sync_requested_at, last_sync_at, last_sync_error, backoff_until`

const PREFIXED = COLUMNS.split(',')
  .map((c) => `c.${c.trim()}`)
  .join(', ')

/** A person's connection (any status), or null when they never connected; forUpdate locks it for a token refresh. */
export async function loadGoogleConnection(tx: Queryable, userId: string, forUpdate = false): Promise<StoredGoogleConnection | null> {
  const r = await tx.query<StoredGoogleConnection>(
    `select ${COLUMNS} from google_connections where user_id = $1${forUpdate ? ' for update' : ''}`,
    [userId],
  )
  return r.rows[0] ?? null
}

/** Every connection of the business, the owner's first. */
export async function listGoogleConnections(tx: Queryable): Promise<Array<StoredGoogleConnection & { user_name: string; role: string }>> {
  const r = await tx.query<StoredGoogleConnection & { user_name: string; role: string }>(
    `select ${PREFIXED}, u.name as user_name, u.role
     from google_connections c join users u on u.id = c.user_id
     order by u.role = 'owner' desc, u.name`,
  )
  return r.rows
}

/**
 * Keeps a person's account after they consented: the scopes Google now grants, the features they turned on (added to
 * those on before when it is the same account). Connecting another account starts its features afresh.
 */
export async function saveGoogleConnection(
  tx: Queryable,
  input: { tenantId: string; userId: string; email: string; tokens: SealedGoogleTokens; scopes: string[]; features: GoogleFeature[] },
): Promise<{ sameAccount: boolean }> {
  const before = await loadGoogleConnection(tx, input.userId, true)
  const sameAccount = before?.google_email === input.email
  const on = (feature: GoogleFeature) =>
    input.features.includes(feature) || (sameAccount && before?.status === 'connected' && before[`${feature}_on`])
  await tx.query(
    `insert into google_connections (tenant_id, user_id, google_email, access_token, refresh_token, access_expires_at, scopes,
       calendar_on, contacts_on, gmail_on, status, status_reason, connected_at, sync_requested_at, last_sync_error, backoff_until,
       lease_until, lease_holder)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'connected', null, now(), now(), null, null, null, null)
     on conflict (tenant_id, user_id) do update set google_email = excluded.google_email, access_token = excluded.access_token,
       refresh_token = excluded.refresh_token, access_expires_at = excluded.access_expires_at, scopes = excluded.scopes,
       calendar_on = excluded.calendar_on, contacts_on = excluded.contacts_on, gmail_on = excluded.gmail_on, status = 'connected',
       status_reason = null, connected_at = now(), sync_requested_at = now(), last_sync_error = null, backoff_until = null,
       lease_until = null, lease_holder = null`,
    [
      input.tenantId,
      input.userId,
      input.email,
      input.tokens.access_token,
      input.tokens.refresh_token,
      input.tokens.access_expires_at,
      input.scopes,
      on('calendar'),
      on('contacts'),
      on('gmail'),
    ],
  )
  return { sameAccount }
}

/** Keeps a refreshed access token (Google keeps the refresh token), and the scopes it says are granted. */
export async function saveGoogleAccess(
  tx: Queryable,
  userId: string,
  accessToken: string,
  expiresAt: Date,
  scopes: string[],
): Promise<void> {
  await tx.query(
    `update google_connections set access_token = $2, access_expires_at = $3, scopes = case when cardinality($4::text[]) > 0 then $4 else scopes end
     where user_id = $1`,
    [userId, accessToken, expiresAt, scopes],
  )
}

/** Stops every feature of the account until the person connects again, saying why (Google refused the refresh token). */
export async function markGoogleNeedsReconnect(tx: Queryable, userId: string, reason: string): Promise<void> {
  await tx.query(
    `update google_connections set status = 'needs_reconnect', status_reason = $2, access_token = null, refresh_token = null
     where user_id = $1 and status = 'connected'`,
    [userId, reason],
  )
}

/** Forgets the tokens and stops every feature; what was brought in stays. */
export async function markGoogleDisconnected(tx: Queryable, userId: string, reason: string): Promise<void> {
  await tx.query(
    `update google_connections set status = 'disconnected', status_reason = $2, access_token = null, refresh_token = null,
       lease_until = null, lease_holder = null
     where user_id = $1`,
    [userId, reason],
  )
}

/** Asks the worker to sync the account at its next pass (a visit changed, Google pushed a change, someone asked). */
export async function requestGoogleSync(tx: Queryable, userId: string, at: Date): Promise<void> {
  await tx.query(`update google_connections set sync_requested_at = $2 where user_id = $1 and status = 'connected'`, [userId, at])
}
