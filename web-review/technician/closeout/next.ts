import { addDays, localDate } from '../../../core/time.js'
import { esc } from '../../html.js'
import { fieldError, fieldValue, stepBar, stepForm, wholeNumber, type StepPage, type StepRender } from './shared.js'

/** Step 3: schedule the next visit now, no follow-up, or reach out in some months; nothing is preselected. */
export const nextStep: StepPage = {
  step: 'next',
  title: 'Next service',
  action: 'save_next',
  render({ call, view, timezone, posted }: StepRender) {
    const stored = view.next_service as Record<string, any> | null
    const kind = posted ? posted.kind : stored?.kind
    const [date, time] = stored?.kind === 'schedule' ? String(stored.scheduled_start).split('T') : ['', '']
    const tomorrow = addDays(localDate(call.services.now(), timezone), 1)
    const choice = (value: string, label: string, extra = '') => `<div class="card"><label class="c"><input type="radio" name="kind" value="${value}" required${kind === value ? ' checked' : ''}> ${label}</label>${extra}</div>`
    return stepBar(view, 'next') + stepForm(call.session, view.ticket_id, 'next', `
${choice('schedule', 'Schedule the next visit now', `<div class="row"><label>Date<input type="date" name="date" min="${tomorrow}" value="${esc(fieldValue(posted, 'date', date))}"></label>
<label>Time<input type="time" name="time" step="900" value="${esc(fieldValue(posted, 'time', (time ?? '').slice(0, 5)))}"></label></div>`)}
${choice('none', 'No follow-up')}
${choice('reach_out', 'Reach out later', `<label>In how many months?<input class="n" type="number" name="months" min="1" max="36" inputmode="numeric" value="${esc(fieldValue(posted, 'months', stored?.kind === 'reach_out' ? stored.months : ''))}"></label>`)}
<button>Save and continue</button>`)
  },
  data(posted) {
    if (posted.kind === 'none') return { next_service: { kind: 'none' } }
    if (posted.kind === 'reach_out') return { next_service: { kind: 'reach_out', months: wholeNumber(posted, 'months', 'Months until reaching out', 1, 36) } }
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
