import type { z } from 'zod'
import type { GOOGLE_CONNECTION_RECORD } from './connection-query.js'

/** A person's Google account as google_connection reads it. */
type Account = z.output<typeof GOOGLE_CONNECTION_RECORD>

/** What about Google needs the owner: accounts Google stopped accepting, and accounts whose last sync failed. */
export interface GoogleAttention {
  needsReconnect: Account[]
  failed: Account[]
}

/** What the owner must hear about the business's Google accounts, or null when nothing (all well, or none connected). */
export function googleAttention(accounts: readonly Account[]): GoogleAttention | null {
  const needsReconnect = accounts.filter((a) => a.status === 'needs_reconnect')
  const failed = accounts.filter((a) => a.status === 'connected' && a.last_sync_error)
  return needsReconnect.length || failed.length ? { needsReconnect, failed } : null
}

/** Whose account it is, in words: "Tom Tech (tom@gmail.com)". */
export function accountOwnerWords(a: Account): string {
  const who = a.user_name || (a.role === 'owner' ? 'the owner' : 'a technician')
  return `${who} (${a.google_email})`
}
