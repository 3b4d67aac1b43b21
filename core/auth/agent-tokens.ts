import { randomBytes } from 'node:crypto'
import { writeAudit } from '../kernel/audit.js'
import type { Principal } from '../kernel/context.js'
import { businessOfSecret } from '../db/secret-lookups.js'
import { setLocal, withSignInLookup, withTenant } from '../db/tenant.js'
import { translateDatabaseError } from '../db/translate-error.js'
import type { Database, Queryable } from '../db/types.js'
import { AppError } from '../kernel/errors.js'
import { hashSecret, newSecret } from './secrets.js'

/** Agent tokens look like crm_<prefix>_<secret>; the prefix is shown in lists and used to revoke. */
const TOKEN_PATTERN = /^crm_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/

/** The visible prefix of a token of the right shape (crm_<prefix>_<secret>), or null. */
export function tokenPrefix(token: string): string | null {
  return TOKEN_PATTERN.exec(token)?.[1] ?? null
}

/** A token as created: the secret is shown this once and never stored. */
export interface NewAgentToken {
  id: string
  name: string
  prefix: string
  token: string
}

/**
 * Creates an agent token for the tenant of the transaction. createdBy: the person who made it (their deactivation
 * revokes it), or null when the operator's command or a new business made it.
 */
export async function createAgentToken(
  tx: Queryable,
  tenantId: string,
  name: string,
  createdBy: string | null = null,
): Promise<NewAgentToken> {
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8)
  const token = `crm_${prefix}_${newSecret()}`
  const r = await tx.query<{ id: string }>(
    `insert into agent_tokens (tenant_id, name, prefix, token_hash, created_by) values ($1, $2, $3, $4, $5) returning id`,
    [tenantId, name, prefix, hashSecret(token), createdBy],
  )
  return { id: r.rows[0].id, name, prefix, token }
}

/** The principal of a valid, unrevoked token, or null; marks the token used (at most once a minute), in one round trip. */
export async function authenticateAgentToken(db: Database, token: string): Promise<Principal | null> {
  if (!TOKEN_PATTERN.test(token)) return null
  try {
    const r = await db.query<{ tenant_id: string; id: string; name: string }>('select * from authenticate_agent_token($1)', [
      hashSecret(token),
    ])
    const row = r.rows[0]
    return row ? { tenantId: row.tenant_id, actor: { type: 'agent', id: row.id, name: row.name } } : null
  } catch (err) {
    throw translateDatabaseError(err)
  }
}

/** How long a verified token is remembered: its last use is stamped at most once a minute, and each look-up stamps it. */
const REMEMBER_MS = 60_000

/** Tokens remembered per database at most; past this the oldest is forgotten first. */
const MAX_REMEMBERED = 1_000

/** Verified tokens by the hash of their secret, per database. */
const rememberedTokens = new WeakMap<Database, Map<string, { principal: Principal; until: number }>>()

/** Verifications under way by the hash of their secret, per database: calls that arrive meanwhile wait for the same one. */
const verifying = new WeakMap<Database, Map<string, Promise<Principal | null>>>()

/**
 * The principal of a valid token without a round trip when this server verified it in the last minute: the principal
 * then carries `liveToken`, and every transaction it acts in checks with its BEGIN that the token is still live
 * (core/db/tenant.ts), so a revocation made by any process refuses its next call. Only for calls that run in a
 * business's transaction (/api/actions, /api/data); otherwise, or past a minute, authenticateAgentToken.
 */
export async function rememberedAgentToken(db: Database, token: string): Promise<Principal | null> {
  if (!TOKEN_PATTERN.test(token)) return null
  const hash = hashSecret(token)
  let kept = rememberedTokens.get(db)
  if (!kept) rememberedTokens.set(db, (kept = new Map()))
  const now = Date.now()
  const hit = kept.get(hash)
  if (hit && hit.until > now && hit.principal.actor.id) return { ...hit.principal, liveToken: hit.principal.actor.id }
  kept.delete(hash)
  // When a remembered token's minute ends, every call then in flight would verify it at once; one verification serves them.
  let pending = verifying.get(db)
  if (!pending) verifying.set(db, (pending = new Map()))
  let verification = pending.get(hash)
  if (!verification) {
    verification = authenticateAgentToken(db, token).finally(() => pending.delete(hash))
    pending.set(hash, verification)
  }
  const verified = await verification
  if (!verified) return null
  const principal = { ...verified, actor: { ...verified.actor } }
  if (kept.size >= MAX_REMEMBERED) kept.delete(kept.keys().next().value as string)
  kept.set(hash, { principal, until: now + REMEMBER_MS })
  return principal
}

/** Revokes the token with this visible prefix (crm_<prefix> or just <prefix>), audited; NOT_FOUND when there is none. */
export async function revokeAgentToken(db: Database, prefixOrToken: string): Promise<{ prefix: string; tenant_id: string; name: string }> {
  const prefix = prefixOrToken.replace(/^crm_/, '').slice(0, 8)
  return withSignInLookup(db, { tokenPrefix: prefix }, async (tx) => {
    const business = await businessOfSecret(tx, 'agent_token_prefix', prefix)
    const r = await tx.query<{ prefix: string; tenant_id: string; id: string; name: string; was: Date | null; revoked_at: Date }>(
      `update agent_tokens t set revoked_at = coalesce(t.revoked_at, now())
       from (select tenant_id, id, revoked_at as was from agent_tokens where tenant_id = $2 and prefix = $1 for update) old
       where t.tenant_id = old.tenant_id and t.id = old.id
       returning t.prefix, t.tenant_id, t.id, t.name, old.was, t.revoked_at`,
      [prefix, business],
    )
    const row = r.rows[0]
    if (!row) throw new AppError('NOT_FOUND', `No agent token with prefix ${prefix}`)
    if (!row.was) {
      await setLocal(tx, { 'app.tenant_id': row.tenant_id })
      await writeAudit(
        tx,
        { tenantId: row.tenant_id, actor: { type: 'system', id: null }, requestId: 'token-revoke', reasoning: null },
        {
          entityType: 'agent_token',
          entityId: row.id,
          action: 'revoke',
          before: { revoked_at: null },
          after: { revoked_at: row.revoked_at },
        },
      )
    }
    return { prefix: row.prefix, tenant_id: row.tenant_id, name: row.name }
  })
}

/** The tenant's tokens without secrets, for listing. */
export async function listAgentTokens(db: Database, tenantId: string) {
  return withTenant(
    db,
    { tenantId, actorType: 'system' },
    async (tx) =>
      (
        await tx.query(
          `select id, name, 'crm_' || prefix as prefix, created_at, last_used_at, revoked_at from agent_tokens order by created_at`,
        )
      ).rows,
  )
}
