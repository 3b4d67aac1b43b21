import type { Caller } from '../../../core/kernel/call-action.js'
import type { LineView, RecordOnPage } from '../capability-parts.js'
import { readRecordQuickBooks, recordStateLine } from './quickbooks-views.js'

/** Where a customer or an invoice stands with QuickBooks, on its page, with Retry when QuickBooks refused it. */
export async function recordLine(caller: Caller, record: RecordOnPage): Promise<LineView> {
  const quickbooks = await readRecordQuickBooks(caller, record.kind, record.id)
  return (page) => recordStateLine(quickbooks.connection, quickbooks.row, page.csrf, page.back)
}
