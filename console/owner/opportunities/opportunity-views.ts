import type { Opportunity } from '../../../core/domains/opportunities/model.js'
import { OPEN_STAGES, stageLabel } from '../../../core/domains/opportunities/model.js'
import { formatMoney } from '../../../core/vocabulary/money.js'
import { form, html, type SafeHtml } from '../../html.js'

/** One opportunity as a line: its title linked, then stage, amount, chance and expected close. */
export function opportunityLine(o: Opportunity, opts: { showWho?: boolean } = {}): SafeHtml {
  const who = o.contact_name ?? o.lead_name
  const facts = [
    opts.showWho && who ? who : null,
    stageLabel(o.stage),
    formatMoney(o.amount_cents, o.currency),
    o.closed_at ? null : `${o.probability}%`,
    o.expected_close_on && !o.closed_at ? `close ${o.expected_close_on}` : null,
    o.assignee_name,
  ]
  return html`<li><a href="${`/opportunities/${o.id}`}">${o.title}</a> <span class="muted">${facts.filter(Boolean).join(' · ')}</span></li>`
}

/** An opportunity list, or a line saying there is none. */
export function opportunityList(items: Opportunity[], empty: string, opts: { showWho?: boolean } = {}): SafeHtml {
  return items.length ? html`<ul>${items.map((o) => opportunityLine(o, opts))}</ul>` : html`<p class="muted">${empty}</p>`
}

/** The small form that opens an opportunity for the customer or lead named by the hidden field. */
export function openOpportunityForm(csrf: string, subject: { field: 'contact_id' | 'lead_id'; id: string }): SafeHtml {
  return html`<details><summary>Open an opportunity</summary>${form(
    '/opportunities',
    csrf,
    html`<input type="hidden" name="${subject.field}" value="${subject.id}">
<label>What for<input name="title" required maxlength="200" placeholder="Gutters and windows"></label>
<div class="row"><label>Amount<input name="amount" inputmode="decimal" placeholder="450.00"></label>
<label>Stage<select name="stage">${OPEN_STAGES.map((s) => html`<option value="${s}">${stageLabel(s)}</option>`)}</select></label></div>
<label>Expected to close (optional)<input type="date" name="expected_close_on"></label>
<button class="second">Open it</button>`,
  )}</details>`
}
