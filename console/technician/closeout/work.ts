import { saveCloseoutWork } from '../../../core/domains/closeouts/actions.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { html, type SafeHtml } from '../../html.js'
import { callerOf } from '../context.js'
import {
  cents,
  dollars,
  fieldValue,
  stepBar,
  stepPath,
  stepForm,
  wholeNumber,
  type Posted,
  type StepPage,
  type StepRender,
  type View,
} from './shared.js'
import { formatMoney } from '../../../core/vocabulary/money.js'

/** Step 1: time on site, the services done (quantities, flexible prices, removed, added) and, if estimated, the final price. */
export const workStep: StepPage = {
  step: 'work',
  title: 'Work done',
  action: saveCloseoutWork,
  async render({ call, view, posted }: StepRender) {
    const w = view.work
    const cur = w.totals.currency
    const catalog = (await callQuery(callerOf(call), servicesQuery, { limit: 100 })).items
    const lines = (w.line_items as View[]).map((l, i) => lineRow(l, i, cur, posted))
    const options = catalog.map(
      (s) =>
        html`<option value="${s.id}">${s.name}${s.price_cents !== null ? ` (${formatMoney(s.price_cents, cur)}${s.pricing === 'per_unit' ? ` per ${s.unit_name ?? 'unit'}` : ''})` : ''}</option>`,
    )
    const estimated = w.is_price_estimated
      ? html`<label class="c warn"><input type="checkbox" name="final_price_confirmed" value="1"${(posted ? posted.final_price_confirmed : w.final_price_confirmed) ? html` checked` : ''} required> I confirm the final price of ${formatMoney(w.totals.total_cents, cur)}</label>`
      : ''
    return html`${stepBar(view, 'work')}${stepForm(
      call.session,
      view.ticket_id,
      'work',
      html`
<label>Time on site (minutes)<input type="number" name="duration_minutes" min="0" max="1440" inputmode="numeric" value="${fieldValue(posted, 'duration_minutes', w.duration_minutes)}"></label>
${w.clocked_minutes !== null ? html`<p class="muted">Clocked: ${w.clocked_minutes} min</p>` : ''}
<h2>Services</h2>${lines.length ? lines : html`<p class="muted">No services yet: add one below.</p>`}
<input type="hidden" name="line_count" value="${(w.line_items as View[]).length}">
<div class="card"><label>Add a service<select name="add_service"><option value="">Choose…</option>${options}</select></label>
<label>Quantity<input class="n" type="number" name="add_quantity" min="1" max="10000" inputmode="numeric" value="1"></label></div>
<p><strong>Total ${formatMoney(w.totals.total_cents, cur)}</strong> <span class="muted">(tax ${formatMoney(w.totals.tax_cents, cur)})</span></p>
${estimated}
<button name="op" value="update" class="alt" formnovalidate>Update</button>
<button name="op" value="confirm">Confirm and continue</button>`,
    )}`
  },
  data(posted, view) {
    const count = Math.min(50, Number(posted.line_count ?? (view.work.line_items as View[]).length) || 0)
    const lines: Array<Record<string, unknown>> = []
    for (let i = 0; i < count; i++) {
      if (posted[`remove_${i}`]) continue
      const label = posted[`description_${i}`] || `line ${i + 1}`
      const line: Record<string, unknown> = { quantity: wholeNumber(posted, `quantity_${i}`, `Quantity of ${label}`, 1, 10_000) }
      if (posted[`line_id_${i}`]) line.line_item_id = posted[`line_id_${i}`]
      else if (posted[`service_id_${i}`]) line.service_id = posted[`service_id_${i}`]
      if (posted[`description_${i}`]) line.description = posted[`description_${i}`]
      if (`price_${i}` in posted) line.unit_price_cents = cents(posted, `price_${i}`, `Price of ${label}`)
      lines.push(line)
    }
    if (posted.add_service)
      lines.push({
        service_id: posted.add_service,
        quantity: wholeNumber(posted, 'add_quantity', 'Quantity of the added service', 1, 10_000),
      })
    const confirm = posted.op !== 'update' && !posted.add_service
    return {
      duration_minutes: wholeNumber(posted, 'duration_minutes', 'Time on site', 0, 1440),
      line_items: lines,
      final_price_confirmed: Boolean(posted.final_price_confirmed),
      confirm,
    }
  },
  // "Update", or confirming with a service still chosen to add, shows the list again instead of moving on.
  after: (posted, saved) => (posted.op === 'update' || posted.add_service ? stepPath(saved.ticket_id, 'work') : null),
}

function lineRow(l: View, i: number, currency: string, posted: Posted | undefined): SafeHtml {
  const price = l.price_editable
    ? html`<label>Price each ($)<input type="text" inputmode="decimal" name="price_${i}" value="${fieldValue(posted, `price_${i}`, dollars(l.unit_price_cents))}"></label>`
    : html`<div class="muted">${formatMoney(l.unit_price_cents, currency)} each</div>`
  const description = l.service_id
    ? html`<strong>${l.description}</strong><input type="hidden" name="description_${i}" value="${l.description}">`
    : html`<label>Description<input type="text" name="description_${i}" value="${fieldValue(posted, `description_${i}`, l.description)}"></label>`
  return html`<div class="card">${description}
<input type="hidden" name="line_id_${i}" value="${l.line_item_id ?? ''}"><input type="hidden" name="service_id_${i}" value="${l.service_id ?? ''}">
<div class="row"><label>Quantity<input type="number" name="quantity_${i}" min="1" max="10000" inputmode="numeric" value="${fieldValue(posted, `quantity_${i}`, l.quantity)}"></label>${price}</div>
<div class="row"><span>${formatMoney(l.price_cents, currency)}</span><label class="c"><input type="checkbox" name="remove_${i}" value="1"${posted?.[`remove_${i}`] ? html` checked` : ''}> Remove</label></div></div>`
}
