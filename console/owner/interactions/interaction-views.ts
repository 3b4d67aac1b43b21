import type { z } from 'zod'
import type { interactionsQuery } from '../../../core/domains/interactions/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { shortMoment } from '../contacts/customer-words.js'

type Interaction = z.output<typeof interactionsQuery.record>

/** "Call from them", "Email to them", "Meeting": what an interaction was, in a few words. */
export function interactionTitle(i: Pick<Interaction, 'kind' | 'direction'>): string {
  const kind = i.kind.charAt(0).toUpperCase() + i.kind.slice(1)
  return i.direction ? `${kind} ${i.direction === 'inbound' ? 'from them' : 'to them'}` : kind
}

/** The form that logs a call, email, text, meeting or note; the time is the moment it is sent unless the owner gives one. */
export function interactionForm(action: string, csrf: string): SafeHtml {
  return form(
    action,
    csrf,
    html`<div class="row"><label>What<select name="kind"><option value="call">Call</option><option value="email">Email</option>
<option value="text">Text (SMS)</option><option value="meeting">Meeting</option><option value="note">Note</option></select></label>
<label>Who started it<select name="direction"><option value="outbound">We did</option><option value="inbound">They did</option>
<option value="">Neither (meeting or note)</option></select></label></div>
<label>Topic (optional)<input name="subject" maxlength="300"></label>
<label>What was said<textarea name="summary" rows="3" required maxlength="10000"></textarea></label>
<label>Outcome (optional)<input name="outcome" maxlength="300" placeholder="left a voicemail, booked, not interested"></label>
<div class="row"><label>Follow up on (optional)<input type="date" name="follow_up_on"></label>
<label>Minutes (optional)<input type="number" name="duration_minutes" min="0" max="1440" inputmode="numeric"></label></div>
<button class="second">Log it</button>`,
  )
}

/** The interactions as cards, newest first, each open follow-up with a button to mark it done (which returns to `back`). */
export function interactionList(
  items: Interaction[],
  opts: { csrf: string; back: string; timeZone: string; today: string; names: Map<string, string> },
): SafeHtml {
  if (!items.length) return html`<p class="muted">Nothing logged yet.</p>`
  return html`${items.map(
    (
      i,
    ) => html`<div class="card"><p><b>${interactionTitle(i)}</b>${i.subject ? html`: ${i.subject}` : ''} <span class="muted">${shortMoment(
      i.occurred_at,
      opts.timeZone,
    )}${i.duration_minutes ? ` · ${i.duration_minutes} min` : ''} · ${
      i.author_type === 'agent' ? 'Agent' : i.author_type === 'system' ? 'System' : (opts.names.get(i.author_id ?? '') ?? 'A team member')
    }</span></p>
<p class="pre">${i.summary}</p>${i.outcome ? html`<p class="muted">Outcome: ${i.outcome}</p>` : ''}${followUp(i, opts)}</div>`,
  )}`
}

function followUp(i: Interaction, opts: { csrf: string; back: string; today: string }): SafeHtml | '' {
  if (!i.follow_up_on) return ''
  if (i.follow_up_done_at) return html`<p class="muted">Followed up (was due ${i.follow_up_on}).</p>`
  const late = i.follow_up_on <= opts.today
  return html`<p class="${late ? 'warn' : 'muted'}">Follow up ${late ? 'due' : 'on'} ${i.follow_up_on}.</p>${form(
    `/interactions/${i.id}/done`,
    opts.csrf,
    html`<input type="hidden" name="back" value="${opts.back}"><button class="small">Follow-up done</button>`,
  )}`
}
