import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { scheduleOpeningsQuery } from '../../../core/domains/openings/queries.js'
import { html, type SafeHtml } from '../../html.js'

/** Openings shown on Home at most; the Openings page has them all. */
const SHOWN = 3

/** On Home: the openings the waitlist could fill, each with its best candidate; nothing when there is none. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const openings = (await callQuery(caller, scheduleOpeningsQuery, { params: { kind: 'left', candidates: 1 }, limit: 20 })).items
  const fillable = openings.filter((g) => g.candidates.length)
  if (!fillable.length) return ''
  return html`<h2>Openings the waitlist could fill</h2><ul class="home">${fillable
    .slice(0, SHOWN)
    .map(
      (g) =>
        html`<li class="wrap">${g.slot}: <b>${g.candidates[0].contact_name}</b>, ${g.candidates[0].near}${
          g.offered_to.length ? html` <span class="muted">(offered to ${g.offered_to.join(', ')})</span>` : ''
        }</li>`,
    )}</ul><p><a href="/openings">Offer the times</a></p>`
}
