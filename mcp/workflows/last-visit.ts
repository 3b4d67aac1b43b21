import type { ToolContext } from '../tool.js'
import { callQuery } from '../../core/call-query.js'
import { customerOverviewQuery, type LastVisit } from '../../core/domains/contacts/overview.js'

export type { LastVisit }

/** The customer's latest completed visit, or null when they have none. */
export async function lastVisitOf(ctx: ToolContext, contactId: string): Promise<LastVisit | null> {
  const [overview] = (await callQuery(ctx, customerOverviewQuery, { params: { contact_ids: contactId }, limit: 1 })).items
  return overview?.last_visit ?? null
}

/** The visit in one line: "2026-10-01 Gutter Cleaning; 3h22m on site; $662.00; equipment: extension ladder". */
export function lastVisitText(v: LastVisit): string {
  return [`${v.date} ${v.services || 'no line items'}`, v.time_on_site && `${v.time_on_site} on site`, money(v.total_cents, v.currency), ...v.facts]
    .filter(Boolean).join('; ')
}

/** "$662.00" from cents and a currency code. */
export function money(cents: number, currency: string): string {
  let fmt = moneyFormats.get(currency)
  if (!fmt) {
    fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency })
    moneyFormats.set(currency, fmt)
  }
  return fmt.format(cents / 100)
}

// One formatter per currency: making one costs far more than using it.
const moneyFormats = new Map<string, Intl.NumberFormat>()
