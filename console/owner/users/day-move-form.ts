import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { form, html, type SafeHtml } from '../../html.js'
import { selectField, textArea, textField, type FieldErrors } from '../../form-kit.js'

/** The fields of the day-move form, as the action's input names them. */
export const DAY_MOVE_FIELDS = ['date', 'to_date', 'to_technician', 'message'] as const

/**
 * "Move a day's visits" on a team member's card, for a sick day: the day, the day they go to and/or who does them
 * instead, and a few words for the customers' emails. Posts to /team/<id>/day.
 */
export function dayMoveForm(opts: {
  member: { id: string; name: string; email: string }
  team: ReadonlyArray<{ id: string; name: string; email: string }>
  session: SessionPrincipal
  values: Record<string, string>
  problems: FieldErrors
}): SafeHtml {
  const { member, values: v, problems } = opts
  const who = member.name || member.email
  const others: Array<readonly [string, string]> = [
    ['', `${who} (no change)`],
    ...opts.team.filter((m) => m.id !== member.id).map((m) => [m.id, m.name || m.email] as const),
  ]
  return html`<details${problems.size ? html` open` : ''}><summary>Move a day's visits</summary>${form(
    `/team/${member.id}/day`,
    opts.session.csrfToken,
    html`<p class="note">For a sick day: every visit of ${who} that day that has not started moves at once. Leave the new day empty to hand the day to someone else. Each customer whose visit changes day gets an email saying it moved, with links to confirm.</p>
<div class="row">${textField('date', 'Day', v.date ?? '', problems, html` type="date" required`)}
${textField('to_date', 'New day', v.to_date ?? '', problems, html` type="date"`)}</div>
${selectField('to_technician', 'Who does them', v.to_technician ?? '', others, problems)}
${textArea('message', 'A few words for the customers (optional)', v.message ?? '', problems, 2)}
<button class="alt">Move ${who}'s visits</button>`,
  )}</details>`
}
