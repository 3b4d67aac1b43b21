import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { weatherOutlookQuery } from '../../../core/domains/weather/queries.js'
import { html, type SafeHtml } from '../../html.js'

/** On Home: tomorrow's likely rain and the visits it touches, with where to move a day; nothing on a dry day. */
export async function homeCard(caller: Caller): Promise<SafeHtml | ''> {
  const [outlook] = (await callQuery(caller, weatherOutlookQuery, {})).items
  if (!outlook?.rain_likely || !outlook.visits.length) return ''
  const names = new Map(outlook.visits.map((v) => [v.technician_id, v.technician_name]))
  return html`<h2>Rain likely tomorrow</h2><p class="wrap">${outlook.forecast}, ${String(outlook.precipitation_percent)}% chance, on ${String(
    outlook.visits.length,
  )} visit${outlook.visits.length === 1 ? '' : 's'}: ${outlook.visits.map((v) => `#${v.number} ${v.contact_name}`).join(', ')}.</p>${
    outlook.moves.length
      ? html`<p>The forecast is dry on ${outlook.moves[0].to_date}: ${outlook.moves.map((m) => names.get(m.technician_id)).join(', ')}'s day could move there, customers told.</p>`
      : html`<p class="muted">The forecast has no dry open day this week to move them to.</p>`
  }<p><a href="/team">Move a day's visits</a></p>`
}
