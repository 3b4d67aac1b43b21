import { businessOfSecret } from '../db/secret-lookups.js'
import { withSignInLookup, withTenant } from '../db/tenant.js'
import type { Database } from '../db/types.js'
import { hashSecret, newSecret } from './secrets.js'

/** How long a sign-in link works. */
export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000

/** A freshly issued link's secret and the user it signs in. */
export interface IssuedLink {
  token: string
  tenantId: string
  userId: string
  email: string
  businessName: string
}

/** Issues one single-use link per active account with this email (one per business the person belongs to). */
export async function issueMagicLinks(db: Database, email: string): Promise<IssuedLink[]> {
  const users = await withSignInLookup(
    db,
    { email },
    async (tx) =>
      (
        await tx.query<{ tenant_id: string; id: string; email: string }>(
          `select tenant_id, id, email from users where lower(email) = lower($1) and deactivated_at is null`,
          [email],
        )
      ).rows,
  )
  const links: IssuedLink[] = []
  for (const u of users) {
    links.push(await issueMagicLinkFor(db, u.tenant_id, u.id))
  }
  return links
}

/** Issues a link for one known user (first start prints one for the owner). */
export async function issueMagicLinkFor(db: Database, tenantId: string, userId: string): Promise<IssuedLink> {
  const token = newSecret()
  return withTenant(db, { tenantId, actorType: 'system' }, async (tx) => {
    const r = await tx.query<{ email: string; name: string }>(
      `insert into magic_links (tenant_id, user_id, token_hash, expires_at)
       values ($1, $2, $3, now() + make_interval(secs => $4))
       returning (select email from users where id = $2) as email, (select name from tenants) as name`,
      [tenantId, userId, hashSecret(token), MAGIC_LINK_TTL_MS / 1000],
    )
    return { token, tenantId, userId, email: r.rows[0].email, businessName: r.rows[0].name }
  })
}

/** Uses a link once: the user it signs in, or null when unknown, used or expired. */
export async function consumeMagicLink(db: Database, token: string): Promise<{ tenantId: string; userId: string } | null> {
  const tokenHash = hashSecret(token)
  return withSignInLookup(db, { tokenHash }, async (tx) => {
    const business = await businessOfSecret(tx, 'magic_link', tokenHash)
    if (!business) return null
    const r = await tx.query<{ tenant_id: string; user_id: string }>(
      `update magic_links set used_at = now()
       where tenant_id = $2 and token_hash = $1 and used_at is null and expires_at > now()
       returning tenant_id, user_id`,
      [tokenHash, business],
    )
    return r.rows[0] ? { tenantId: r.rows[0].tenant_id, userId: r.rows[0].user_id } : null
  })
}
