import { stringify } from 'csv-stringify/sync'
import type { Principal, Services } from './context.js'
import { EXPORT_COLUMNS } from './export-columns.js'
import { performQuery, type QueryCall } from './operations.js'
import { MAX_LIMIT } from './pagination.js'
import type { Page } from './registry.js'

/** Every record of a data type, with its filters and expansions, as CSV text in pieces: the header, then page by page. */
export async function* csvOfQuery(services: Services, principal: Principal, call: Omit<QueryCall, 'id' | 'limit' | 'cursor'>,
  requestId: string): AsyncGenerator<string> {
  let columns: string[] | null = null
  let cursor: string | undefined
  do {
    const page = await performQuery(services, principal, { ...call, limit: MAX_LIMIT, cursor }, { requestId }) as Page
    if (!columns) {
      // Known columns first, so an empty list still has its header; a column the declaration lacks still comes out when there are records.
      columns = [...new Set([...(EXPORT_COLUMNS[call.type] ?? []), ...(call.include ?? []), ...page.items.flatMap((item) => Object.keys(item))])]
      yield stringify([columns])
    }
    const header = columns
    if (page.items.length) yield stringify(page.items.map((item) => header.map((c) => cellOf(item[c]))))
    cursor = page.next_cursor ?? undefined
  } while (cursor)
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
