import type { Actor, AuditEntry } from './context.js'
import type { Queryable } from '../db/types.js'
import { sqlLiteral } from '../db/tenant.js'

/** Field-by-field differences: {field: {old, new}} for every field whose value changed. */
export function diffRecords(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined) {
  const changes: Record<string, { old: unknown; new: unknown }> = {}
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  for (const key of keys) {
    if (key === 'updated_at' || key === 'tenant_id') continue
    const oldValue = normalize(before?.[key])
    const newValue = normalize(after?.[key])
    if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) changes[key] = { old: oldValue, new: newValue }
  }
  return changes
}

/** Appends one audit row in the caller's transaction; the only path by which mutations are recorded. */
export async function writeAudit(
  tx: Queryable,
  who: { tenantId: string; actor: Actor; requestId: string; reasoning: string | null },
  entry: AuditEntry,
): Promise<void> {
  const values = [
    who.tenantId,
    entry.entityType,
    entry.entityId,
    entry.action,
    JSON.stringify(diffRecords(entry.before, entry.after)),
    who.actor.type,
    who.actor.id,
    who.reasoning,
    who.requestId,
  ]
  // In a transaction the row travels with the next statement or with COMMIT (core/db/deferred.ts), as literals: a
  // statement held back carries no parameters.
  // A NUL, which no literal can hold, goes as a parameter: the database then refuses it as it would any other.
  if (tx.defer && !values.some((v) => v?.includes('\0'))) tx.defer(`${AUDIT_INSERT} values (${values.map(literalOrNull).join(', ')})`)
  else await tx.query(`${AUDIT_INSERT} values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, values)
}

const AUDIT_INSERT =
  'insert into audit_log (tenant_id, entity_type, entity_id, action, changes, actor_type, actor_id, reasoning, request_id)'

/** A value as an SQL literal the column's type reads, or null. */
function literalOrNull(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : sqlLiteral(value)
}

/**
 * An insert of one audit row for each row `rows` selects (its columns entity_type, entity_id, action and changes), by
 * `who`, as literals: a change and its audit in one statement that, like writeAudit's row, can wait for COMMIT.
 */
export function auditSelectedSql(
  who: { tenantId: string; actor: Actor; requestId: string; reasoning: string | null },
  rows: string,
): string {
  const by = [who.tenantId, who.actor.type, who.actor.id, who.reasoning, who.requestId].map(literalOrNull)
  return `${AUDIT_INSERT} select ${by[0]}, x.entity_type, x.entity_id, x.action, x.changes, ${by.slice(1).join(', ')} from (${rows}) x`
}

/** Appends many audit rows with one statement, for bulk writes (an import's chunk); the same rows writeAudit would write one by one. */
export async function writeAuditMany(
  tx: Queryable,
  who: { tenantId: string; actor: Actor; requestId: string; reasoning: string | null },
  entries: AuditEntry[],
): Promise<void> {
  if (!entries.length) return
  const rows = entries.map((e) => ({
    entity_type: e.entityType,
    entity_id: e.entityId,
    action: e.action,
    changes: diffRecords(e.before, e.after),
  }))
  await tx.query(
    `insert into audit_log (tenant_id, entity_type, entity_id, action, changes, actor_type, actor_id, reasoning, request_id)
     select $1, x.entity_type, x.entity_id, x.action, x.changes, $3, $4, $5, $6
     from jsonb_to_recordset($2::jsonb) as x(entity_type text, entity_id uuid, action text, changes jsonb)`,
    [who.tenantId, JSON.stringify(rows), who.actor.type, who.actor.id, who.reasoning, who.requestId],
  )
}

/** Who the audit names for work the system does by itself (the worker, webhooks, tenant set-up): no person, no reasoning. */
export function systemAuditor(tenantId: string, requestId: string): { tenantId: string; actor: Actor; requestId: string; reasoning: null } {
  return { tenantId, actor: { type: 'system', id: null }, requestId, reasoning: null }
}

/** Audit rows of the given records, oldest first, grouped by entity id. */
export async function auditTrail(tx: Queryable, entityType: string, ids: string[]): Promise<Map<string, unknown[]>> {
  const byId = new Map<string, unknown[]>(ids.map((id) => [id, []]))
  if (!ids.length) return byId
  const r = await tx.query<{ entity_id: string }>(
    `select entity_id, action, changes, actor_type, actor_id, reasoning, request_id, created_at
     from audit_log where entity_type = $1 and entity_id = any($2::uuid[]) order by id`,
    [entityType, ids],
  )
  for (const row of r.rows) byId.get(row.entity_id)?.push(row)
  return byId
}

function normalize(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString()
  return v === undefined ? null : v
}
