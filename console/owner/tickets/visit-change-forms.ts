import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { localDate, localTime } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { postForm, type TicketView } from '../../technician/context.js'
import { fieldError, textArea, textField, type FieldErrors } from '../../form-kit.js'

/** What the owner typed into one of the forms, kept when the change was refused so nothing has to be typed again. */
export interface VisitChangeValues {
  move_date?: string
  move_time?: string
  move_minutes?: string
  technician?: string[]
  reason?: string
  note?: string
}

/** The change forms' state after a refusal: the problems by field, and the values as sent. */
export interface VisitChangeState {
  problems: FieldErrors
  values: VisitChangeValues
}

/** A team member who can be put on a visit. */
export interface TeamMember {
  id: string
  name: string
}

/** The statuses in which a visit can still be changed. */
export const CHANGEABLE = ['scheduled', 'confirmed', 'in_progress']

/** "Change this visit": move, technicians, no-show and cancel, each its own POST form to /tickets/<id>/<change>. */
export function visitChangeSection(opts: {
  ticket: TicketView
  timeZone: string
  now: Date
  session: SessionPrincipal
  team: TeamMember[]
  state?: VisitChangeState
}): SafeHtml {
  const { ticket: t, timeZone: tz, session } = opts
  const problems = opts.state?.problems ?? new Map()
  const v = opts.state?.values ?? {}
  const start = new Date(t.scheduled_start)
  const minutes = Math.round((new Date(t.scheduled_end).getTime() - start.getTime()) / 60_000)
  const base = `/tickets/${t.id}`
  const assigned = v.technician ?? (t.technicians ?? []).map((x) => x.user_id)
  const started = start <= opts.now
  return html`<section><h2>Change this visit</h2>
${postForm(
  `${base}/move`,
  session,
  html`<h3>Move</h3><div class="row">${textField('move_date', 'Date', v.move_date ?? localDate(start, tz), problems, html` type="date" required`)}
${textField('move_time', 'Time', v.move_time ?? localTime(start, tz), problems, html` type="time" required`)}</div>
${textField('move_minutes', 'Length in minutes', v.move_minutes ?? String(minutes), problems, html` type="number" min="5" max="1440" step="5" inputmode="numeric" required`)}
<button>Move the visit</button>`,
)}
${postForm(
  `${base}/technicians`,
  session,
  html`<fieldset><legend>Technicians</legend>${
    opts.team.length ? opts.team.map((u) => technicianBox(u, assigned.includes(u.id))) : html`<p class="muted">Nobody on the team yet.</p>`
  }</fieldset>${fieldError(problems, 'technician')}<button class="alt">Save technicians</button>`,
)}
${
  started
    ? postForm(
        `${base}/no_show`,
        session,
        html`<h3>No-show</h3>${textField('note', 'Note (optional)', v.note ?? '', problems)}<button class="alt">Customer was not there</button>`,
      )
    : html`<p class="muted">A no-show can be recorded once the visit's start time has passed.</p>`
}
${postForm(`${base}/cancel`, session, html`<h3>Cancel</h3>${textArea('reason', 'Why is it cancelled?', v.reason ?? '', problems, 2)}<button class="deny">Cancel the visit…</button>`)}
</section>`
}

/** The confirm step of cancelling: the reason as typed, sent again with confirm=yes, or back to the visit. */
export function cancelConfirmForm(ticket: TicketView, when: string, reason: string, session: SessionPrincipal): SafeHtml {
  return html`<p>Cancel visit #${ticket.number} on ${when}? The customer's pending appointment emails are cancelled too; a cancelled visit cannot be reopened.</p>
<p><b>Reason:</b> ${reason}</p>
${postForm(
  `/tickets/${ticket.id}/cancel`,
  session,
  html`<input type="hidden" name="reason" value="${reason}"><input type="hidden" name="confirm" value="yes">
<button class="deny">Yes, cancel the visit</button>`,
)}
<p><a href="${`/tickets/${ticket.id}`}">No, keep the visit</a></p>`
}

function technicianBox(u: TeamMember, checked: boolean): SafeHtml {
  return html`<label class="c"><input type="checkbox" name="technician" value="${u.id}"${checked ? html` checked` : ''}>${u.name}</label>`
}
