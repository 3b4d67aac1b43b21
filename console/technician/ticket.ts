import type { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { callAction } from '../../core/kernel/call-action.js'
import { callQuery } from '../../core/kernel/call-query.js'
import { contactsQuery } from '../../core/domains/contacts/queries.js'
import { usersQuery } from '../../core/domains/users/queries.js'
import { clockIn, clockOut } from '../../core/domains/tickets/clock-actions.js'
import { onMyWay } from '../../core/domains/tickets/on-my-way.js'
import { localDate, localTime } from '../../core/vocabulary/time.js'
import { html, trustedHtml, type SafeHtml } from '../html.js'
import type { Page } from '../layout.js'
import { businessOf, callerOf, onceOf, pageRoute, postForm, sendWorkPage, ticketFor, type PageCall, type TicketView } from './context.js'
import { hrefOf, viewOf } from './closeout/state.js'
import { visitDayOf } from '../../core/domains/tickets/visit-day.js'
import { wallClock } from '../../core/domains/tickets/model.js'
import { keepOffline } from './offline/copy.js'
import { photosBlock } from './photos.js'
import { OFFLINE_PAGE_SCRIPT } from './offline/page-script.js'
import { CHANGEABLE, visitChangeSection, type VisitChangeState } from '../owner/tickets/visit-change-forms.js'
import { customFieldsForm, customValues, fieldsFor } from '../owner/custom-fields/custom-field-views.js'
import { formatMoney } from '../../core/vocabulary/money.js'
import { paidElsewhereName } from '../../core/domains/tickets/model.js'
import { field } from '../form-kit.js'

const OPEN = ['scheduled', 'confirmed', 'in_progress']
const PAGE_SCRIPT = trustedHtml(OFFLINE_PAGE_SCRIPT)

/** The status lines after a change to the visit; the query string only picks one. */
const DONE: Record<string, string> = {
  booked: 'Visit booked.',
  moved: 'Visit moved.',
  technicians: 'Technicians saved.',
  cancelled: 'Visit cancelled.',
  no_show: 'Recorded as a no-show.',
  fields: 'Fields saved.',
  on_my_way: 'The customer is told you are on your way.',
}

/** The minutes a technician may say they are away. */
const MINUTES_AWAY = [5, 10, 15, 20, 30, 45, 60, 90]

/**
 * GET /tickets/:id (what a technician needs at the door) and POST /tickets/:id/clock_in|clock_out; a clock press may say
 * when it was pressed (`at`, sent by the page's script for a press kept on the phone without signal).
 */
export function mountTicket(router: Router, services: Services): void {
  router.get(
    '/tickets/:id',
    pageRoute(services, async (call) => {
      sendWorkPage(call, await ticketPage(call, String(call.req.params.id)))
    }),
  )
  router.post(
    '/tickets/:id/on_my_way',
    pageRoute(services, async (call) => {
      const id = String(call.req.params.id)
      await ticketFor(call, id)
      const minutes = Number(field(call.req.body, 'minutes_away'))
      try {
        await callAction(callerOf(call), onMyWay, { ticket_id: id, minutes_away: minutes }, { idempotencyKey: onceOf(call.req) })
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        if (err.details?.field !== 'Idempotency-Key') {
          sendWorkPage(call, await ticketPage(call, id, `The customer was not told. ${err.message}`), err.status)
          return
        }
      }
      call.res.redirect(303, `/tickets/${id}?done=on_my_way`)
    }),
  )
  for (const which of ['clock_in', 'clock_out'] as const) {
    router.post(
      `/tickets/:id/${which}`,
      pageRoute(services, async (call) => {
        const id = String(call.req.params.id)
        await ticketFor(call, id)
        try {
          const at = field(call.req.body, 'at') || undefined
          await callAction(
            callerOf(call),
            which === 'clock_in' ? clockIn : clockOut,
            { ticket_id: id, at },
            { idempotencyKey: onceOf(call.req) },
          )
        } catch (err) {
          if (!(err instanceof AppError)) throw err
          // A press kept on the phone is sent again with the time it was pressed: its first try ran already.
          if (err.details?.field !== 'Idempotency-Key') {
            sendWorkPage(call, await ticketPage(call, id, err.message), err.status)
            return
          }
        }
        call.res.redirect(303, `/tickets/${id}`)
      }),
    )
  }
}

/** The ticket page: customer, place, what to know, the work, the clock, the way to close out and, for the owner, the change forms. */
export async function ticketPage(call: PageCall, id: string, error?: string, change?: VisitChangeState): Promise<Omit<Page, 'viewer'>> {
  const t = await ticketFor(call, id, ['contact', 'address', 'line_items', 'notes'])
  const { timezone: tz } = await businessOf(call)
  const contact = await callQuery(callerOf(call), contactsQuery, { id: t.contact_id, include: ['attributes'] })
  const when = `${localDate(new Date(t.scheduled_start), tz)} ${localTime(new Date(t.scheduled_start), tz)}–${localTime(new Date(t.scheduled_end), tz)}`
  keepOffline(call, tz, { url: `/tickets/${t.id}`, date: localDate(new Date(t.scheduled_start), tz) })
  const body = html`<p class="muted">${when} · ${String(t.status).replace('_', ' ')}${t.is_price_estimated ? ' · price estimated' : ''}${
    t.paid_elsewhere ? ` · paid in ${paidElsewhereName(t.paid_elsewhere)} (imported history)` : ''
  }</p>
<div class="card"><strong>${contact.display_name}</strong>${contact.phone ? html`<div><a href="tel:${String(contact.phone).replace(/[^+\d]/g, '')}">${contact.phone}</a></div>` : ''}
${addressBlock(t.address)}</div>
${attributesBlock(contact.attributes)}${await fieldsBlock(call, t)}${notesBlock(t)}${workBlock(t)}${onMyWayBlock(call, t)}${clockBlock(call, t, tz)}
${await photosBlock(call, t.id, `/tickets/${t.id}`, tz)}
${await closeoutButton(call, t, tz)}${await changeBlock(call, t, tz, change)}`
  const done = String(call.req.query?.done ?? '')
  return {
    title: `#${t.number} ${contact.display_name}`,
    body,
    error,
    ok: Object.hasOwn(DONE, done) ? DONE[done] : undefined,
    script: PAGE_SCRIPT,
  }
}

/** The business's own fields of the visit; the owner fills them in while the visit is not completed. */
async function fieldsBlock(call: PageCall, t: TicketView): Promise<SafeHtml | ''> {
  const fields = await fieldsFor(callerOf(call), 'ticket')
  if (!fields.live.length && !Object.keys(t.custom_fields).length) return ''
  const actor = call.session.actor
  const editable = actor.type === 'user' && actor.role === 'owner' && !t.closed_at && fields.live.length > 0
  return html`<h2>Visit details</h2>${customValues(fields, t.custom_fields)}${
    editable
      ? html`<details><summary>Edit visit details</summary>${customFieldsForm(`/tickets/${t.id}/fields`, call.session.csrfToken, fields.live, t.custom_fields, new Map())}</details>`
      : ''
  }`
}

function addressBlock(a: TicketView['address']): SafeHtml {
  if (!a) return html`<div class="muted">No address on this ticket.</div>`
  const text = [a.line1, a.line2, [a.city, a.state].filter(Boolean).join(', '), a.postal_code].filter(Boolean).join(', ')
  const maps = `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(text)}`
  return html`<div>${text} · <a href="${maps}" rel="noreferrer">Map</a></div>${a.access_notes ? html`<div class="warn">${a.access_notes}</div>` : ''}`
}

function attributesBlock(attrs: Array<{ key: string; value: unknown }> | undefined): SafeHtml | '' {
  if (!attrs?.length) return ''
  const shown = attrs.map((a) => html`<tr><td>${String(a.key).replace(/_/g, ' ')}</td><td>${valueText(a.value)}</td></tr>`)
  return html`<h2>Good to know</h2><table>${shown}</table>`
}

/** An attribute value as one line of text. */
export function valueText(v: unknown): string {
  if (Array.isArray(v)) return v.map(valueText).join(', ')
  if (v && typeof v === 'object') return JSON.stringify(v)
  return String(v ?? '')
}

function notesBlock(t: TicketView): SafeHtml | '' {
  const entries = t.note_entries ?? []
  if (!t.notes && !entries.length) return ''
  return html`<h2>Notes</h2>${t.notes ? html`<p>${t.notes}</p>` : ''}${entries.slice(0, 5).map((n) => html`<p class="muted">${n.content}</p>`)}`
}

function workBlock(t: TicketView): SafeHtml {
  const lines = t.line_items ?? []
  const rows = lines.map(
    (l) =>
      html`<tr><td>${l.description}${l.quantity > 1 ? ` × ${l.quantity}` : ''}</td><td class="r">${formatMoney(l.price_cents, t.totals.currency)}</td></tr>`,
  )
  return html`<h2>Work</h2><table>${rows.length ? rows : html`<tr><td class="muted">No line items yet.</td></tr>`}<tr><th>Total</th><th class="r">${formatMoney(t.totals.total_cents, t.totals.currency)}</th></tr></table>`
}

/** "On my way" before the visit starts: the customer is told by the way they chose, with the minutes until arrival. */
function onMyWayBlock(call: PageCall, t: TicketView): SafeHtml | '' {
  if (!['scheduled', 'confirmed'].includes(t.status)) return ''
  const options = MINUTES_AWAY.map(
    (m) => html`<option value="${String(m)}"${m === 15 ? html` selected` : ''}>${String(m)} minutes</option>`,
  )
  return postForm(
    `/tickets/${t.id}/on_my_way`,
    call.session,
    html`<label>Arriving in <select name="minutes_away">${options}</select></label><button class="second">On my way</button>`,
  )
}

function clockBlock(call: PageCall, t: TicketView, tz: string): SafeHtml {
  const actor = call.session.actor
  const at = (d: string | null) => (d ? localTime(new Date(d), tz) : '–')
  const rows = (t.technicians ?? []).map(
    (x) => html`<tr><td>${x.name || 'Technician'}</td><td>in ${at(x.clock_in_at)}</td><td>out ${at(x.clock_out_at)}</td></tr>`,
  )
  const me = t.technicians?.find((x) => actor.type === 'user' && x.user_id === actor.id)
  let button: SafeHtml | '' = ''
  const { opens } = visitDayOf(t, tz)
  // Before the visit's day the button stays, for the copy kept on the phone for tomorrow; the server refuses an early press.
  const notYet = call.services.now() < opens ? html`<p class="muted">Clock-in opens on the visit's day, ${dayWords(opens, tz)}.</p>` : ''
  if (me && OPEN.includes(t.status) && !me.clock_in_at)
    button = html`${notYet}${postForm(`/tickets/${t.id}/clock_in`, call.session, html`<button>Clock in</button>`, html` data-clock="${tz}"`)}`
  else if (me && t.status !== 'completed' && me.clock_in_at && !me.clock_out_at)
    button = postForm(`/tickets/${t.id}/clock_out`, call.session, html`<button class="alt">Clock out</button>`, html` data-clock="${tz}"`)
  return html`<h2>Time</h2>${rows.length ? html`<table>${rows}</table>` : html`<p class="muted">No technician assigned.</p>`}${button}`
}

/**
 * Close out (an open ticket), or the finished close-out (a completed one). Before the visit's day a close-out not yet
 * started waits for that day; the owner may start it sooner, on purpose.
 */
async function closeoutButton(call: PageCall, t: TicketView, tz: string): Promise<SafeHtml | ''> {
  if (!OPEN.includes(t.status) && t.status !== 'completed') return ''
  const view = await viewOf(call, t.id)
  const { opens } = visitDayOf(t, tz)
  if (!view && t.status !== 'completed' && call.services.now() < opens) {
    const actor = call.session.actor
    const owner = actor.type === 'user' && actor.role === 'owner'
    return html`<p class="muted">Close-out opens on the visit's day, ${dayWords(opens, tz)}.</p>${
      owner
        ? postForm(
            `/tickets/${t.id}/closeout`,
            call.session,
            html`<input type="hidden" name="early" value="1"><button class="alt">Close out now, before its day</button>`,
          )
        : ''
    }`
  }
  const href = hrefOf(view, t.id, t.status === 'completed')
  return href ? html`<a class="btn" href="${href}">${t.status === 'completed' ? 'Close-out and payment' : 'Close out'}</a>` : ''
}

/** A day as the pages name it, e.g. "Mon 2026-11-09". */
function dayWords(instant: Date, tz: string): string {
  return wallClock(instant, tz).slice(0, -6)
}

/** The owner's forms to move, reassign, cancel or mark a no-show, for a visit still open; technicians see none. */
async function changeBlock(call: PageCall, t: TicketView, tz: string, change?: VisitChangeState): Promise<SafeHtml | ''> {
  const actor = call.session.actor
  if (actor.type !== 'user' || actor.role !== 'owner' || !CHANGEABLE.includes(t.status)) return ''
  const users = await callQuery(callerOf(call), usersQuery, { limit: 100 })
  const team = users.items.filter((u) => !u.deactivated_at).map((u) => ({ id: u.id, name: u.name || u.email }))
  return visitChangeSection({ ticket: t, timeZone: tz, now: call.services.now(), session: call.session, team, state: change })
}
