import type { Principal, Services } from './context.js'
import { performQuery, type QueryCall } from './operations.js'
import { MAX_LIMIT } from './pagination.js'
import type { Page } from './registry.js'

/** Every record of a data type, with its filters and expansions, as CSV text in pieces: the header, then page by page. */
export async function* csvOfQuery(
  services: Services,
  principal: Principal,
  call: Omit<QueryCall, 'id' | 'limit' | 'cursor'>,
  requestId: string,
): AsyncGenerator<string> {
  const { stringify } = await import('csv-stringify/sync')
  let columns: string[] | null = null
  let cursor: string | undefined
  const customKeys = await customFieldKeys(services, principal, call.type, requestId)
  do {
    const page = (await performQuery(services, principal, { ...call, limit: MAX_LIMIT, cursor }, { requestId })) as Page
    if (!columns) {
      // Known columns first, so an empty list still has its header; a column the declaration lacks still comes out when there are records.
      const declared = services.registry.queries.get(call.type)?.exportColumns ?? []
      columns = [...new Set([...declared, ...(call.include ?? []), ...page.items.flatMap((item) => Object.keys(item))])]
      if (customKeys) columns = [...columns.filter((c) => c !== 'custom_fields'), ...customKeys.map((k) => `${CUSTOM_PREFIX}${k}`)]
      yield stringify([columns])
    }
    const header = columns
    if (page.items.length) yield stringify(page.items.map((item) => header.map((c) => cellOf(columnValue(item, c)))))
    cursor = page.next_cursor ?? undefined
  } while (cursor)
}

/** Where a record's custom field values go: one column each, named by the field's key. */
const CUSTOM_PREFIX = 'custom.'

/** The keys of the business's fields on these records (archived ones too: their values are still held), or null for other lists. */
async function customFieldKeys(services: Services, principal: Principal, type: string, requestId: string): Promise<string[] | null> {
  if (type !== 'contacts' && type !== 'tickets') return null
  const keys: string[] = []
  for (const archived of ['false', 'true']) {
    const page = (await performQuery(
      services,
      principal,
      { type: 'custom_fields', limit: MAX_LIMIT, filters: { archived } },
      { requestId },
    )) as Page
    for (const def of page.items) if ((def.applies_to === 'ticket') === (type === 'tickets')) keys.push(String(def.key))
  }
  return keys
}

/** A record's value for a column: its own field, or one of its custom fields (keys the business chose, so only its own). */
function columnValue(item: Record<string, unknown>, column: string): unknown {
  if (!column.startsWith(CUSTOM_PREFIX) || Object.hasOwn(item, column)) return item[column]
  const custom = (item.custom_fields ?? {}) as Record<string, unknown>
  const key = column.slice(CUSTOM_PREFIX.length)
  return Object.hasOwn(custom, key) ? custom[key] : undefined
}

/** One value as a spreadsheet cell: lists of words joined, records as JSON, and text that a spreadsheet would run as a formula made inert. */
export function cellOf(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return inert(value.join('; '))
  if (typeof value === 'object') return inert(JSON.stringify(value))
  return typeof value === 'string' ? inert(value) : String(value)
}

// A cell starting with = + - @ (or a tab or carriage return) is a formula to a spreadsheet; a leading apostrophe keeps it text.
function inert(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}
