import type { Queryable } from './db/types.js'
import { AppError } from './errors.js'
import { isUuid } from './schema-types.js'

/** A record number as answers print it, and where its id is found. */
interface NumberedKind {
  /** The data type (crm_query type) whose id it stands for. */
  type: 'tickets' | 'invoices'
  /** The number in the stored form, or null when the value is not one. */
  read(value: unknown): string | number | null
  sql: string
  noun: string
}

const VISIT: NumberedKind = {
  type: 'tickets',
  read: (v) =>
    typeof v === 'number' && Number.isInteger(v) && v > 0
      ? v
      : typeof v === 'string' && /^#?\d{1,9}$/.test(v.trim())
        ? Number(v.trim().replace('#', ''))
        : null,
  sql: 'select id from tickets where number = $1',
  noun: 'visit',
}

const INVOICE: NumberedKind = {
  type: 'invoices',
  read: (v) => (typeof v === 'string' && /^INV-\d{4}-\d{1,9}$/i.test(v.trim()) ? v.trim().toUpperCase() : null),
  sql: 'select id from invoices where number = $1',
  noun: 'invoice',
}

/** The id fields of an action's data that also take the record's number. */
const NUMBERED_FIELDS: Record<string, NumberedKind> = { ticket_id: VISIT, invoice_id: INVOICE }

/** Whether any top-level field of the data is given as a record number instead of an id. */
export function hasRecordNumbers(data: unknown): data is Record<string, unknown> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false
  const fields = data as Record<string, unknown>
  return Boolean(Object.entries(NUMBERED_FIELDS).some(([field, kind]) => !isUuid(fields[field]) && kind.read(fields[field]) !== null))
}

/** The data with each record number ("#171", 171, "INV-2026-0004") in an id field replaced by that record's id. */
export async function withRecordIds(tx: Queryable, data: Record<string, unknown>, prefix: string): Promise<Record<string, unknown>> {
  const resolved = { ...data }
  for (const [field, kind] of Object.entries(NUMBERED_FIELDS)) {
    if (isUuid(data[field])) continue
    const number = kind.read(data[field])
    if (number !== null) resolved[field] = await idOfNumber(tx, kind, number, `${prefix}${field}`)
  }
  return resolved
}

/** The kind of number a crm_query id may be for this data type, or null. */
export function numberedKindOf(type: string, id: unknown): NumberedKind | null {
  if (isUuid(id)) return null
  const kind = [VISIT, INVOICE].find((k) => k.type === type)
  return kind && kind.read(id) !== null ? kind : null
}

/** The id of a record read by its number within the business's transaction; an unknown number names the field. */
export async function idOfNumber(tx: Queryable, kind: NumberedKind, number: string | number, field: string): Promise<string> {
  const found = await tx.query<{ id: string }>(kind.sql, [number])
  if (!found.rows[0]) {
    const shown = kind === VISIT ? `#${number}` : String(number)
    throw new AppError('NOT_FOUND', `${field}: no ${kind.noun} ${shown} in this business`, { field, entity: kind.noun })
  }
  return found.rows[0].id
}

/** Reads the number a value stands for under a kind (for idOfNumber). */
export function numberOf(kind: NumberedKind, value: unknown): string | number {
  const number = kind.read(value)
  if (number === null) throw new Error('not a record number')
  return number
}
