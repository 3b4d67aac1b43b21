import { readAheadRows, type ReadAhead } from '../db/read-memo.js'
import { sqlLiteral } from '../db/tenant.js'
import type { Queryable } from '../db/types.js'
import { isUuid } from '../kernel/schema-types.js'
import { missingReference, validationError } from '../kernel/errors.js'

/** A kind of record something may be written on: its input field, its table and its entity name. */
export interface SubjectKind {
  field: string
  table: string
  entity: string
  /** When another record now stands for this one (a converted lead for its customer): the column naming it, and its kind's field. */
  becomes?: { column: string; field: string }
}

/**
 * A lead as what a note or an interaction is written on: once the lead is converted, what is written on it goes to the
 * customer it became (record-subject follows `becomes`).
 */
export const LEAD_SUBJECT = {
  field: 'lead_id',
  table: 'leads',
  entity: 'lead',
  becomes: { column: 'converted_contact_id', field: 'contact_id' },
} as const

/**
 * The one record among `kinds` that the input names (a note on a contact, a ticket or a lead), checked to exist:
 * naming none or several is a VALIDATION_ERROR on each field concerned, a missing record NOT_FOUND naming its field.
 * A record another now stands for gives that one (a note on a converted lead is written on its customer).
 */
export async function oneSubjectOf<K extends SubjectKind>(
  db: Queryable,
  input: Record<string, unknown>,
  kinds: readonly K[],
): Promise<{ kind: K; id: string }> {
  const given = kinds.filter((k) => input[k.field] !== undefined)
  const names = kinds.map((k) => k.field).join(', ')
  if (given.length !== 1) {
    throw validationError(
      (given.length ? given : kinds).map((k) => ({
        field: `data.${k.field}`,
        message: given.length ? `give only one of ${names} (got ${given.map((g) => g.field).join(', ')})` : `give exactly one of ${names}`,
      })),
    )
  }
  const kind = given[0]
  const id = input[kind.field] as string
  const found = (readAheadRows(db, subjectKey(kind, id)) ??
    (await db.query<{ becomes: string | null }>(subjectSql(kind, '$1'), [id])).rows)[0] as { becomes: string | null } | undefined
  if (!found) throw missingReference(kind.entity, id, `data.${kind.field}`)
  const standIn = kinds.find((k) => k.field === kind.becomes?.field)
  return found.becomes && standIn ? { kind: standIn, id: found.becomes } : { kind, id }
}

/**
 * The read oneSubjectOf makes, to send ahead with BEGIN (an action's `readAhead`): a note's one read then costs no round
 * trip of its own. None when the input does not name exactly one record by a UUID; oneSubjectOf then says why.
 */
export function subjectReadAhead(input: Record<string, unknown>, kinds: readonly SubjectKind[]): ReadAhead[] {
  const given = kinds.filter((k) => input[k.field] !== undefined)
  const id = given.length === 1 ? input[given[0].field] : undefined
  if (typeof id !== 'string' || !isUuid(id)) return []
  return [{ key: subjectKey(given[0], id), sql: subjectSql(given[0], `${sqlLiteral(id)}::uuid`) }]
}

function subjectKey(kind: SubjectKind, id: string): string {
  return `subject:${kind.table}:${id}`
}

function subjectSql(kind: SubjectKind, id: string): string {
  return `select ${kind.becomes ? kind.becomes.column : 'null'} as becomes from ${kind.table} where id = ${id}`
}
