import type { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { validationError } from '../../core/kernel/errors.js'
import { callQuery } from '../../core/kernel/call-query.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { isoDate } from '../../core/kernel/schema-types.js'
import { addDays, addMonths, localDate, localTime } from '../../core/vocabulary/time.js'
import { html, trustedHtml, type SafeHtml } from '../html.js'
import { dayName, mondayOf, monthGrid, monthTitle, pagerLinks, ticketRow, weekList } from '../schedule-views.js'
import { businessOf, callerOf, pageRoute, postForm, sendWorkPage, type PageCall, type TicketView } from './context.js'
import { closeoutHref } from './closeout/state.js'
import { keepOffline } from './offline/copy.js'
import { OFFLINE_PAGE_SCRIPT } from './offline/page-script.js'
import { type DayRoute, inRouteOrder, routeOf } from './day-route.js'

type Ticket = TicketView
const ACTIVE = ['scheduled', 'confirmed', 'in_progress']
const PAGE_SCRIPT = trustedHtml(OFFLINE_PAGE_SCRIPT)

/** The three ways to look at the schedule. */
export type ScheduleView = 'day' | 'week' | 'month'

/** What a schedule page shows: a view around a date (today when none is given), and a just-closed ticket's number. */
export interface ScheduleRequest {
  view: ScheduleView
  date?: string
  closed?: number
}

const dateParam = isoDate()

/** A technician's day page. */
const dayPage = (date: string): string => `/today?date=${date}`

/**
 * GET /today: a day's tickets (today unless ?date=YYYY-MM-DD), with the current one on top as a one-tap action on today;
 * ?view=week shows the Monday-to-Sunday week holding the date, ?view=month the month as a grid of days with their counts.
 */
export function mountToday(router: Router, services: Services): void {
  router.get(
    '/today',
    pageRoute(services, async (call) => {
      const closed =
        typeof call.req.query.closed === 'string' && /^\d{1,9}$/.test(call.req.query.closed) ? Number(call.req.query.closed) : undefined
      await showSchedule(call, { ...scheduleRequestOf(call.req.query), closed })
    }),
  )
}

/** The view and date asked for in a query string; a bad one is a VALIDATION_ERROR naming the parameter (a 400 page). */
export function scheduleRequestOf(query: Record<string, unknown>): ScheduleRequest {
  const view = query.view ?? 'day'
  if (view !== 'day' && view !== 'week' && view !== 'month') {
    throw validationError([{ field: 'view', message: 'expected day, week or month' }])
  }
  if (query.date === undefined || query.date === '') return { view }
  const date = dateParam.safeParse(query.date)
  if (!date.success) throw validationError([{ field: 'date', message: `${date.error.issues[0].message}, such as 2026-11-05` }])
  return { view, date: date.data }
}

/** Sends the Today (or week) page; `closed` is the number of a ticket whose close-out just finished. */
export async function showToday(call: PageCall, week: boolean, closed?: number): Promise<void> {
  await showSchedule(call, { view: week ? 'week' : 'day', closed })
}

/** Sends the schedule page for a view around a date. */
export async function showSchedule(call: PageCall, ask: ScheduleRequest): Promise<void> {
  const { timezone } = await businessOf(call)
  const now = call.services.now()
  const today = localDate(now, timezone)
  const date = ask.date ?? today
  const flash = ask.closed === undefined ? undefined : `Ticket #${ask.closed} is closed out.`
  const feedLink = html`<p class="muted"><a href="/calendar">Put my jobs in my phone's calendar</a></p>`
  if (ask.view === 'month') {
    const first = `${date.slice(0, 7)}-01`
    const last = addDays(addMonths(first, 1), -1)
    const tickets = await ticketsOf(call, { from: first, to: last }, 3000)
    const title = monthTitle(first)
    const pager = pagerLinks(
      [`/today?view=month&date=${addMonths(first, -1)}`, '← Previous month'],
      ['/today?view=month', 'This month'],
      [`/today?view=month&date=${addMonths(first, 1)}`, 'Next month →'],
    )
    sendWorkPage(call, { title, body: html`${pager}${monthGrid(tickets, first, today, timezone, dayPage)}${feedLink}`, ok: flash })
    return
  }
  if (ask.view === 'week') {
    const monday = mondayOf(date)
    const tickets = await ticketsOf(call, { from: monday, to: addDays(monday, 6) })
    const pager = pagerLinks(
      [`/today?view=week&date=${addDays(monday, -7)}`, '← Previous week'],
      ['/today?view=week', 'This week'],
      [`/today?view=week&date=${addDays(monday, 7)}`, 'Next week →'],
    )
    const title = `Week of ${dayName(monday)} ${monday}`
    sendWorkPage(call, {
      title,
      body: html`${pager}${weekList(tickets, monday, today, timezone, dayPage)}${monthLink(date)}${feedLink}`,
      ok: flash,
    })
    return
  }
  const listed = await ticketsOf(call, date === today ? { today: 'true' } : { date })
  const route = await routeOf(call, date)
  const tickets = route ? inRouteOrder(listed, route.stops) : listed
  const current = date === today ? currentTicket(tickets, now) : undefined
  const pager = pagerLinks(
    [`/today?date=${addDays(date, -1)}`, `← ${dayName(addDays(date, -1))}`],
    ['/today', 'Today'],
    [`/today?date=${addDays(date, 1)}`, `${dayName(addDays(date, 1))} →`],
  )
  const body = html`${pager}${current ? await quickAction(call, current, timezone, route) : ''}${dayList(tickets, timezone, current, date === today, route)}
<p class="muted"><a href="/today?view=week&amp;date=${date}">This week</a> · <a href="/today?view=month&amp;date=${date}">This month</a></p>${feedLink}`
  keepOffline(call, timezone, {
    url: `/today?date=${date}`,
    date,
    dayPage: true,
    along: [
      ...(date === today ? [`/today?date=${addDays(today, 1)}`] : []),
      ...tickets.filter((t) => ACTIVE.includes(t.status)).map((t) => `/tickets/${t.id}`),
    ],
  })
  sendWorkPage(call, {
    title: date === today ? `Today, ${dayName(today)} ${today}` : `${dayName(date)} ${date}`,
    body,
    ok: flash,
    script: PAGE_SCRIPT,
  })
}

/** The signed-in technician's tickets (an owner's: everyone's) for today or a range of days. */
async function ticketsOf(
  call: PageCall,
  range: { today?: 'true'; date?: string; from?: string; to?: string },
  most = 500,
): Promise<Ticket[]> {
  const actor = call.session.actor
  const mine = actor.type === 'user' && actor.role === 'technician' ? { technician_id: actor.id } : {}
  const out: Ticket[] = []
  let cursor: string | undefined
  do {
    const page = await callQuery(callerOf(call), ticketsQuery, {
      params: { ...range, ...mine },
      include: ['technicians', 'address'],
      limit: 100,
      cursor,
    })
    out.push(...page.items)
    cursor = page.next_cursor ?? undefined
  } while (cursor && out.length < most)
  return out
}

/** The ticket to act on now: one in progress, else one whose time is now, else the next one still to come. */
export function currentTicket(tickets: Ticket[], now: Date): Ticket | undefined {
  const active = tickets.filter((t) => ACTIVE.includes(t.status))
  return (
    active.find((t) => t.status === 'in_progress') ??
    active.find((t) => new Date(t.scheduled_start) <= now && new Date(t.scheduled_end) > now) ??
    active.find((t) => new Date(t.scheduled_start) > now)
  )
}

/** The big button for the current ticket: clock in when not yet started, else close out. */
async function quickAction(call: PageCall, t: Ticket, tz: string, route: DayRoute | null): Promise<SafeHtml> {
  const actor = call.session.actor
  const me = t.technicians?.find((x) => actor.type === 'user' && x.user_id === actor.id)
  const head = html`<strong>Now: #${t.number} ${t.contact_name}</strong><div class="muted">${localTime(new Date(t.scheduled_start), tz)}–${localTime(
    new Date(t.scheduled_end),
    tz,
  )}${t.address ? ` · ${t.address.line1}` : ''}</div>`
  const action =
    me && !me.clock_in_at
      ? postForm(`/tickets/${t.id}/clock_in`, call.session, html`<button>Clock in</button>`, html` data-clock="${tz}"`)
      : html`<a class="btn" href="${(await closeoutHref(call, t.id)) ?? ''}">Close out #${t.number}</a>`
  const directions = route?.stops.get(t.id)?.directions_url
  return html`<div class="card now">${head}${action}<a href="/tickets/${t.id}">Details</a>${
    directions ? html` · <a href="${directions}" rel="noopener">Directions</a>` : ''
  }</div>`
}

function monthLink(date: string): SafeHtml {
  return html`<p class="muted"><a href="/today?view=month&amp;date=${date}">This month</a></p>`
}

function dayList(tickets: Ticket[], tz: string, current: Ticket | undefined, isToday: boolean, route: DayRoute | null): SafeHtml | '' {
  if (!tickets.length) return html`<p class="muted">No tickets ${isToday ? 'today' : 'on this day'}.</p>`
  const rest = tickets.filter((t) => t !== current)
  const whole = route?.url ? html`<p><a href="${route.url}" rel="noopener">Open the day's route in Maps</a></p>` : ''
  if (!rest.length) return whole
  const heading = route ? 'In route order' : current ? 'Also today' : 'Tickets'
  return html`<h2>${heading}</h2>${whole}<table>${rest.map((t) => ticketRow(t, tz, route?.stops.get(t.id)))}</table>`
}
