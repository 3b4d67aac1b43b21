import type { z } from 'zod'
import type { ticketsQuery } from '../core/domains/tickets/queries.js'
import { addDays, localDate, localTime, weekdayOf } from '../core/vocabulary/time.js'
import { html, type SafeHtml } from './html.js'

/** A ticket as the schedule views show it: read with the technicians and address expansions. */
export type ScheduledTicket = z.output<typeof ticketsQuery.record>

/** Where a day of a schedule view links to, e.g. that day's list. */
export type DayHref = (date: string) => string

/** Statuses of work still to do; the others are shown muted. */
const ACTIVE = ['scheduled', 'confirmed', 'in_progress']

/** Weekdays from Monday, the first day of a week here. */
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

/** A date's place in its week: 0 for Monday to 6 for Sunday. */
export function weekIndex(date: string): number {
  return WEEK.indexOf(weekdayOf(date) as (typeof WEEK)[number])
}

/** The Monday of the week holding a date. */
export function mondayOf(date: string): string {
  return addDays(date, -weekIndex(date))
}

/** A date's weekday as a short capitalised name, e.g. "Thu". */
export function dayName(date: string): string {
  const d = weekdayOf(date)
  return d[0].toUpperCase() + d.slice(1)
}

/** A month's name and year, e.g. "November 2026", for the YYYY-MM-01 date of its first day. */
export function monthTitle(first: string): string {
  return new Date(`${first}T12:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' })
}

/** Previous, back-to-now and next links above a schedule: [href, label] each. */
export function pagerLinks(...links: Array<[string, string]>): SafeHtml {
  return html`<nav class="pager" aria-label="Dates">${links.map(([href, label]) => html`<a href="${href}">${label}</a>`)}</nav>`
}

/** What a route says of a visit on a technician's day: whether it is anytime, and the directions link to it. */
export interface RouteStopView {
  anytime: boolean
  directions_url: string
}

/** One ticket as a table row (with a route's stop: "Anytime" for its time, and a directions link): local start time; number, customer and street with town, linking to the ticket; status and technicians. */
export function ticketRow(t: ScheduledTicket, tz: string, stop?: RouteStopView): SafeHtml {
  const closed = !ACTIVE.includes(t.status)
  const time = localTime(new Date(t.scheduled_start), tz)
  return html`<tr${closed ? html` class="muted"` : ''}><td>${stop?.anytime ? html`Anytime<div class="muted">booked ${time}</div>` : time}</td>
<td><a href="/tickets/${t.id}">#${t.number} ${t.contact_name}</a>${t.address ? html`<div class="muted">${t.address.line1}${t.address.city ? `, ${t.address.city}` : ''}</div>` : ''}${
    stop ? html`<a href="${stop.directions_url}" rel="noopener" aria-label="Directions to #${t.number}">Directions</a>` : ''
  }</td>
<td>${String(t.status).replace('_', ' ')}${techNames(t)}</td></tr>`
}

function techNames(t: ScheduledTicket): SafeHtml | '' {
  const names = (t.technicians ?? []).map((x) => x.name).filter(Boolean)
  return names.length ? html`<div class="muted">${names.join(', ')}</div>` : ''
}

/** The seven days from a Monday, each a heading linking to its day and the tickets starting on it. */
export function weekList(tickets: ScheduledTicket[], monday: string, today: string, tz: string, dayHref: DayHref): SafeHtml[] {
  return Array.from({ length: 7 }, (_, i) => {
    const day = addDays(monday, i)
    const onDay = tickets.filter((t) => localDate(new Date(t.scheduled_start), tz) === day)
    return html`<h2><a href="${dayHref(day)}">${dayName(day)} ${day}</a>${day === today ? ' · today' : ''}</h2>${
      onDay.length ? html`<table>${onDay.map((t) => ticketRow(t, tz))}</table>` : html`<p class="muted">Nothing booked.</p>`
    }`
  })
}

/** The month as a grid from Monday: each day links to its page and shows how many tickets (not cancelled) it holds. */
export function monthGrid(tickets: ScheduledTicket[], first: string, today: string, tz: string, dayHref: DayHref): SafeHtml {
  const counts = new Map<string, number>()
  for (const t of tickets) {
    if (t.status === 'cancelled') continue
    const day = localDate(new Date(t.scheduled_start), tz)
    counts.set(day, (counts.get(day) ?? 0) + 1)
  }
  const month = first.slice(0, 7)
  let day = mondayOf(first)
  const weeks: SafeHtml[][] = []
  while (day.slice(0, 7) <= month || weekIndex(day) !== 0) {
    if (weekIndex(day) === 0) weeks.push([])
    const n = counts.get(day) ?? 0
    // The label starts with the day's number, the link's visible text, so speech input can name it.
    const label = `${Number(day.slice(8))}, ${dayName(day)} ${day}: ${n ? `${n} ticket${n === 1 ? '' : 's'}` : 'nothing booked'}`
    weeks[weeks.length - 1].push(
      day.slice(0, 7) !== month
        ? html`<td></td>`
        : html`<td${day === today ? html` class="today"` : ''}><a href="${dayHref(day)}" aria-label="${label}">${Number(day.slice(8))}</a><small>${n ? n : html`&nbsp;`}</small></td>`,
    )
    day = addDays(day, 1)
  }
  const head = WEEK.map((d) => html`<th>${d[0].toUpperCase()}${d.slice(1, 2)}</th>`)
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  return html`<table class="month"><tr>${head}</tr>${weeks.map((w) => html`<tr>${w}</tr>`)}</table><p class="muted">${total} ticket${total === 1 ? '' : 's'} this month; the number under a day is its tickets.</p>`
}
