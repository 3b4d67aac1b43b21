import { saveCloseoutNext } from '../../../core/domains/closeouts/actions.js'
import { addDays, localDate } from '../../../core/vocabulary/time.js'
import { wallClock } from '../../../core/domains/tickets/model.js'
import { html, type HtmlValue } from '../../html.js'
import { fieldError, fieldValue, stepBar, stepForm, wholeNumber, type StepPage, type StepRender } from './shared.js'

/**
 * Step 3: schedule the next visit now, no follow-up, or reach out in some months. Nothing is preselected, except for a
 * ticket of a recurring series: keeping the series (its next visit is already booked) is offered first and chosen.
 */
export const nextStep: StepPage = {
  step: 'next',
  title: 'Next service',
  action: saveCloseoutNext,
  render({ call, view, timezone, posted }: StepRender) {
    const stored = view.next_service as Record<string, any> | null
    const series = view.series as { status: string; next_visit: { scheduled_start: string | Date } | null } | null
    const keeps = series !== null && series.status !== 'ended'
    const kind = posted ? posted.kind : (stored?.kind ?? (keeps ? 'keep_series' : undefined))
    const [date, time] = stored?.kind === 'schedule' ? String(stored.scheduled_start).split('T') : ['', '']
    const tomorrow = addDays(localDate(call.services.now(), timezone), 1)
    const choice = (value: string, label: HtmlValue, extra: HtmlValue = '') =>
      html`<div class="card"><label class="c"><input type="radio" name="kind" value="${value}" required${kind === value ? html` checked` : ''}> ${label}</label>${extra}</div>`
    const nextVisit = series?.next_visit
      ? `next visit ${wallClock(new Date(series.next_visit.scheduled_start), timezone)}`
      : 'its next visit comes with the series'
    return html`${stepBar(view, 'next')}${stepForm(
      call.session,
      view.ticket_id,
      'next',
      html`
${keeps ? choice('keep_series', html`Keep the series <small>(${nextVisit})</small>`) : ''}
${choice(
  'schedule',
  'Schedule the next visit now',
  html`<div class="row"><label>Date<input type="date" name="date" min="${tomorrow}" value="${fieldValue(posted, 'date', date)}"></label>
<label>Time<input type="time" name="time" step="900" value="${fieldValue(posted, 'time', (time ?? '').slice(0, 5))}"></label></div>`,
)}
${choice('none', 'No follow-up')}
${choice('reach_out', 'Reach out later', html`<label>In how many months?<input class="n" type="number" name="months" min="1" max="36" inputmode="numeric" value="${fieldValue(posted, 'months', stored?.kind === 'reach_out' ? stored.months : '')}"></label>`)}
<button>Save and continue</button>`,
    )}`
  },
  data(posted) {
    if (posted.kind === 'none') return { next_service: { kind: 'none' } }
    if (posted.kind === 'keep_series') return { next_service: { kind: 'keep_series' } }
    if (posted.kind === 'reach_out')
      return { next_service: { kind: 'reach_out', months: wholeNumber(posted, 'months', 'Months until reaching out', 1, 36) } }
    if (posted.kind === 'schedule') {
      const date = (posted.date ?? '').trim()
      const time = (posted.time ?? '').trim()
      if (!/^\d{4}-\d\d-\d\d$/.test(date)) throw fieldError('date', 'Next visit: choose a date')
      if (!/^\d\d:\d\d$/.test(time)) throw fieldError('time', 'Next visit: choose a time')
      return { next_service: { kind: 'schedule', scheduled_start: `${date}T${time}` } }
    }
    throw fieldError('kind', 'Choose what happens next: schedule a visit, no follow-up, or reach out later')
  },
}
