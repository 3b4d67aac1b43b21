import type { Principal } from '../kernel/context.js'
import { businessOfSecret } from '../db/secret-lookups.js'
import { withSignInLookup, withTenant } from '../db/tenant.js'
import { translateDatabaseError } from '../db/translate-error.js'
import type { Database } from '../db/types.js'
import { hashSecret, newSecret } from './secrets.js'

/** A session lasts this long after its last use. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** A signed-in person, with the token their cookie-authenticated POSTs must echo. */
export interface SessionPrincipal extends Principal {
  csrfToken: string
  email: string
}

/** Starts a session for a user; returns the cookie's secret. */
export async function createSession(db: Database, tenantId: string, userId: string): Promise<string> {
  const token = newSecret()
  await withTenant(db, { tenantId, actorType: 'user', actorId: userId }, (tx) =>
    tx.query(
      `insert into sessions (tenant_id, user_id, token_hash, csrf_token, expires_at)
     values ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [tenantId, userId, hashSecret(token), newSecret(), SESSION_TTL_MS / 1000],
    ),
  )
  return token
}

/**
 * The person of a live session, extending its expiry (sliding, at most once a minute); null when unknown, ended or
 * expired, or the person was deactivated. One statement (migrations/functions/authenticate_session.sql), as every page
 * and console call asks it.
 */
export async function authenticateSession(db: Database, token: string): Promise<SessionPrincipal | null> {
  if (!token || token.length > 200) return null
  try {
    const r = await db.query<{
      tenant_id: string
      user_id: string
      csrf_token: string
      role: 'owner' | 'technician'
      name: string
      email: string
    }>('select * from authenticate_session($1, $2)', [hashSecret(token), SESSION_TTL_MS / 1000])
    const s = r.rows[0]
    if (!s) return null
    return {
      tenantId: s.tenant_id,
      actor: { type: 'user', id: s.user_id, role: s.role, name: s.name },
      csrfToken: s.csrf_token,
      email: s.email,
    }
  } catch (err) {
    throw translateDatabaseError(err)
  }
}

/** Ends a session (logout); ending an unknown one changes nothing. */
export async function endSession(db: Database, token: string): Promise<void> {
  const tokenHash = hashSecret(token)
  await withSignInLookup(db, { tokenHash }, async (tx) => {
    const business = await businessOfSecret(tx, 'session', tokenHash)
    if (business)
      await tx.query('update sessions set ended_at = now() where tenant_id = $2 and token_hash = $1 and ended_at is null', [
        tokenHash,
        business,
      ])
  })
}
