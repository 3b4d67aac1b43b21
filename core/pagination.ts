import { validationError } from './errors.js'

/** Items per page when the caller does not say, and the most one page may hold. */
export const DEFAULT_LIMIT = 25
export const MAX_LIMIT = 100

/** An opaque cursor holding the sort key of the last item of a page. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The sort key inside a cursor; a damaged cursor is the caller's mistake. */
export function decodeCursor(cursor: string, arity: number): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(key) && key.length === arity) return key
  } catch { /* fall through */ }
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
  const items = kept.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_'))))
  return { items, next_cursor: next }
}

/**
 * The condition that starts a page after the cursor's sort key, with the key's values appended to the query's args;
 * '' on the first page. afterCursor(args, cursor, 'and (t.scheduled_start, t.id) >', ['timestamptz', 'uuid']) gives
 * "and (t.scheduled_start, t.id) > ($7::timestamptz, $8::uuid)" when args held six values.
 */
export function afterCursor(args: unknown[], cursor: string | undefined, comparison: string, types: readonly string[]): string {
  if (!cursor) return ''
  const first = args.length + 1
  args.push(...decodeCursor(cursor, types.length))
  return `${comparison} (${types.map((t, i) => `$${first + i}::${t}`).join(', ')})`
}
