import type { z } from 'zod'
import type { CONNECTION_RECORD } from './connection-query.js'
import type { SYNC_RECORD } from './queries.js'

/** How many failed records a summary names; the rest are counted. */
export const FAILED_NAMED = 3

/** What about QuickBooks needs the owner: the company's own trouble, and the records it refused. */
export interface QuickBooksAttention {
  /** The company's trouble in a sentence each: reconnect, disconnected with records waiting, the last sync failed. */
  problems: string[]
  failedCount: number
  /** The first few records QuickBooks refused, with its words. */
  failed: Array<z.output<typeof SYNC_RECORD>>
}

/**
 * What the owner must hear about QuickBooks, or null when nothing (all is well, or no company was ever connected).
 * failed: the first records of quickbooks_sync state=failed.
 */
export function quickbooksAttention(
  c: z.output<typeof CONNECTION_RECORD>,
  failed: Array<z.output<typeof SYNC_RECORD>>,
): QuickBooksAttention | null {
  if (c.status === 'never_connected') return null
  const problems: string[] = []
  const reason = c.status_reason ? ` (${c.status_reason})` : ''
  if (c.status === 'needs_reconnect')
    problems.push(`QuickBooks needs connecting again${reason}: nothing syncs until the owner connects again`)
  if (c.status === 'disconnected' && c.records.pending > 0) {
    problems.push(
      `QuickBooks is disconnected${reason} with ${c.records.pending} record${c.records.pending === 1 ? '' : 's'} waiting to be sent`,
    )
  }
  if (c.status === 'connected' && c.last_sync_error) problems.push(`The last QuickBooks sync failed: ${c.last_sync_error}`)
  const failedCount = Math.max(c.records.failed, failed.length)
  if (!problems.length && !failedCount) return null
  return { problems, failedCount, failed: failed.slice(0, FAILED_NAMED) }
}
