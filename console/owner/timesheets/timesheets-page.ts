import { Router } from 'express'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { clockTime, dayWords } from '../../../core/text/date-words.js'
import { type TimesheetRow, timesheetsQuery } from '../../../core/domains/timesheets/queries.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { addDays, localDate, mondayOf, weekdayName } from '../../../core/vocabulary/time.js'
import { businessFormat } from '../../form-kit.js'
import { html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** Minutes as "7 h 05 min". */
function hours(minutes: number): string {
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/** Timesheets: each technician's clocked time by day or week, a week at a time, with its CSV. */
export function timesheetsPages(services: Services): Router {
  const router = Router()
  router.get(
    '/timesheets',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const caller = callerOf(services, session, res)
      const { timezone } = await businessFormat(caller)
      const today = localDate(services.now(), timezone)
      const asked = typeof req.query.week === 'string' && /^\d{4}-\d\d-\d\d$/.test(req.query.week) ? req.query.week : today
      const from = mondayOf(asked)
      const to = addDays(from, 6)
      const by: 'day' | 'week' = req.query.by === 'week' ? 'week' : 'day'
      const who = typeof req.query.technician === 'string' && req.query.technician ? req.query.technician : ''
      onError((err) =>
        sendOwnerPage(res, 'Timesheets', html`<p><a href="/timesheets">This week</a></p>`, { status: err.status, error: err.message }),
      )
      const team = (await callQuery(caller, usersQuery, { params: { active: 'true' }, limit: 100 })).items
      const filters = { from, to, by, ...(who ? { technician_id: who } : {}) }
      const rows = (await callQuery(caller, timesheetsQuery, { params: filters, limit: 100 })).items
      const link = (week: string) => `/timesheets?${new URLSearchParams({ week, by, ...(who ? { technician: who } : {}) })}`
      const pager = html`<nav class="pager" aria-label="Weeks"><a href="${link(addDays(from, -7))}">← Week before</a><a href="${link(today)}">This week</a><a href="${link(addDays(from, 7))}">Week after →</a></nav>`
      const choose = html`<form method="get" action="/timesheets"><input type="hidden" name="week" value="${from}"><div class="row"><label>Who<select name="technician"><option value="">Everyone</option>${team.map(
        (u) => html`<option value="${u.id}"${u.id === who ? html` selected` : ''}>${u.name}</option>`,
      )}</select></label><label>By<select name="by"><option value="day"${by === 'day' ? html` selected` : ''}>Day</option><option value="week"${
        by === 'week' ? html` selected` : ''
      }>Week</option></select></label></div><button class="second">Show</button></form>`
      const csv = `/api/export?${new URLSearchParams({ type: 'timesheets', ...filters })}`
      sendOwnerPage(
        res,
        'Timesheets',
        html`${pager}<p class="muted">${dayWords(from)} to ${dayWords(to)}</p>${choose}${
          rows.length ? rows.map((r) => card(r, by, timezone)) : html`<p class="note">Nobody clocked in on a visit this week.</p>`
        }<p><a href="${csv}" download>Download these hours (CSV)</a></p>
<p class="note">From the clock-ins and clock-outs on visits. "On visits" adds each visit's time; "first in to last out" each day's span, driving between visits included. A visit still clocked in counts once it is clocked out.</p>`,
      )
    }),
  )
  return router
}

/** One technician's day or week. */
function card(r: TimesheetRow, by: string, timezone: string): SafeHtml {
  const when = by === 'week' ? `Week of ${dayWords(r.period_start)}` : `${weekdayName(r.period_start)}, ${dayWords(r.period_start)}`
  const span =
    by === 'day' && r.first_clock_in && r.last_clock_out
      ? ` · ${clockTime(new Date(r.first_clock_in), timezone)}–${clockTime(new Date(r.last_clock_out), timezone)}`
      : ''
  return html`<div class="card"><b>${r.technician_name}</b> · ${when}<div class="muted">${String(r.visits)} visit${r.visits === 1 ? '' : 's'}${
    by === 'week' ? ` on ${r.days_worked} day${r.days_worked === 1 ? '' : 's'}` : ''
  }${span}</div><p>${hours(r.minutes_on_visits)} on visits · ${hours(r.minutes_first_in_to_last_out)} first in to last out${
    r.still_clocked_in ? html` · <span class="err">${String(r.still_clocked_in)} still clocked in</span>` : ''
  }</p></div>`
}
