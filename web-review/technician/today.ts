import type { Router } from 'express'
import type { Services } from '../../core/context.js'
import { validationError } from '../../core/errors.js'
import { callQuery } from '../../core/call-query.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { isoDate } from '../../core/schema-types.js'
import { addDays, addMonths, localDate, localTime, weekdayOf } from '../../core/time.js'
import { html, trustedHtml, type SafeHtml } from '../html.js'
import { businessOf, callerOf, pageRoute, postForm, sendWorkPage, type PageCall, type TicketView } from './context.js'
import { closeoutHref } from './closeout/state.js'
import { keepOffline } from './offline/copy.js'
import { OFFLINE_PAGE_SCRIPT } from './offline/page-script.js'

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

/**
 * GET /today: a day's tickets (today unless ?date=YYYY-MM-DD), with the current one on top as a one-tap action on today;
 * ?view=week shows the Monday-to-Sunday week holding the date, ?view=month the month as a grid of days with their counts.
 */
export function mountToday(router: Router, services: Services): void {
  router.get('/today', pageRoute(services, async (call) => {
    const closed = typeof call.req.query.closed === 'string' && /^\d{1,9}$/.test(call.req.query.closed) ? Number(call.req.query.closed) : undefined
    await showSchedule(call, { ...scheduleRequestOf(call.req.query), closed })
  }))
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
    const title = new Date(`${first}T12:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' })
    const pager = pagerLinks([`/today?view=month&date=${addMonths(first, -1)}`, '← Previous month'], ['/today?view=month', 'This month'],
      [`/today?view=month&date=${addMonths(first, 1)}`, 'Next month →'])
    sendWorkPage(call, { title, body: html`${pager}${monthGrid(tickets, first, today, timezone)}${feedLink}`, ok: flash })
    return
  }
  if (ask.view === 'week') {
    const monday = addDays(date, -weekIndex(date))
    const tickets = await ticketsOf(call, { from: monday, to: addDays(monday, 6) })
    const pager = pagerLinks([`/today?view=week&date=${addDays(monday, -7)}`, '← Previous week'], ['/today?view=week', 'This week'],
      [`/today?view=week&date=${addDays(monday, 7)}`, 'Next week →'])
    const title = `Week of ${dayName(monday)} ${monday}`
    sendWorkPage(call, { title, body: html`${pager}${weekList(tickets, monday, today, timezone)}${monthLink(date)}${feedLink}`, ok: flash })
    return
  }
  const tickets = await ticketsOf(call, date === today ? { today: 'true' } : { date })
  const current = date === today ? currentTicket(tickets, now) : undefined
  const pager = pagerLinks([`/today?date=${addDays(date, -1)}`, `← ${dayName(addDays(date, -1))}`], ['/today', 'Today'],
    [`/today?date=${addDays(date, 1)}`, `${dayName(addDays(date, 1))} →`])
  const body = html`${pager}${current ? await quickAction(call, current, timezone) : ''}${dayList(tickets, timezone, current, date === today)}
<p class="muted"><a href="/today?view=week&amp;date=${date}">This week</a> · <a href="/today?view=month&amp;date=${date}">This month</a></p>${feedLink}`
  keepOffline(call, timezone, { url: `/today?date=${date}`, date, dayPage: true, along: [...(date === today ? [`/today?date=${addDays(today, 1)}`] : []),
    ...tickets.filter((t) => ACTIVE.includes(t.status)).map((t) => `/tickets/${t.id}`)] })
  sendWorkPage(call, { title: date === today ? `Today, ${dayName(today)} ${today}` : `${dayName(date)} ${date}`, body, ok: flash, script: PAGE_SCRIPT })
}

/** Weekdays from Monday, the first day of a week here. */
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

/** A date's place in its week: 0 for Monday to 6 for Sunday. */
function weekIndex(date: string): number {
  return WEEK.indexOf(weekdayOf(date))
}

/** The signed-in technician's tickets (an owner's: everyone's) for today or a range of days. */
async function ticketsOf(call: PageCall, range: { today?: 'true'; date?: string; from?: string; to?: string }, most = 500): Promise<Ticket[]> {
  const actor = call.session.actor
  const mine = actor.type === 'user' && actor.role === 'technician' ? { technician_id: actor.id } : {}
  const out: Ticket[] = []
  let cursor: string | undefined
  do {
    const page = await callQuery(callerOf(call), ticketsQuery, { params: { ...range, ...mine }, include: ['technicians', 'address'], limit: 100, cursor })
    out.push(...page.items)
    cursor = page.next_cursor ?? undefined
  } while (cursor && out.length < most)
  return out
}

/** The ticket to act on now: one in progress, else one whose time is now, else the next one still to come. */
export function currentTicket(tickets: Ticket[], now: Date): Ticket | undefined {
  const active = tickets.filter((t) => ACTIVE.includes(t.status))
  return active.find((t) => t.status === 'in_progress')
    ?? active.find((t) => new Date(t.scheduled_start) <= now && new Date(t.scheduled_end) > now)
    ?? active.find((t) => new Date(t.scheduled_start) > now)
}

/** The big button for the current ticket: clock in when not yet started, else close out. */
async function quickAction(call: PageCall, t: Ticket, tz: string): Promise<SafeHtml> {
  const actor = call.session.actor
  const me = t.technicians?.find((x) => actor.type === 'user' && x.user_id === actor.id)
  const head = html`<strong>Now: #${t.number} ${t.contact_name}</strong><div class="muted">${localTime(new Date(t.scheduled_start), tz)}–${
    localTime(new Date(t.scheduled_end), tz)}${t.address ? ` · ${t.address.line1}` : ''}</div>`
  const action = me && !me.clock_in_at
    ? postForm(`/tickets/${t.id}/clock_in`, call.session, html`<button>Clock in</button>`, html` data-clock="${tz}"`)
    : html`<a class="btn" href="${await closeoutHref(call, t.id) ?? ''}">Close out #${t.number}</a>`
  return html`<div class="card now">${head}${action}<a href="/tickets/${t.id}">Details</a></div>`
}

