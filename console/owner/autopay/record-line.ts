import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { cardChargesQuery, savedCardsQuery } from '../../../core/domains/autopay/queries.js'
import { form, html } from '../../html.js'
import type { LineView, RecordOnPage } from '../capability-parts.js'

/** On a customer's page: their saved card and autopay, with Autopay on or off, Remove, and Ask for a card. */
export async function recordLine(caller: Caller, record: RecordOnPage): Promise<LineView> {
  if (record.kind !== 'customer') return () => ''
  const card = (await callQuery(caller, savedCardsQuery, { params: { contact_id: record.id }, limit: 1 })).items[0]
  const failing = (await callQuery(caller, cardChargesQuery, { params: { contact_id: record.id, failing: 'true' }, limit: 5 })).items
  const failed = failing.length
    ? html`<p class="warn">Card payment failed on ${failing.map((c, i) => html`${i ? ', ' : ''}<a href="/invoices/${c.invoice_id}">${c.invoice_number}</a>`)}: <a href="/payments/failed">Failed payments</a></p>`
    : ''
  return (page) => {
    const hidden = html`<input type="hidden" name="contact_id" value="${record.id}"><input type="hidden" name="back" value="${page.back}">`
    const ask = form(
      '/cards/ask',
      page.csrf,
      html`${hidden}<button class="second">${card ? 'Ask for a new card' : 'Ask for a card'}</button>`,
    )
    if (!card) return html`<div class="card"><b>Card on file</b>: none. ${failed}${ask}</div>`
    return html`<div class="card"><b>Card on file</b>: ${card.brand} ending ${card.last4}, expires ${String(card.exp_month)}/${String(card.exp_year)} · Autopay ${card.autopay ? 'on' : 'off'}
${form('/cards/autopay', page.csrf, html`${hidden}<input type="hidden" name="autopay" value="${card.autopay ? 'off' : 'on'}"><button class="second">${card.autopay ? 'Turn autopay off' : 'Turn autopay on (they asked)'}</button>`)}
${failed}${ask}${form('/cards/remove', page.csrf, html`${hidden}<button class="alt">Remove the card</button>`)}</div>`
  }
}
