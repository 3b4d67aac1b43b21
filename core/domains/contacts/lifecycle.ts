import { writeAuditMany, systemAuditor } from '../../kernel/audit.js'
import type { Queryable } from '../../db/types.js'
import type { OperationContext } from '../../kernel/context.js'

/** Where a contact stands with the business, computed from its history (migration 0043). */
export const LIFECYCLES = ['prospect', 'customer', 'past_customer'] as const

/** One of LIFECYCLES. */
export type Lifecycle = (typeof LIFECYCLES)[number]

/** One contact whose lifecycle a refresh changed. */
export interface LifecycleChange {
  contact_id: string
  old: Lifecycle
  new: Lifecycle
}

/**
 * Recomputes the lifecycle of the given contacts of the transaction's business at `now` and stores the ones that
 * changed (with lifecycle_since = now), audited as the system: entity contact, action lifecycle. The rule itself is
 * the SQL function contact_lifecycles, shared with the migration's backfill; refresh_contact_lifecycles locks and writes only
 * the contacts that changed. Merged contacts are left as they are.
 */
export async function refreshLifecycles(
  tx: Queryable,
  tenantId: string,
  requestId: string,
  contactIds: string[],
  now: Date,
): Promise<LifecycleChange[]> {
  const ids = [...new Set(contactIds)]
  if (!ids.length) return []
  const r = await tx.query<{ contact_id: string; old: Lifecycle; new: Lifecycle }>(
    'select contact_id, old, new from refresh_contact_lifecycles($1::uuid[], $2)',
    [ids, now],
  )
  const changes = r.rows.filter((row) => row.old !== row.new)
  await writeAuditMany(
    tx,
    systemAuditor(tenantId, requestId),
    changes.map((c) => ({
      entityType: 'contact',
      entityId: c.contact_id,
      action: 'lifecycle',
      before: { lifecycle: c.old },
      after: { lifecycle: c.new },
    })),
  )
  return changes
}

/** Recomputes the customers of the transaction's business whose last activity is older than its window: the worker's daily pass. */
export async function refreshLapsingCustomers(tx: Queryable, tenantId: string, requestId: string, now: Date): Promise<LifecycleChange[]> {
  const r = await tx.query<{ id: string }>(
    `select c.id from contacts c join tenants t on t.id = c.tenant_id
     where c.tenant_id = app_tenant() and c.lifecycle = 'customer' and c.last_activity_at < $1::timestamptz - make_interval(months => t.lapsed_after_months)`,
    [now],
  )
  return refreshLifecycles(
    tx,
    tenantId,
    requestId,
    r.rows.map((row) => row.id),
    now,
  )
}

/** refreshLifecycles for an operation's contacts, in its transaction, at its clock. */
export function refreshContactLifecycles(ctx: OperationContext, contactIds: string[]): Promise<LifecycleChange[]> {
  return refreshLifecycles(ctx.db, ctx.tenantId, ctx.requestId, contactIds, ctx.services.now())
}
