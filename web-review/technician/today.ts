import type { Router } from 'express'
import type { Services } from '../../core/context.js'
import { performQuery } from '../../core/operations.js'
import { addDays, localDate, localTime, weekdayOf } from '../../core/time.js'
import { sendHtml } from '../compress.js'
import { esc } from '../html.js'
import { businessOf, pageRoute, postForm, type PageCall } from './context.js'
import { closeoutHref } from './closeout/state.js'
import { techPage } from './layout.js'

type Ticket = Record<string, any>
const ACTIVE = ['scheduled', 'confirmed', 'in_progress']

/** GET /today: the day's tickets with the current one on top as a one-tap action; ?view=week shows the next 7 days. */
export function mountToday(router: Router, services: Services): void {
  router.get('/today', pageRoute(services, async (call) => {
    const closed = typeof call.req.query.closed === 'string' && /^\d{1,9}$/.test(call.req.query.closed) ? Number(call.req.query.closed) : undefined
    await showToday(call, call.req.query.view === 'week', closed)
  }))
}

/** Sends the Today (or week) page; `closed` is the number of a ticket whose close-out just finished. */
export async function showToday(call: PageCall, week: boolean, closed?: number): Promise<void> {
  const { timezone } = await businessOf(call)
  const now = call.services.now()
  const today = localDate(now, timezone)
  const tickets = await ticketsOf(call, week ? { from: today, to: addDays(today, 6) } : { today: 'true' })
  const current = week ? undefined : currentTicket(tickets, now)
  const flash = closed === undefined ? undefined : `Ticket #${closed} is closed out.`
  const body = (current ? await quickAction(call, current, timezone) : '')
    + (week ? weekList(tickets, today, timezone) : dayList(tickets, timezone, current))
  sendHtml(call.req, call.res, techPage(week ? 'Next 7 days' : `Today, ${weekdayName(today)} ${today}`, body, { flash }))
}

/** The signed-in technician's tickets (an owner's: everyone's) for today or a range of days. */
async function ticketsOf(call: PageCall, range: Record<string, string>): Promise<Ticket[]> {
  const actor = call.session.actor
  const mine = actor.type === 'user' && actor.role === 'technician' ? { technician_id: actor.id } : {}
  const out: Ticket[] = []
  let cursor: string | undefined
  do {
    const page = await performQuery(call.services, call.session, { type: 'tickets', include: ['technicians', 'address'], limit: 100, cursor,
      filters: { ...range, ...mine } }, { requestId: call.requestId }) as { items: Ticket[]; next_cursor: string | null }
    out.push(...page.items)
    cursor = page.next_cursor ?? undefined
  } while (cursor && out.length < 500)
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
async function quickAction(call: PageCall, t: Ticket, tz: string): Promise<string> {
  const actor = call.session.actor
  const me = (t.technicians as Ticket[]).find((x) => actor.type === 'user' && x.user_id === actor.id)
  const head = `<strong>Now: #${esc(t.number)} ${esc(t.contact_name)}</strong><div class="muted">${esc(localTime(new Date(t.scheduled_start), tz))}–${esc(localTime(new Date(t.scheduled_end), tz))}${t.address ? ` · ${esc(t.address.line1)}` : ''}</div>`
  const action = me && !me.clock_in_at
    ? postForm(`/tickets/${t.id}/clock_in`, call.session, '<button>Clock in</button>')
    : `<a class="btn" href="${esc(await closeoutHref(call, t.id) ?? '')}">Close out #${esc(t.number)}</a>`
  return `<div class="card now">${head}${action}<a href="/tickets/${esc(t.id)}">Details</a></div>`
}

function row(t: Ticket, tz: string): string {
  const closed = !ACTIVE.includes(t.status)
  return `<tr${closed ? ' class="muted"' : ''}><td>${esc(localTime(new Date(t.scheduled_start), tz))}</td>
<td><a href="/tickets/${esc(t.id)}">#${esc(t.number)} ${esc(t.contact_name)}</a>${t.address ? `<div class="muted">${esc(t.address.line1)}${t.address.city ? `, ${esc(t.address.city)}` : ''}</div>` : ''}</td>
<td>${esc(String(t.status).replace('_', ' '))}${techNames(t)}</td></tr>`
}

function techNames(t: Ticket): string {
  const names = (t.technicians as Ticket[]).map((x) => x.name).filter(Boolean)
  return names.length ? `<div class="muted">${esc(names.join(', '))}</div>` : ''
}

function dayList(tickets: Ticket[], tz: string, current: Ticket | undefined): string {
  if (!tickets.length) return '<p class="muted">No tickets today.</p>'
  const rest = tickets.filter((t) => t !== current)
  if (!rest.length) return ''
  return `<h2>${current ? 'Also today' : 'Tickets'}</h2><table>${rest.map((t) => row(t, tz)).join('')}</table>`
}

function weekList(tickets: Ticket[], today: string, tz: string): string {
  if (!tickets.length) return '<p class="muted">Nothing booked in the next 7 days.</p>'
  let html = ''
  for (let i = 0; i < 7; i++) {
    const day = addDays(today, i)
    const onDay = tickets.filter((t) => localDate(new Date(t.scheduled_start), tz) === day)
    if (onDay.length) html += `<h2>${esc(weekdayName(day))} ${esc(day)}</h2><table>${onDay.map((t) => row(t, tz)).join('')}</table>`
  }
  return html
}

function weekdayName(date: string): string {
  const d = weekdayOf(date)
  return d[0].toUpperCase() + d.slice(1)
}
