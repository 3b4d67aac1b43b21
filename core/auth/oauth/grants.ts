import { writeAudit } from '../../audit.js'
import type { SessionPrincipal } from '../sessions.js'
import { createAgentToken } from '../agent-tokens.js'
import { withTenant } from '../../db/tenant.js'
import type { Database } from '../../db/types.js'
import { hashSecret, newSecret } from '../secrets.js'
import type { AuthorizationRequest } from './authorization-request.js'

/** How long an authorization code may be exchanged. */
export const CODE_TTL_MS = 2 * 60 * 1000

/**
 * The owner approves a client: a new agent token named after the client is the grant (revoking it ends the grant), and
 * a single-use code for it goes back to the client. Audited as the owner.
 */
export async function approveClient(db: Database, owner: SessionPrincipal, request: AuthorizationRequest, requestId: string): Promise<string> {
  const code = newSecret()
  await withTenant(db, { tenantId: owner.tenantId, actorType: 'user', actorId: owner.actor.id, requestId }, async (tx) => {
    const name = `${request.client.clientName} (OAuth)`
    const grant = await createAgentToken(tx, owner.tenantId, name)
    await tx.query(
      `insert into oauth_codes (tenant_id, token_hash, client_id, agent_token_id, user_id, redirect_uri, code_challenge, resource, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))`,
      [owner.tenantId, hashSecret(code), request.client.clientId, grant.id, owner.actor.id, request.redirectUri, request.codeChallenge,
        request.resource, CODE_TTL_MS / 1000])
    await writeAudit(tx, { tenantId: owner.tenantId, actor: owner.actor, requestId, reasoning: null }, {
      entityType: 'agent_token', entityId: grant.id, action: 'oauth_approve',
      after: { name, prefix: grant.prefix, client_id: request.client.clientId, client_source: request.client.source,
        redirect_uri: request.redirectUri },
    })
  })
  return code
}
