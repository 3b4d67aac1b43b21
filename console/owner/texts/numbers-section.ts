import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { textUsageQuery } from '../../../core/domains/texts/queries.js'
import { html, type SafeHtml } from '../../html.js'

/** On the Numbers page: the month's texts sent and received and the segments Twilio bills, or that texts are off. */
export async function numbersSection(caller: Caller, month: string): Promise<SafeHtml | ''> {
  const usage = (await callQuery(caller, textUsageQuery, {})).items[0]
  const row = usage.months.find((m) => m.month === month)
  if (!usage.on && !row) return ''
  const figures = row
    ? html`<p>${String(row.sent)} text${row.sent === 1 ? '' : 's'} sent (${String(row.segments)} segment${row.segments === 1 ? '' : 's'}, what Twilio bills), ${String(row.received)} received.</p>`
    : html`<p>No texts this month.</p>`
  return html`<h2 id="texts">Texts</h2>${figures}<p><a href="/settings/texts">Texts by month, and the daily limit</a></p>`
}
