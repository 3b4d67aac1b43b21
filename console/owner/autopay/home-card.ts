import type { Caller } from '../../../core/call-action.js'
import { callQuery } from '../../../core/call-query.js'
import { cardChargesQuery } from '../../../core/domains/autopay/queries.js'
import { formatMoney } from '../../../core/money.js'
import { html, type SafeHtml } from '../../html.js'

/** On Home: card payments that failed on invoices that still owe; nothing when none did. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const failing = (await callQuery(caller, cardChargesQuery, { params: { failing: 'true' }, limit: 20 })).items
  if (!failing.length) return ''
  return html`<h2>Failed card payments</h2><ul class="home">${failing
    .slice(0, 3)
    .map(
      (c) =>
        html`<li class="wrap"><b>${c.customer_name}</b>: ${formatMoney(c.amount_due_cents, c.currency)} on ${c.invoice_number}${
          c.retry_on ? ` (next try ${c.retry_on})` : ' (no more tries)'
        }</li>`,
    )}</ul><p><a href="/payments/failed">See failed payments</a></p>`
}
