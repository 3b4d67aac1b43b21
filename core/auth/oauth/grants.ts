import { writeAudit } from '../../kernel/audit.js'
import type { Actor } from '../../kernel/context.js'
import type { SessionPrincipal } from '../sessions.js'
import { createAgentToken } from '../agent-tokens.js'
import { withTenant } from '../../db/tenant.js'
import type { Database, Queryable } from '../../db/types.js'
import { hashSecret, newSecret } from '../secrets.js'
import type { AuthorizationRequest } from './authorization-request.js'

/** How long an authorization code may be exchanged. */
export const CODE_TTL_MS = 2 * 60 * 1000

/**
 * The owner approves a client: a new agent token named after the client is the grant (revoking it ends the grant), and
 * a single-use code for it goes back to the client. Audited as the owner.
 */
export async function approveClient(
  db: Database,
  owner: SessionPrincipal,
  request: AuthorizationRequest,
  requestId: string,
): Promise<string> {
  const code = newSecret()
  await withTenant(db, { tenantId: owner.tenantId, actorType: 'user', actorId: owner.actor.id, requestId }, async (tx) => {
    const name = `${request.client.clientName} (OAuth)`
    const grant = await createAgentToken(tx, owner.tenantId, name, owner.actor.id)
    await tx.query(
      `insert into oauth_codes (tenant_id, token_hash, client_id, agent_token_id, user_id, redirect_uri, code_challenge, resource, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))`,
      [
        owner.tenantId,
        hashSecret(code),
        request.client.clientId,
        grant.id,
        owner.actor.id,
        request.redirectUri,
        request.codeChallenge,
        request.resource,
        CODE_TTL_MS / 1000,
      ],
    )
    await writeAudit(
      tx,
      { tenantId: owner.tenantId, actor: owner.actor, requestId, reasoning: null },
      {
        entityType: 'agent_token',
        entityId: grant.id,
        action: 'oauth_approve',
        after: {
          name,
          prefix: grant.prefix,
          client_id: request.client.clientId,
          client_source: request.client.source,
          redirect_uri: request.redirectUri,
        },
      },
    )
  })
  return code
}

/**
 * Ends a grant (the transaction has its business set): every access and refresh token issued for it is revoked, and so is
 * its agent token, so the app shows as disconnected. Audited once, as `actor`, with `action` saying why; ending an
 * ended grant changes nothing.
 */
export async function endGrant(
  tx: Queryable,
  grant: { tenantId: string; agentTokenId: string },
  who: { actor: Actor; requestId: string },
  action: string,
): Promise<void> {
  await tx.query(`update oauth_tokens set revoked_at = now() where tenant_id = $1 and agent_token_id = $2 and revoked_at is null`, [
    grant.tenantId,
    grant.agentTokenId,
  ])
  const revoked = await tx.query<{ revoked_at: Date }>(
    `update agent_tokens set revoked_at = now() where tenant_id = $1 and id = $2 and revoked_at is null returning revoked_at`,
    [grant.tenantId, grant.agentTokenId],
  )
  if (!revoked.rows[0]) return
  await writeAudit(
    tx,
    { tenantId: grant.tenantId, actor: who.actor, requestId: who.requestId, reasoning: null },
    {
      entityType: 'agent_token',
      entityId: grant.agentTokenId,
      action,
      before: { revoked_at: null },
      after: { revoked_at: revoked.rows[0].revoked_at },
    },
  )
}
