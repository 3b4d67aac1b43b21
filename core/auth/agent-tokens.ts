import { randomBytes } from 'node:crypto'
import type { Principal } from '../context.js'
import { withSignInLookup, withTenant } from '../db/tenant.js'
import type { Database, Queryable } from '../db/types.js'
import { AppError } from '../errors.js'
import { hashSecret, newSecret } from './secrets.js'

/** Agent tokens look like crm_<prefix>_<secret>; the prefix is shown in lists and used to revoke. */
const TOKEN_PATTERN = /^crm_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/

/** A token as created: the secret is shown this once and never stored. */
export interface NewAgentToken {
  id: string
  name: string
  prefix: string
  token: string
}

/** Creates an agent token for the tenant of the transaction. */
export async function createAgentToken(tx: Queryable, tenantId: string, name: string): Promise<NewAgentToken> {
  const prefix = randomBytes(6).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 8)
  const token = `crm_${prefix}_${newSecret()}`
  const r = await tx.query<{ id: string }>(
    `insert into agent_tokens (tenant_id, name, prefix, token_hash) values ($1, $2, $3, $4) returning id`,
    [tenantId, name, prefix, hashSecret(token)])
  return { id: r.rows[0].id, name, prefix, token }
}

/** The principal of a valid, unrevoked token, or null; marks the token used. */
export async function authenticateAgentToken(db: Database, token: string): Promise<Principal | null> {
  if (!TOKEN_PATTERN.test(token)) return null
  const tokenHash = hashSecret(token)
  return withSignInLookup(db, { tokenHash }, async (tx) => {
    const r = await tx.query<{ tenant_id: string; id: string; name: string; last_used_at: Date | null }>(
      `select tenant_id, id, name, last_used_at from agent_tokens where token_hash = $1 and revoked_at is null`, [tokenHash])
    const row = r.rows[0]
    if (!row) return null
    // Written at most once a minute: a busy agent must not turn every read into a write.
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
      await tx.query(`update agent_tokens set last_used_at = now() where token_hash = $1`, [tokenHash])
    }
    return { tenantId: row.tenant_id, actor: { type: 'agent', id: row.id, name: row.name } }
  })
}

/** Revokes the token with this visible prefix (crm_<prefix> or just <prefix>); NOT_FOUND when there is none. */
export async function revokeAgentToken(db: Database, prefixOrToken: string): Promise<{ prefix: string; tenant_id: string; name: string }> {
  const prefix = prefixOrToken.replace(/^crm_/, '').slice(0, 8)
  return withSignInLookup(db, { tokenPrefix: prefix }, async (tx) => {
    const r = await tx.query<{ prefix: string; tenant_id: string; name: string }>(
      `update agent_tokens set revoked_at = coalesce(revoked_at, now()) where prefix = $1 returning prefix, tenant_id, name`, [prefix])
    if (!r.rows[0]) throw new AppError('NOT_FOUND', `No agent token with prefix ${prefix}`)
    return r.rows[0]
  })
}

/** The tenant's tokens without secrets, for listing. */
export async function listAgentTokens(db: Database, tenantId: string) {
  return withTenant(db, { tenantId, actorType: 'system' }, async (tx) =>
    (await tx.query(`select id, name, 'crm_' || prefix as prefix, created_at, last_used_at, revoked_at from agent_tokens order by created_at`)).rows)
}
