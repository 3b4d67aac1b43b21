import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { customerPlansQuery } from '../../../core/domains/plans/queries.js'
import { planPriceWords } from '../../../core/vocabulary/plan-cycles.js'
import { html } from '../../html.js'
import type { LineView, RecordOnPage } from '../capability-parts.js'

/** On a customer's page: their service plans, each linked to its page, and where to offer one. */
export async function recordLine(caller: Caller, record: RecordOnPage): Promise<LineView> {
  if (record.kind !== 'customer') return () => ''
  const plans = (await callQuery(caller, customerPlansQuery, { params: { contact_id: record.id }, limit: 20 })).items
  return () =>
    html`<div class="card"><b>Service plans</b>${
      plans.length
        ? html`<ul>${plans.map(
            (p) =>
              html`<li><a href="/customer-plans/${p.id}">${p.name}</a>: ${p.status}, ${planPriceWords(p)}${
                p.status === 'active' ? html`, ${String(p.visits_done)} visits done, next charge ${p.next_charge_on ?? 'none'}` : ''
              }</li>`,
          )}</ul>`
        : html`: none. `
    }<a href="/plans">Offer a plan</a></div>`
}
