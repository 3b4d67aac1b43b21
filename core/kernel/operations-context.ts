import { writeAudit } from './audit.js'
import type { OperationContext, Principal, Services } from './context.js'
import type { TenantScope } from '../db/tenant.js'
import type { Queryable } from '../db/types.js'

/** The transaction scope of a principal's request. */
export function scopeOf(principal: Principal, requestId: string): TenantScope {
  return {
    tenantId: principal.tenantId,
    actorType: principal.actor.type,
    actorId: principal.actor.id,
    requestId,
    ...(principal.liveToken ? { liveToken: principal.liveToken } : {}),
  }
}

/** The context handed to an action or query running in transaction tx. */
export function contextOf(
  services: Services,
  principal: Principal,
  tx: Queryable,
  requestId: string,
  reasoning: string | null,
  afterCommit: (fn: () => Promise<void>) => void,
): OperationContext {
  const who = { tenantId: principal.tenantId, actor: principal.actor, requestId, reasoning }
  return { ...who, db: tx, services, audit: (entry) => writeAudit(tx, who, entry), afterCommit }
}
