import { auditSelectedSql, systemAuditor } from '../../kernel/audit.js'
import { sqlArray, sqlLiteral } from '../../db/tenant.js'
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
 * The statement that recomputes the lifecycle of the given contacts of the transaction's business at `now`, stores the
 * ones that changed (with lifecycle_since = now) and audits each as the system: entity contact, action lifecycle. The
 * rule itself is the SQL function contact_lifecycles, shared with the migration's backfill; refresh_contact_lifecycles
 * locks and writes only the contacts that changed. Merged contacts are left as they are. Literals only, so it can wait
 * for the transaction's next statement or its COMMIT.
 */
function refreshSql(tenantId: string, requestId: string, contactIds: string[], now: Date): string {
  const ids = `${sqlArray([...new Set(contactIds)])}::uuid[]`
  return auditSelectedSql(
    systemAuditor(tenantId, requestId),
    `select 'contact' as entity_type, r.contact_id as entity_id, 'lifecycle' as action,
       jsonb_build_object('lifecycle', jsonb_build_object('old', r.old, 'new', r.new)) as changes
     from refresh_contact_lifecycles(${ids}, ${sqlLiteral(now.toISOString())}::timestamptz) r
     where r.old is distinct from r.new`,
  )
}

/**
 * Refreshes the lifecycles of the given contacts (see refreshSql). Nothing here reads the result, so in a transaction
 * the statement goes with the next one or with COMMIT, instead of a round trip of its own.
 */
export async function refreshLifecycles(
  tx: Queryable,
  tenantId: string,
  requestId: string,
  contactIds: string[],
  now: Date,
): Promise<void> {
  if (!contactIds.length) return
  const sql = refreshSql(tenantId, requestId, contactIds, now)
  if (tx.defer) tx.defer(sql)
  else await tx.query(sql)
}

/**
 * Recomputes the customers of the transaction's business whose last activity is older than its window: the worker's
 * daily pass. Returns the changes, which the pass counts.
 */
export async function refreshLapsingCustomers(tx: Queryable, tenantId: string, requestId: string, now: Date): Promise<LifecycleChange[]> {
  const r = await tx.query<{ id: string }>(
    `select c.id from contacts c join tenants t on t.id = c.tenant_id
     where c.tenant_id = app_tenant() and c.lifecycle = 'customer' and c.last_activity_at < $1::timestamptz - make_interval(months => t.lapsed_after_months)`,
    [now],
  )
  if (!r.rows.length) return []
  const changed = await tx.query<{ contact_id: string; old: Lifecycle; new: Lifecycle }>(
    `${refreshSql(
      tenantId,
      requestId,
      r.rows.map((row) => row.id),
      now,
    )} returning entity_id as contact_id, changes->'lifecycle'->>'old' as old, changes->'lifecycle'->>'new' as new`,
  )
  return changed.rows
}

/** refreshLifecycles for an operation's contacts, in its transaction, at its clock. */
export function refreshContactLifecycles(ctx: OperationContext, contactIds: string[]): Promise<void> {
  return refreshLifecycles(ctx.db, ctx.tenantId, ctx.requestId, contactIds, ctx.services.now())
}
