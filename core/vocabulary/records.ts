import { diffRecords } from '../kernel/audit.js'
import type { OperationContext } from '../kernel/context.js'
import type { Queryable } from '../db/types.js'
import { notFound } from '../kernel/errors.js'
import { setClause } from '../kernel/sql.js'

/** Where one kind of record lives: its table, the columns the API shows of it, and its names in the audit and in errors. */
export interface RecordKind {
  table: string
  /** The columns an update returns and the audit compares, as the API shows them. */
  columns: string
  /** The audit's entity_type, e.g. 'waitlist_entry'. */
  entity: string
  /** How NOT_FOUND names a missing one, e.g. 'waitlist entry'; the entity when not given. */
  noun?: string
}

type Row = Record<string, unknown>

/** One record as the API shows it, locked for a change in this transaction; NOT_FOUND when the business has none with that id. */
export async function lockRecord<R extends Row = Row>(db: Queryable, kind: RecordKind, id: string): Promise<R> {
  const r = await db.query<R>(`select ${kind.columns} from ${kind.table} where id = $1 for update`, [id])
  if (!r.rows[0]) throw notFound(kind.noun ?? kind.entity, id)
  return r.rows[0]
}

/** The UPDATE writing the given fields (those not undefined) of one record and returning it as the API shows it; null for none. */
function updateOf(kind: RecordKind, id: unknown, fields: Row): { sql: string; values: unknown[] } | null {
  const { sets, values } = setClause(fields)
  if (!sets.length) return null
  values.push(id)
  return { sql: `update ${kind.table} set ${sets.join(', ')} where id = $${values.length} returning ${kind.columns}`, values }
}

/**
 * Writes the given fields (those not undefined) of a record locked with lockRecord and audits it under `action` with
 * before and after; with no field to write, answers the record as it was and audits nothing.
 */
export async function auditedUpdate<R extends Row>(
  ctx: OperationContext,
  kind: RecordKind,
  before: R,
  fields: Row,
  action = 'update',
): Promise<R> {
  const update = updateOf(kind, before.id, fields)
  return update ? auditedStatement(ctx, kind, before, action, update.sql, update.values) : before
}

/**
 * Writes the given fields (those not undefined) of a record locked with lockRecord and answers it as it is now, or as
 * it was with no field to write; audited with auditChanged, so that writing the values it already has leaves no entry.
 */
export async function updateRecord<R extends Row>(db: Queryable, kind: RecordKind, before: R, fields: Row): Promise<R> {
  const update = updateOf(kind, before.id, fields)
  return update ? (await db.query<R>(update.sql, update.values)).rows[0] : before
}

/** Audits a change of one record under `action` only when it shows differently after; answers whether it did. */
export async function auditChanged(
  ctx: OperationContext,
  kind: Pick<RecordKind, 'entity'>,
  before: Row,
  after: Row,
  action = 'update',
): Promise<boolean> {
  if (!Object.keys(diffRecords(before, after)).length) return false
  await ctx.audit({ entityType: kind.entity, entityId: String(before.id), action, before, after })
  return true
}

/**
 * Runs a statement that changes one record locked with lockRecord and returns it as the API shows it (kind.columns),
 * and audits the change under `action` with before and after: for changes a plain field update cannot say (now(), coalesce).
 */
export async function auditedStatement<R extends Row>(
  ctx: OperationContext,
  kind: Pick<RecordKind, 'entity'>,
  before: Row,
  action: string,
  sql: string,
  values: unknown[],
): Promise<R> {
  const r = await ctx.db.query<R>(sql, values)
  await ctx.audit({ entityType: kind.entity, entityId: String(before.id), action, before, after: r.rows[0] })
  return r.rows[0]
}

/** Runs an INSERT that returns the new record as the API shows it, and audits it under `action` (created, or e.g. scheduled). */
export async function auditedInsert<R extends Row = Row>(
  ctx: OperationContext,
  kind: Pick<RecordKind, 'entity'>,
  sql: string,
  values: unknown[],
  action = 'create',
): Promise<R> {
  const r = await ctx.db.query<R>(sql, values)
  await ctx.audit({ entityType: kind.entity, entityId: String(r.rows[0].id), action, before: null, after: r.rows[0] })
  return r.rows[0]
}

/** Archives a record locked with lockRecord (archived_at set to now), audited as 'archive'; one already archived is answered as it is. */
export async function auditedArchive<R extends Row>(ctx: OperationContext, kind: RecordKind, before: R): Promise<R> {
  if (before.archived_at) return before
  return auditedUpdate(ctx, kind, before, { archived_at: ctx.services.now() }, 'archive')
}
