import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { shortText } from '../../text/short-text.js'
import { FAILED_NAMED, quickbooksAttention } from './attention.js'
import { quickbooksConnectionQuery } from './connection-query.js'
import { quickbooksSyncQuery } from './queries.js'

/** Characters of QuickBooks' words about a record quoted in the line; the rest stays behind crm_query. */
const MAX_WORDS = 80

/** QuickBooks' trouble in one line of daily_briefing: a company to connect again, a failed sync, the records it refused with its words. */
export async function quickbooksBriefingLine(caller: Caller): Promise<string | null> {
  const [connection] = (await callQuery(caller, quickbooksConnectionQuery, { limit: 100 })).items
  const failed =
    connection.configured && connection.records.failed
      ? (await callQuery(caller, quickbooksSyncQuery, { params: { state: 'failed' }, limit: FAILED_NAMED })).items
      : []
  const attention = quickbooksAttention(connection, failed)
  if (!attention) return null
  const parts = [...attention.problems]
  if (attention.failedCount) {
    const named = attention.failed.map(
      (r) => `${r.kind} ${r.name ? `${r.name} (${r.id})` : r.id} "${shortText(r.error ?? 'no reason given', MAX_WORDS)}"`,
    )
    parts.push(
      `${attention.failedCount} record${attention.failedCount === 1 ? '' : 's'} failed: ${named.join('; ')}` +
        `${attention.failedCount > named.length ? '; …' : ''} (crm_query type=quickbooks_sync state=failed; quickbooks.retry once fixed)`,
    )
  }
  return `QuickBooks: ${parts.join('; ')} (owner's page /settings/quickbooks)`
}
