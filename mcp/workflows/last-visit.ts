import type { ToolContext } from '../tool.js'
import { callQuery } from '../../core/kernel/call-query.js'
import { formatMoney } from '../../core/vocabulary/money.js'
import { customerOverviewQuery, type LastVisit } from '../../core/domains/invoices/customer-overview.js'

/** The customer's latest completed visit, or null when they have none. */
export async function lastVisitOf(ctx: ToolContext, contactId: string): Promise<LastVisit | null> {
  const [overview] = (await callQuery(ctx, customerOverviewQuery, { params: { contact_ids: contactId }, limit: 1 })).items
  return overview?.last_visit ?? null
}

/** The visit in one line: "2026-10-01 Gutter Cleaning; 3h22m on site; $662.00; equipment: extension ladder". */
export function lastVisitText(v: LastVisit): string {
  return [
    `${v.date} ${v.services || 'no line items'}`,
    v.time_on_site && `${v.time_on_site} on site`,
    formatMoney(v.total_cents, v.currency),
    ...v.facts,
  ]
    .filter(Boolean)
    .join('; ')
}
