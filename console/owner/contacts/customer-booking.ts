import type { z } from 'zod'
import { formatMoney } from '../../../core/vocabulary/money.js'
import type { availabilityQuery } from '../../../core/domains/tickets/availability.js'
import { form, html, type SafeHtml } from '../../html.js'
import { describedBy, fieldError, type FieldErrors } from '../../form-kit.js'

/** The booking form as typed: date, time, minutes, notes and address as text; services and technicians as lists of ids. */
export interface BookingValues {
  address_id: string
  date: string
  time: string
  duration: string
  notes: string
  services: string[]
  technicians: string[]
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string' && v !== '')
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : ''
}

/** The booking form's values from a posted body or a query string (a free time's link fills date, time and technician). */
export function bookingValuesOf(source: Record<string, unknown>, defaults: { date: string; address_id: string }): BookingValues {
  return {
    address_id: text(source.address_id) || defaults.address_id,
    date: text(source.date) || defaults.date,
    time: text(source.time),
    duration: text(source.duration) || '60',
    notes: text(source.notes),
    services: list(source.service),
    technicians: list(source.technician),
  }
}

/** Problems the form can see before asking the action: a missing or malformed date, time or length. */
export function bookingProblems(v: BookingValues): FieldErrors {
  const errors: FieldErrors = new Map()
  if (!/^\d{4}-\d\d-\d\d$/.test(v.date)) errors.set('date', 'expected a date such as 2026-11-05')
  if (!/^\d\d:\d\d$/.test(v.time)) errors.set('time', 'expected a time such as 09:30')
  if (!/^\d{1,4}$/.test(v.duration)) errors.set('duration', 'expected a number of minutes such as 60')
  return errors
}

/** ticket.create's input: the start as wall-clock time, which the action reads in the business's time zone. */
export function ticketInput(contactId: string, v: BookingValues): Record<string, unknown> {
  return {
    contact_id: contactId,
    ...(v.address_id ? { address_id: v.address_id } : {}),
    scheduled_start: `${v.date}T${v.time}`,
    duration_minutes: Number(v.duration),
    technician_ids: v.technicians,
    line_items: v.services.map((service_id) => ({ service_id })),
    ...(v.notes ? { notes: v.notes } : {}),
  }
}

/** ticket.create's fields named as the form's. */
export const BOOKING_FIELDS: Record<string, string> = {
  scheduled_start: 'time',
  duration_minutes: 'duration',
  technician_ids: 'technicians',
  line_items: 'services',
  address_id: 'address_id',
  notes: 'notes',
}

type Slots = Array<z.output<typeof availabilityQuery.record>>

/** Free times on the chosen day, grouped by who is free (at most eight each), each a link that fills the form with that time and technician. */
export function freeTimes(base: string, v: BookingValues, slots: Slots): SafeHtml {
  const byTechnician = new Map<string, { name: string; times: string[] }>()
  for (const s of slots) {
    const entry = byTechnician.get(s.technician_id) ?? { name: s.technician ?? '', times: [] }
    entry.times.push(s.start.slice(11, 16))
    byTechnician.set(s.technician_id, entry)
  }
  if (!byTechnician.size) return html`<p class="muted">No free times on ${v.date} inside business hours.</p>`
  return html`${[...byTechnician.entries()]
    .sort(([, a], [, b]) => a.name.localeCompare(b.name))
    .map(
      ([technicianId, t]) =>
        html`<p><b>${t.name}</b><br>${t.times.slice(0, 8).map((time) => {
          const query = new URLSearchParams({
            date: v.date,
            time,
            duration: v.duration,
            technician: technicianId,
            ...(v.address_id ? { address_id: v.address_id } : {}),
          })
          return html`<a class="slot" href="${`${base}?${query}#book`}" aria-label="${`${time} with ${t.name}`}">${time}</a> `
        })}</p>`,
    )}`
}

/** The booking form: where, when, how long, which services, who, and notes for the visit. */
export function bookingForm(opts: {
  action: string
  csrf: string
  values: BookingValues
  errors: FieldErrors
  addresses: Array<{ id: string; line1: string; city: string }>
  services: Array<{ id: string; name: string; price_cents: number | null }>
  team: Array<{ id: string; name: string }>
  currency: string
  custom?: SafeHtml[]
}): SafeHtml {
  const { values: v, errors } = opts
  const check = (name: string, value: string, label: string, checked: boolean) =>
    html`<label class="c"><input type="checkbox" name="${name}" value="${value}"${checked ? html` checked` : ''}>${label}</label>`
  return form(
    opts.action,
    opts.csrf,
    html`<label>Address<select name="address_id"${describedBy(errors, 'address_id')}><option value="">No address</option>${opts.addresses.map(
      (a) => html`<option value="${a.id}"${a.id === v.address_id ? html` selected` : ''}>${a.line1}, ${a.city}</option>`,
    )}</select></label>${fieldError(errors, 'address_id')}
<div class="row"><label>Date<input type="date" name="date" value="${v.date}" required${describedBy(errors, 'date')}></label><label>Time<input type="time" name="time" value="${v.time}" required${describedBy(errors, 'time')}></label></div>
${fieldError(errors, 'date')}${fieldError(errors, 'time')}
<label>Length in minutes<input type="number" name="duration" min="5" max="1440" step="5" value="${v.duration}" inputmode="numeric"${describedBy(errors, 'duration')}></label>${fieldError(errors, 'duration')}
<fieldset class="card"${describedBy(errors, 'services')}><legend>Services</legend>${
      opts.services.length
        ? opts.services.map((s) =>
            check(
              'service',
              s.id,
              `${s.name}${s.price_cents !== null ? ` (${formatMoney(s.price_cents, opts.currency)})` : ''}`,
              v.services.includes(s.id),
            ),
          )
        : html`<p class="muted">The catalog is empty.</p>`
    }</fieldset>${fieldError(errors, 'services')}
<fieldset class="card"${describedBy(errors, 'technicians')}><legend>Technicians</legend>${opts.team.map((u) => check('technician', u.id, u.name, v.technicians.includes(u.id)))}</fieldset>${fieldError(errors, 'technicians')}
<label>Notes for the visit (optional)<textarea name="notes" rows="3"${describedBy(errors, 'notes')}>${v.notes}</textarea></label>${fieldError(errors, 'notes')}
${opts.custom?.length ? html`<fieldset class="card"><legend>Visit details</legend>${opts.custom}</fieldset>` : ''}
<button>Book the visit</button>`,
    html` id="book"`,
  )
}
