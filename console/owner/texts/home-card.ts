import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { textsQuery, textUsageQuery } from '../../../core/domains/texts/queries.js'
import { html, type SafeHtml } from '../../html.js'

/** Texts shown on Home at most; each customer's thread has them all. */
const SHOWN = 5

/** On Home: texts are off, or have no number yet, or customers' texts wait for an answer; nothing when all is well. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const usage = (await callQuery(caller, textUsageQuery, {})).items[0]
  if (!usage.on) {
    return html`<h2>Texts are off</h2><p class="wrap">${usage.off_reason}. Customers who chose texts get nothing until then; everything else works.</p>`
  }
  if (!usage.from_number)
    return html`<h2>Texts</h2><p>Texts are on, but you have no texting number yet: <a href="/settings/texts">set it</a>.</p>`
  if (!usage.waiting) return ''
  const waiting = (await callQuery(caller, textsQuery, { params: { waiting: 'true' }, limit: SHOWN })).items
  return html`<h2>Texts waiting for an answer</h2><ul class="home">${waiting.map(
    (t) =>
      html`<li class="wrap">${t.contact_id ? html`<a href="/customers/${t.contact_id}/texts">${t.phone}</a>` : html`${t.phone} (a lead: <a href="/leads/${t.lead_id ?? ''}">open it</a>)`}: ${t.body.slice(0, 140)}</li>`,
  )}</ul>`
}
