import type { z } from 'zod'
import type { authorizationRequestsQuery } from '../../../core/domains/approvals/queries.js'
import type { receivablesQuery } from '../../../core/domains/invoices/receivables.js'
import type { interactionsQuery } from '../../../core/domains/interactions/queries.js'
import type { leadsQuery } from '../../../core/domains/leads/queries.js'
import type { appointmentResponsesQuery } from '../../../core/domains/messages/queries.js'
import type { unbilledWorkQuery } from '../../../core/domains/tickets/unbilled.js'
import { localDate, localTime } from '../../../core/vocabulary/time.js'
import { html, type SafeHtml } from '../../html.js'
import { dayName, ticketRow, type ScheduledTicket } from '../../schedule-views.js'
import { interactionTitle } from '../interactions/interaction-views.js'
import { formatMoney } from '../../../core/vocabulary/money.js'
import type { WaysToPay } from '../../../core/domains/settings/ways-to-pay.js'

/** One page of a list as the Home page reads it: the first items, and whether there are more. */
export interface FirstOf<T> {
  items: T[]
  next_cursor: string | null
}

/** How many items each part of Home lists before linking to the rest. */
export const FIRST_FEW = 5

/** A count as the page says it: "12", or "100+" when the list goes on. */
export function countOf(list: FirstOf<unknown>): string {
  return `${list.items.length}${list.next_cursor ? '+' : ''}`
}

/** An instant as the owner reads it: "Thu 2026-11-05 09:00" in the business's time zone. */
export function when(instant: string, tz: string): string {
  const date = localDate(new Date(instant), tz)
  return `${dayName(date)} ${date} ${localTime(new Date(instant), tz)}`
}

/** A day's tickets in time order, the first few, with a link to the day on the calendar. */
export function daySection(label: string, date: string, tickets: ScheduledTicket[], tz: string): SafeHtml {
  const shown = tickets.filter((t) => t.status !== 'cancelled')
  const first = shown.slice(0, 8)
  const more = shown.length - first.length
  return html`<h2>${label}, ${dayName(date)} ${date}: ${shown.length} ticket${shown.length === 1 ? '' : 's'}</h2>${
    first.length ? html`<table>${first.map((t) => ticketRow(t, tz))}</table>` : html`<p class="muted">Nothing booked.</p>`
  }
<p class="muted"><a href="/schedule?date=${date}">${more > 0 ? `${more} more on the calendar` : `${label} on the calendar`}</a></p>`
}

/** Agent requests waiting for the owner's answer. */
export function requestsSection(requests: FirstOf<z.output<typeof authorizationRequestsQuery.record>>): SafeHtml {
  if (!requests.items.length)
    return html`<h2>Requests waiting for you</h2><p class="muted">None: your office manager is not waiting for you.</p>`
  return html`<h2>Requests waiting for you: ${countOf(requests)}</h2><ul class="home">${requests.items
    .slice(0, FIRST_FEW)
    .map((r) => html`<li>${r.summary}${r.agent_name ? html` <span class="muted">(${r.agent_name})</span>` : ''}</li>`)}</ul>
<p><a href="/review">Answer the requests</a></p>`
}

/** Money owed and overdue, with the overdue invoices due longest ago. */
export function moneySection(receivables: Array<z.output<typeof receivablesQuery.record>>): SafeHtml {
  if (!receivables.length) return html`<h2>Money owed</h2><p class="muted">Nobody owes you money.</p>`
  return html`<h2>Money owed</h2>${receivables.map(
    (r) =>
      html`<p>${formatMoney(r.owed_cents, r.currency)} owed on ${r.owed_count} invoice${r.owed_count === 1 ? '' : 's'}${
        r.overdue_count ? html`; <strong>${formatMoney(r.overdue_cents, r.currency)} overdue</strong> on ${r.overdue_count}` : ''
      }.</p>${
        r.oldest_overdue.length
          ? html`<ul class="home">${r.oldest_overdue.map(
              (i) => html`<li><a href="/invoices/${i.id}">Invoice ${i.number} ${i.contact_name}</a>
${formatMoney(i.amount_due_cents, r.currency)}, due ${i.due_on} <span class="muted">(${i.days_overdue} day${i.days_overdue === 1 ? '' : 's'} late)</span></li>`,
            )}</ul>`
          : ''
      }`,
  )}
<p><a href="/invoices?status=overdue">Overdue invoices</a> · <a href="/invoices">All invoices</a> · <a href="/quotes">Quotes</a> · <a href="/orders">Orders</a></p>`
}

/** Appointments waiting for the customer's answer, and customers' declines and change requests waiting for the business. */
export function answersSection(
  unanswered: FirstOf<ScheduledTicket>,
  answers: FirstOf<z.output<typeof appointmentResponsesQuery.record>>,
  tz: string,
): SafeHtml {
  const asked = unanswered.items.length
    ? html`<p>${countOf(unanswered)} upcoming visit${unanswered.items.length === 1 && !unanswered.next_cursor ? ' is' : 's are'} not confirmed yet:</p><ul class="home">${unanswered.items
        .slice(0, FIRST_FEW)
        .map((t) => html`<li><a href="/tickets/${t.id}">#${t.number} ${t.contact_name}</a> ${when(t.scheduled_start, tz)}</li>`)}</ul>`
    : html`<p class="muted">No visit is waiting for a customer's answer.</p>`
  const said = answers.items.length
    ? html`<p>${countOf(answers)} customer answer${answers.items.length === 1 && !answers.next_cursor ? ' needs' : 's need'} you:</p><ul class="home">${answers.items
        .slice(0, FIRST_FEW)
        .map(
          (a) => html`<li><a href="/tickets/${a.ticket_id}">#${a.ticket_number} ${a.contact_name}</a>
${a.answer === 'decline' ? 'declined' : 'asked to change'} ${when(a.scheduled_start, tz)}${a.confirmation_note ? html`: <q>${a.confirmation_note}</q>` : ''}</li>`,
        )}</ul>`
    : html`<p class="muted">No declines or change requests.</p>`
  return html`<h2>Customers' answers</h2>${said}${asked}`
}

