import type { z } from 'zod'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { type CHANGE_REQUEST_RECORD, googleChangeRequestsQuery } from '../../../core/domains/google/calendar-in/requests-query.js'
import { form, html, type SafeHtml } from '../../html.js'
import type { GoogleSectionView } from './google-section.js'
import { GOOGLE_PAGE } from './google-views.js'

/** A change request as google_change_requests reads it. */
export type ChangeRequest = z.output<typeof CHANGE_REQUEST_RECORD>

/** Where a request's Accept and Decline post. */
export const CHANGE_ANSWER = `${GOOGLE_PAGE}/calendar/changes/:id/:answer`

/** The path a request's answer posts to. */
export function answerPath(id: string, answer: 'accept' | 'decline'): string {
  return `${GOOGLE_PAGE}/calendar/changes/${id}/${answer}`
}

/** Open requests listed on the page; the rest are counted. */
const LISTED = 50

/** The visits moved or deleted in a technician's Google calendar waiting for the owner's answer, or nothing when none wait. */
export async function changeRequestsPart(view: GoogleSectionView): Promise<SafeHtml | ''> {
  const open = await callQuery(view.call.caller, googleChangeRequestsQuery, { params: { status: 'open' }, limit: LISTED })
  if (!open.items.length) return ''
  const csrf = view.call.session.csrfToken
  return html`<h3>Changes made in Google to answer</h3>
<p class="note">Accept moves the visit to Google's time (the customer is asked to confirm again) or cancels it when it was
deleted; Decline keeps the visit as booked and puts it back in that Google calendar within a minute.</p>${open.items.map((r) =>
    requestCard(r, csrf, view.timezone),
  )}${open.next_cursor ? html`<p class="muted">More are waiting: answer these first.</p>` : ''}`
}

/** One request: the visit, was and proposed, who changed it, and its two buttons. */
function requestCard(r: ChangeRequest, csrf: string, tz: string): SafeHtml {
  const visit = html`<a href="/tickets/${r.ticket_id}">Visit #${r.ticket_number}</a>${r.customer_name ? html`, ${r.customer_name}` : ''}`
  const change =
    r.kind === 'reschedule' && r.proposed_start
      ? html`moved from ${formatInstant(r.was_start, tz)} to <b>${formatInstant(r.proposed_start, tz)}</b>`
      : html`booked ${formatInstant(r.was_start, tz)}, <b>deleted</b>`
  return html`<div class="card"><p class="wrap">${visit}: ${change} in ${r.technician_name}'s Google calendar.</p>
${form(answerPath(r.id, 'accept'), csrf, html`<button>Accept</button>`)}${form(
  answerPath(r.id, 'decline'),
  csrf,
  html`<label>Note (optional)<input name="note" maxlength="500"></label><button class="second">Decline</button>`,
)}</div>`
}
