import { Router } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { businessQuery } from '../../../core/domains/settings/queries.js'
import { ticketsQuery } from '../../../core/domains/tickets/queries.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { notFound, validationError } from '../../../core/kernel/errors.js'
import { addDays, addMonths, localDate } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { dayName, mondayOf, monthGrid, monthTitle, pagerLinks, ticketRow, weekList, type ScheduledTicket } from '../../schedule-views.js'
import { scheduleRequestOf, type ScheduleView } from '../../technician/today.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'
import { isUuid } from '../../../core/kernel/schema-types.js'

/** Whose tickets the calendar shows: everyone's (''), those without a technician, or one person's (their id). */
type Whose = '' | 'unassigned' | string

/** What the calendar shows: a view, the date it is around, and whose tickets. */
interface CalendarAsk {
  view: ScheduleView
  date: string
  whose: Whose
}

/** The owner's calendar at /schedule: a day, a week or a month of everyone's tickets, or one technician's, or the unassigned. */
export function schedulePages(services: Services): Router {
  const router = Router()
  // A technician's own schedule, with the same views, is Today.
  router.get(
    '/schedule',
    (_req, res, next) => {
      const signedIn = stateOf(res).session
      if (signedIn?.actor.type === 'user' && signedIn.actor.role === 'technician') return res.redirect(303, '/today')
      next()
    },
    ownerRoute(services, async ({ req, res, session, caller, onError }) => {
      const { timezone } = await callQuery(caller, businessQuery, { id: session.tenantId })
      const today = localDate(services.now(), timezone)
      onError((err) => {
        if (err.status >= 500) throw err
        sendOwnerPage(res, 'Calendar', html`<p><a href="/schedule">Show today</a></p>`, { status: err.status, error: err.message })
      })
      const asked = scheduleRequestOf(req.query)
      const ask: CalendarAsk = { view: asked.view, date: asked.date ?? today, whose: whoseOf(req.query.technician) }
      const team = (await callQuery(caller, usersQuery, { limit: 100 })).items
      if (isUuid(ask.whose) && !team.some((u) => u.id === ask.whose)) throw notFound('team member', ask.whose)
      const body = html`${filterForm(ask, team)}${viewLinks(ask)}${await viewOf(caller, ask, today, timezone)}`
      sendOwnerPage(res, titleOf(ask, today), body)
    }),
  )
  return router
}

/** The technician filter of a query string: empty for everyone, "unassigned", or a person's id. */
function whoseOf(value: unknown): Whose {
  if (value === undefined || value === '') return ''
  if (value === 'unassigned' || (typeof value === 'string' && isUuid(value))) return value
  throw validationError([{ field: 'technician', message: 'expected a team member from the list, or unassigned' }])
}

/** The calendar's address for a view, date and technician filter; defaults are left out. */
function calendarHref(ask: CalendarAsk, change: Partial<CalendarAsk> = {}): string {
  const a = { ...ask, ...change }
  const q = new URLSearchParams()
  if (a.view !== 'day') q.set('view', a.view)
  q.set('date', a.date)
  if (a.whose) q.set('technician', a.whose)
  return `/schedule?${q}`
}

function titleOf(ask: CalendarAsk, today: string): string {
  if (ask.view === 'month') return monthTitle(`${ask.date.slice(0, 7)}-01`)
  if (ask.view === 'week') return `Week of ${dayName(mondayOf(ask.date))} ${mondayOf(ask.date)}`
  return `${ask.date === today ? 'Today, ' : ''}${dayName(ask.date)} ${ask.date}`
}

/** A GET form: view, date and technician, so any day can be reached without JavaScript. */
function filterForm(ask: CalendarAsk, team: Array<{ id: string; name: string }>): SafeHtml {
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`
  return html`<form method="get" action="/schedule" class="cal">
<label>View<select name="view">${(['day', 'week', 'month'] as const).map((v) => option(v, v[0].toUpperCase() + v.slice(1), ask.view))}</select></label>
<label>Date<input type="date" name="date" value="${ask.date}" required></label>
<label>Technician<select name="technician">${option('', 'Everyone', ask.whose)}${option('unassigned', 'Unassigned', ask.whose)}${team.map(
    (u) => option(u.id, u.name, ask.whose),
  )}</select></label><button>Show</button></form>`
}

/** Day, Week and Month links around the same date, the current one marked. */
function viewLinks(ask: CalendarAsk): SafeHtml {
  const views: ScheduleView[] = ['day', 'week', 'month']
  return html`<nav class="pager" aria-label="Views">${views.map((v) =>
    v === ask.view
      ? html`<strong aria-current="page">${v[0].toUpperCase()}${v.slice(1)}</strong>`
      : html`<a href="${calendarHref(ask, { view: v })}">${v[0].toUpperCase()}${v.slice(1)}</a>`,
  )}</nav>`
}

/** The tickets of a range of days (inclusive), filtered by technician. */
async function ticketsOf(caller: Caller, ask: CalendarAsk, from: string, to: string, include: string[]): Promise<ScheduledTicket[]> {
  const whose = ask.whose === 'unassigned' ? { unassigned: 'true' as const } : ask.whose ? { technician_id: ask.whose } : {}
  return await callQueryAll(caller, ticketsQuery, { params: { from, to, ...whose }, include })
}

/** The chosen view's pager and tickets. */
async function viewOf(caller: Caller, ask: CalendarAsk, today: string, tz: string): Promise<SafeHtml> {
  const dayHref = (date: string) => calendarHref(ask, { view: 'day', date })
  if (ask.view === 'month') {
    const first = `${ask.date.slice(0, 7)}-01`
    const tickets = await ticketsOf(caller, ask, first, addDays(addMonths(first, 1), -1), [])
    const pager = pagerLinks(
      [calendarHref(ask, { date: addMonths(first, -1) }), '← Previous month'],
      [calendarHref(ask, { date: today }), 'This month'],
      [calendarHref(ask, { date: addMonths(first, 1) }), 'Next month →'],
    )
    return html`${pager}${monthGrid(tickets, first, today, tz, dayHref)}`
  }
  if (ask.view === 'week') {
    const monday = mondayOf(ask.date)
    const tickets = await ticketsOf(caller, ask, monday, addDays(monday, 6), ['technicians', 'address'])
    const pager = pagerLinks(
      [calendarHref(ask, { date: addDays(monday, -7) }), '← Previous week'],
      [calendarHref(ask, { date: today }), 'This week'],
      [calendarHref(ask, { date: addDays(monday, 7) }), 'Next week →'],
    )
    return html`${pager}${weekList(tickets, monday, today, tz, dayHref)}`
  }
  const tickets = await ticketsOf(caller, ask, ask.date, ask.date, ['technicians', 'address'])
  const pager = pagerLinks(
    [calendarHref(ask, { date: addDays(ask.date, -1) }), `← ${dayName(addDays(ask.date, -1))}`],
    [calendarHref(ask, { date: today }), 'Today'],
    [calendarHref(ask, { date: addDays(ask.date, 1) }), `${dayName(addDays(ask.date, 1))} →`],
  )
  const routes = html`<p><a href="/routes?date=${ask.date}">This day's routes, in driving order</a></p>`
  return html`${pager}${tickets.length ? html`<table>${tickets.map((t) => ticketRow(t, tz))}</table>${routes}` : html`<p class="muted">Nothing booked on this day.</p>`}`
}