/** Why a visit is listed as work to close out or bill. */
const UNBILLED_WORDS = { not_closed: 'not closed out', not_invoiced: 'done, not invoiced', invoice_not_sent: 'invoice not sent' } as const

/** Visits past their time and not closed, and closed work not billed. */
export function unbilledSection(work: FirstOf<z.output<typeof unbilledWorkQuery.record>>, tz: string): SafeHtml {
  if (!work.items.length) return html`<h2>Work to close out or bill</h2><p class="muted">Every finished job is closed out and billed.</p>`
  return html`<h2>Work to close out or bill: ${countOf(work)}</h2><ul class="home">${work.items
    .slice(0, FIRST_FEW)
    .map(
      (w) =>
        html`<li><a href="/tickets/${w.id}">#${w.number} ${w.contact_name}</a> ${when(w.scheduled_start, tz)}: ${UNBILLED_WORDS[w.reason]}</li>`,
    )}</ul>`
}

/** Open leads whose follow-up date is today or past. */
export function leadsSection(leads: FirstOf<z.output<typeof leadsQuery.record>>, tz: string): SafeHtml {
  if (!leads.items.length) return html`<h2>Leads to follow up</h2><p class="muted">No follow-up is due.</p>`
  return html`<h2>Leads to follow up: ${countOf(leads)}</h2><ul class="home">${leads.items
    .slice(0, FIRST_FEW)
    .map(
      (l) =>
        html`<li>${l.name ?? l.email ?? l.phone ?? 'Unnamed lead'}${l.service_interest ? ` · ${l.service_interest}` : ''}${
          l.reminder_at ? html` <span class="muted">due ${localDate(new Date(l.reminder_at), tz)}</span>` : ''
        }</li>`,
    )}</ul>
<p><a href="/leads">All leads</a></p>`
}

/** Calls, emails and meetings whose follow-up date has come, soonest first, each linking to its customer or lead. */
export function followUpsSection(due: FirstOf<z.output<typeof interactionsQuery.record>>): SafeHtml {
  if (!due.items.length) return html`<h2>Follow-ups due</h2><p class="muted">No call or email to follow up today.</p>`
  return html`<h2>Follow-ups due: ${countOf(due)}</h2><ul class="home">${due.items.slice(0, FIRST_FEW).map((i) => {
    const href = i.contact_id ? `/customers/${i.contact_id}#calls` : `/leads/${i.lead_id}#calls`
    return html`<li><a href="${href}">${interactionTitle(i)}${i.subject ? `: ${i.subject}` : ''}</a> <span class="muted">due ${i.follow_up_on}</span></li>`
  })}</ul>`
}

/** What Home needs to know of the business's settings: how its invoices are paid and where replies go. */
export interface SetupState {
  ways: WaysToPay
  replyTo: string | null
  /** Whether the catalog holds an active service. */
  hasServices: boolean
}

/** The first steps of a business with no customers yet, with how customers pay and reply when those are not set yet. */
export function startSection(setup: SetupState): SafeHtml {
  const steps = [
    html`<li><a href="/import">Import your customers</a> from Square or a spreadsheet</li>`,
    ...(setup.hasServices ? [] : [html`<li><a href="/services">Add the services you offer</a>, with their prices and lengths</li>`]),
    html`<li><a href="/customers/new">Add a customer</a> by hand</li>`,
    ...(!setup.ways.online && !setup.ways.instructions
      ? [html`<li><a href="/settings">Say how customers pay you</a>: payment instructions, printed on every invoice</li>`]
      : []),
    ...(!setup.replyTo
      ? [html`<li><a href="/settings">Set a reply-to email</a>, so customers' replies to your emails reach you</li>`]
      : []),
  ]
  return html`<div class="card"><h2>Welcome! ${STEP_COUNT[steps.length] ?? String(steps.length)} steps to start</h2><ol>${steps}</ol></div>`
}

/** Small counts in words, as the welcome says them. */
const STEP_COUNT: Record<number, string> = { 2: 'Two', 3: 'Three', 4: 'Four', 5: 'Five' }

/** Said plainly while invoices would reach customers with no way to pay (online payments off, no payment instructions). */
export function noWayToPaySection(ways: WaysToPay): SafeHtml | '' {
  if (ways.online || ways.instructions) return ''
  return html`<div class="card"><h2>Your invoices carry no way to pay</h2><p class="err">Online payments are off and no payment instructions
are set, so an invoice would not tell your customers how to pay you. Invoices are not emailed until you say how.</p>
<p><a href="/settings">Set payment instructions</a> (such as who checks are payable to, or your bank details).</p></div>`
}

/** Said plainly while the catalog has no service: visits are booked with their services, so none can be booked by service. */
export function noServicesSection(hasServices: boolean): SafeHtml | '' {
  if (hasServices) return ''
  return html`<div class="card"><h2>Your price list has no services</h2><p class="warn">Visits are booked with the services they
are for, at their prices and lengths, so nothing can be booked by service until you add some.</p>
<p><a href="/services">Add the services you offer</a>, or <a href="/import">import your item library</a> from Square.</p></div>`
}
