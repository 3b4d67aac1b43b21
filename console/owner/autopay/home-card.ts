import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { cardChargesQuery, chargesToAllowQuery } from '../../../core/domains/autopay/queries.js'
import { formatMoney } from '../../../core/vocabulary/money.js'
import { html, type SafeHtml } from '../../html.js'

/** On Home: charges waiting for the owner to allow, and card payments that failed on invoices that still owe; nothing when none. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const failing = (await callQuery(caller, cardChargesQuery, { params: { failing: 'true' }, limit: 20 })).items
  const waiting = (await callQuery(caller, chargesToAllowQuery, { params: {}, limit: 20 })).items
  const toAllow = waiting.length
    ? html`<h2>Charges waiting for you</h2><ul class="home">${waiting
        .slice(0, 3)
        .map(
          (c) =>
            html`<li class="wrap"><b>${c.customer_name}</b>: ${formatMoney(c.amount_due_cents, c.currency)} on ${c.invoice_number} (an agent set it; not charged until you allow it)</li>`,
        )}</ul><p><a href="/payments/failed">Allow or leave them</a></p>`
    : ''
  if (!failing.length) return toAllow
  return html`${toAllow}<h2>Failed card payments</h2><ul class="home">${failing
    .slice(0, 3)
    .map(
      (c) =>
        html`<li class="wrap"><b>${c.customer_name}</b>: ${formatMoney(c.amount_due_cents, c.currency)} on ${c.invoice_number}${
          c.retry_on ? ` (next try ${c.retry_on})` : ' (no more tries)'
        }</li>`,
    )}</ul><p><a href="/payments/failed">See failed payments</a></p>`
}
