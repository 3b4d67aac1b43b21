import { validationError } from './errors.js'
import type { Queryable } from '../db/types.js'
import { isUuid } from './schema-types.js'
import { whereAll } from './sql.js'

/** Items per page when the caller does not say, and the most one page may hold. */
export const DEFAULT_LIMIT = 25
export const MAX_LIMIT = 100

/** An opaque cursor holding the sort key of the last item of a page. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The SQL types a sort key is made of. */
export type CursorType = 'timestamptz' | 'uuid' | 'text' | 'int' | 'bigint'

/** Longest cursor accepted: ours hold a timestamp, an id and at most a name, well under this. */
const MAX_CURSOR_LENGTH = 2048

/** What each sort-key value must look like before it is handed to the database, so a forged one never reaches it. */
const CURSOR_VALUE: Record<CursorType, (v: unknown) => boolean> = {
  // As PostgreSQL writes timestamptz as text (2026-01-15 09:00:00.123456+00), or ISO 8601.
  timestamptz: (v) =>
    typeof v === 'string' &&
    /^(?!0000)\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/.test(v),
  uuid: isUuid,
  text: (v) => typeof v === 'string' && !v.includes('\u0000'),
  int: (v) => Number.isInteger(v) && Math.abs(v as number) <= 2_147_483_647,
  bigint: (v) => (typeof v === 'string' && /^-?\d{1,18}$/.test(v)) || Number.isSafeInteger(v),
}

/** The sort key inside a cursor, each value checked against its type; a damaged or forged cursor is the caller's mistake. */
export function decodeCursor(cursor: string, types: readonly CursorType[]): unknown[] {
  try {
    const key = cursor.length <= MAX_CURSOR_LENGTH ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined
    if (Array.isArray(key) && key.length === types.length && key.every((v, i) => CURSOR_VALUE[types[i]](v))) return key
  } catch {
    /* fall through */
  }
  throw validationError([{ field: 'cursor', message: 'is not a cursor returned by this data type; omit it to start from the first page' }])
}

/**
 * Cuts one extra fetched row off and makes the next cursor from the last kept row.
 * Sort keys come from columns named with a leading underscore (e.g. created_at::text as _sort_at), exact to the
 * microsecond, which a JavaScript Date is not; those columns are removed from the items.
 */
export function pageOf<T extends Record<string, unknown>>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const kept = rows.slice(0, limit)
  const next = rows.length > limit ? encodeCursor(keyOf(kept[kept.length - 1])) : null
  // Every row of a page has the same columns: which to keep is worked out once.
  const columns = kept.length ? Object.keys(kept[0]) : []
  const shown = columns.filter((k) => !k.startsWith('_'))
  const items = shown.length === columns.length ? kept : kept.map((row) => pick(row, shown))
  return { items, next_cursor: next }
}

/** The given columns of a row, in their order. */
function pick(row: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of columns) out[k] = row[k]
  return out
}

/**
 * The condition that starts a page after the cursor's sort key, with the key's values appended to the query's args;
 * '' on the first page. afterCursor(args, cursor, 'and (t.scheduled_start, t.id) >', ['timestamptz', 'uuid']) gives
 * "and (t.scheduled_start, t.id) > ($7::timestamptz, $8::uuid)" when args held six values.
 */
export function afterCursor(args: unknown[], cursor: string | undefined, comparison: string, types: readonly CursorType[]): string {
  if (!cursor) return ''
  const first = args.length + 1
  args.push(...decodeCursor(cursor, types))
  return `${comparison} (${types.map((t, i) => `$${first + i}::${t}`).join(', ')})`
}

/**
 * How a list is ordered: the SQL expressions of its sort key, the last of them unique (the id), their types for the
 * cursor, and the direction, which is the same for every part of the key.
 */
export interface ListOrder {
  keys: readonly string[]
  types: readonly CursorType[]
  descending?: boolean
}

/** Oldest first by created_at then id; `alias` names the table where the list joins others. */
export function oldestFirst(alias?: string): ListOrder {
  const column = (name: string) => (alias ? `${alias}.${name}` : name)
  return { keys: [column('created_at'), column('id')], types: ['timestamptz', 'uuid'] }
}

/** Newest first by created_at then id; `alias` names the table where the list joins others. */
export function newestFirst(alias?: string): ListOrder {
  return { ...oldestFirst(alias), descending: true }
}

/** By name regardless of case, then id, for a list read from one table with a name column. */
export const BY_NAME: ListOrder = { keys: ['lower(name)', 'id'], types: ['text', 'uuid'] }

/** The parts of a list's SELECT that differ from list to list; the conditions' values are in the args given beside them. */
export interface ListStatement {
  /** The columns of each item, e.g. SERVICE_COLUMNS; or a list of them, false for an expansion not asked for. */
  columns: string | Array<string | false>
  /** The table, or the tables joined, e.g. 'agent_tokens t'. */
  from: string
  /** The conditions, as written (`($1::uuid is null or id = $1) and ...`) or one each, all to hold; none for the whole table. */
  where?: string | string[]
}

/**
 * One page of a list: the rows of `statement` that come after the cursor, in `order`, limit + 1 of them read so that
 * pageOf knows whether more follow. The sort key is read as text where a JavaScript value would round it (timestamps,
 * bigint).
 */
export async function listPage(
  db: Queryable,
  page: { cursor?: string; limit: number },
  order: ListOrder,
  args: unknown[],
  statement: ListStatement,
) {
  const direction = order.descending ? ' desc' : ''
  const asText = (type: CursorType) => type === 'timestamptz' || type === 'bigint'
  const keyColumns = order.keys.map((key, i) => `${key}${asText(order.types[i]) ? '::text' : ''} as _key${i}`)
  const after = afterCursor(args, page.cursor, `(${order.keys.join(', ')}) ${order.descending ? '<' : '>'}`, order.types)
  const conditions = [statement.where ?? [], after].flat().filter(Boolean)
  args.push(page.limit + 1)
  const r = await db.query<Record<string, unknown>>(
    `select ${[statement.columns, keyColumns].flat().filter(Boolean).join(', ')} from ${statement.from}
     ${whereAll(conditions)}
     order by ${order.keys.map((key) => `${key}${direction}`).join(', ')} limit $${args.length}`,
    args,
  )
  return pageOf(r.rows, page.limit, (row) => order.keys.map((_, i) => row[`_key${i}`]))
}