/** Previous, back-to-now and next links above a schedule: [href, label] each. */
function pagerLinks(...links: Array<[string, string]>): SafeHtml {
  return html`<nav class="pager">${links.map(([href, label]) => html`<a href="${href}">${label}</a>`)}</nav>`
}

function monthLink(date: string): SafeHtml {
  return html`<p class="muted"><a href="/today?view=month&amp;date=${date}">This month</a></p>`
}

function row(t: Ticket, tz: string): SafeHtml {
  const closed = !ACTIVE.includes(t.status)
  return html`<tr${closed ? html` class="muted"` : ''}><td>${localTime(new Date(t.scheduled_start), tz)}</td>
<td><a href="/tickets/${t.id}">#${t.number} ${t.contact_name}</a>${t.address ? html`<div class="muted">${t.address.line1}${t.address.city ? `, ${t.address.city}` : ''}</div>` : ''}</td>
<td>${String(t.status).replace('_', ' ')}${techNames(t)}</td></tr>`
}

function techNames(t: Ticket): SafeHtml | '' {
  const names = (t.technicians ?? []).map((x) => x.name).filter(Boolean)
  return names.length ? html`<div class="muted">${names.join(', ')}</div>` : ''
}

function dayList(tickets: Ticket[], tz: string, current: Ticket | undefined, isToday: boolean): SafeHtml | '' {
  if (!tickets.length) return html`<p class="muted">No tickets ${isToday ? 'today' : 'on this day'}.</p>`
  const rest = tickets.filter((t) => t !== current)
  if (!rest.length) return ''
  return html`<h2>${current ? 'Also today' : 'Tickets'}</h2><table>${rest.map((t) => row(t, tz))}</table>`
}

function weekList(tickets: Ticket[], monday: string, today: string, tz: string): SafeHtml[] {
  return Array.from({ length: 7 }, (_, i) => {
    const day = addDays(monday, i)
    const onDay = tickets.filter((t) => localDate(new Date(t.scheduled_start), tz) === day)
    return html`<h2><a href="/today?date=${day}">${dayName(day)} ${day}</a>${day === today ? ' · today' : ''}</h2>${
      onDay.length ? html`<table>${onDay.map((t) => row(t, tz))}</table>` : html`<p class="muted">Nothing booked.</p>`}`
  })
}

/** The month as a grid from Monday: each day links to its page and shows how many tickets (not cancelled) it holds. */
function monthGrid(tickets: Ticket[], first: string, today: string, tz: string): SafeHtml {
  const counts = new Map<string, number>()
  for (const t of tickets) {
    if (t.status === 'cancelled') continue
    const day = localDate(new Date(t.scheduled_start), tz)
    counts.set(day, (counts.get(day) ?? 0) + 1)
  }
  const month = first.slice(0, 7)
  let day = addDays(first, -weekIndex(first))
  const weeks: SafeHtml[][] = []
  while (day.slice(0, 7) <= month || weekIndex(day) !== 0) {
    if (weekIndex(day) === 0) weeks.push([])
    const n = counts.get(day) ?? 0
    const label = `${dayName(day)} ${day}: ${n ? `${n} ticket${n === 1 ? '' : 's'}` : 'nothing booked'}`
    weeks[weeks.length - 1].push(day.slice(0, 7) !== month ? html`<td></td>`
      : html`<td${day === today ? html` class="today"` : ''}><a href="/today?date=${day}" aria-label="${label}">${Number(day.slice(8))}</a><small>${n ? n : html`&nbsp;`}</small></td>`)
    day = addDays(day, 1)
  }
  const head = WEEK.map((d) => html`<th>${d[0].toUpperCase()}${d.slice(1, 2)}</th>`)
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  return html`<table class="month"><tr>${head}</tr>${weeks.map((w) => html`<tr>${w}</tr>`)}</table><p class="muted">${total} ticket${total === 1 ? '' : 's'} this month; the number under a day is its tickets.</p>`
}

function dayName(date: string): string {
  const d = weekdayOf(date)
  return d[0].toUpperCase() + d.slice(1)
}
