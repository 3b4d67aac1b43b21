import type { Queryable } from '../../db/types.js'

/** Where a business's QuickBooks connection stands. */
export type ConnectionStatus = 'connected' | 'needs_reconnect' | 'disconnected'

/** A business's QuickBooks company as stored, its tokens still sealed. */
export interface StoredConnection {
  realm_id: string
  company_name: string | null
  access_token: string | null
  refresh_token: string | null
  access_expires_at: Date | null
  refresh_expires_at: Date | null
  status: ConnectionStatus
  status_reason: string | null
  doc_numbers_kept: boolean | null
  income_account_id: string | null
  general_item_id: string | null
  connected_at: Date
  sync_requested_at: Date | null
  last_sync_at: Date | null
  last_sync_error: string | null
  backoff_until: Date | null
  changes_since: Date | null
}

/** Sealed tokens and when they lapse, as they are stored. */
export interface SealedTokens {
  access_token: string
  refresh_token: string
  access_expires_at: Date
  refresh_expires_at: Date
}

const COLUMNS = `realm_id, company_name, access_token, refresh_token, access_expires_at, refresh_expires_at, status, status_reason,
  doc_numbers_kept, income_account_id, general_item_id, connected_at, sync_requested_at, last_sync_at, last_sync_error, backoff_until, changes_since`

/** The business's connection (any status), or null when it never connected; forUpdate locks it for a token refresh. */
export async function loadConnection(tx: Queryable, forUpdate = false): Promise<StoredConnection | null> {
  const r = await tx.query<StoredConnection>(`select ${COLUMNS} from quickbooks_connections${forUpdate ? ' for update' : ''}`)
  return r.rows[0] ?? null
}

/**
 * Keeps a newly connected company. Connecting again to the same company keeps every record's QuickBooks id; connecting
 * another company forgets them, since its ids mean nothing there.
 */
export async function saveConnection(
  tx: Queryable,
  tenantId: string,
  realmId: string,
  tokens: SealedTokens,
  userId: string | null,
): Promise<{ sameCompany: boolean }> {
  const before = await loadConnection(tx, true)
  const sameCompany = before?.realm_id === realmId
  if (before && !sameCompany) await tx.query('delete from quickbooks_records')
  await tx.query(
    `insert into quickbooks_connections (tenant_id, realm_id, access_token, refresh_token, access_expires_at, refresh_expires_at,
       status, connected_by, connected_at, sync_requested_at)
     values ($1, $2, $3, $4, $5, $6, 'connected', $7, now(), now())
     on conflict (tenant_id) do update set realm_id = excluded.realm_id, access_token = excluded.access_token,
       refresh_token = excluded.refresh_token, access_expires_at = excluded.access_expires_at,
       refresh_expires_at = excluded.refresh_expires_at, status = 'connected', status_reason = null,
       connected_by = excluded.connected_by, connected_at = now(), sync_requested_at = now(), backoff_until = null,
       last_sync_error = null, lease_until = null, lease_holder = null,
       company_name = case when $8 then quickbooks_connections.company_name end,
       doc_numbers_kept = case when $8 then quickbooks_connections.doc_numbers_kept end,
       income_account_id = case when $8 then quickbooks_connections.income_account_id end,
       general_item_id = case when $8 then quickbooks_connections.general_item_id end,
       changes_since = case when $8 then quickbooks_connections.changes_since end`,
    [
      tenantId,
      realmId,
      tokens.access_token,
      tokens.refresh_token,
      tokens.access_expires_at,
      tokens.refresh_expires_at,
      userId,
      sameCompany,
    ],
  )
  return { sameCompany }
}

/** Keeps the tokens of a refresh (the refresh token rolls: the old one no longer works). */
export async function saveTokens(tx: Queryable, tokens: SealedTokens): Promise<void> {
  await tx.query(
    `update quickbooks_connections set access_token = $1, refresh_token = $2, access_expires_at = $3, refresh_expires_at = $4`,
    [tokens.access_token, tokens.refresh_token, tokens.access_expires_at, tokens.refresh_expires_at],
  )
}

/** Stops the sync until the owner connects again, saying why (Intuit refused the refresh token). */
export async function markNeedsReconnect(tx: Queryable, reason: string): Promise<void> {
  await tx.query(
    `update quickbooks_connections set status = 'needs_reconnect', status_reason = $1, access_token = null, refresh_token = null
     where status = 'connected'`,
    [reason],
  )
}

/** Forgets the tokens and stops the sync; the records keep their QuickBooks ids for a later connect to the same company. */
export async function markDisconnected(tx: Queryable, reason: string): Promise<void> {
  await tx.query(
    `update quickbooks_connections set status = 'disconnected', status_reason = $1, access_token = null, refresh_token = null,
       lease_until = null, lease_holder = null`,
    [reason],
  )
}
