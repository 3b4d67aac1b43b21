import { z } from 'zod'
import { AppError, validationError } from '../../core/kernel/errors.js'
import { formatMoney } from '../../core/vocabulary/money.js'
import { addDays, localDate, localTime, zonedInstant } from '../../core/vocabulary/time.js'
import { dayArg, defineTool, timeArg, type ToolContext, uuidArg } from '../tool.js'
import { datesOf } from './days.js'
import { lastPricesOf, type LastPrice } from './last-prices.js'
import { technicianOf } from './technicians.js'
import { schedulingPreferences } from '../../core/domains/contacts/scheduling-preferences.js'
import { lastVisitNote, preferenceNote } from './booking-notes.js'
import { businessZone, registered, resolveCustomer } from './find-customer.js'
import { lastVisitOf } from './last-visit.js'
import { unavailableReason } from './unavailable-reason.js'
import { callAction } from '../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../core/kernel/call-query.js'
import { addressesQuery } from '../../core/domains/addresses/queries.js'
import { contactsQuery } from '../../core/domains/contacts/queries.js'
import { scheduledMessagesQuery } from '../../core/domains/messages/queries.js'
import { servicesQuery } from '../../core/domains/services/queries.js'
import { CATALOG_NAMED, missingService } from '../../core/domains/services/missing-service.js'
import { settingsQuery } from '../../core/domains/settings/queries.js'
import { availabilityQuery } from '../../core/domains/tickets/availability.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { createTicket } from '../../core/domains/tickets/actions.js'
import { createSeries } from '../../core/domains/series/actions.js'
import type { LastVisit } from '../../core/domains/invoices/customer-overview.js'
import { emailDelivery } from '../../core/domains/messages/email-delivery.js'

type Row = Record<string, any>

const date = dayArg()
const hhmm = timeArg()

/** A free start for one technician, as the availability data type lists it. */
export interface FreeSlot {
  technician_id: string
  technician: string
  start: string
  date: string
  time: string
  /** On the customer's preferred days and time of day; absent when no customer with preferences was named. */
  preferred?: boolean
}

/** Free starts for a job of the given length from one date to another (business zone), each technician's in order, earliest first. */
export async function freeSlotsOf(
  ctx: ToolContext,
  p: { from: string; to: string; minutes: number; technicianId?: string; contactId?: string },
): Promise<FreeSlot[]> {
  const times = await callQueryAll(ctx, availabilityQuery, {
    params: {
      from: p.from,
      to: p.to,
      duration_minutes: p.minutes,
      technician: p.technicianId,
      step_minutes: 15,
      contact_id: p.contactId,
    },
    include: ['technician'],
  })
  const slots: FreeSlot[] = times.map((s) => ({
    technician_id: s.technician_id,
    technician: String(s.technician),
    start: new Date(Date.parse(s.start)).toISOString(),
    date: s.start.slice(0, 10),
    time: s.start.slice(11, 16),
    ...(s.preferred === undefined ? {} : { preferred: s.preferred }),
  }))
  return slots.sort((a, b) => a.start.localeCompare(b.start))
}

/**
 * The free starts nearest to a wanted instant within three days either side (never before today), one per start time;
 * with a customer named, those on their preferred days and time of day come first.
 */
export async function nearestSlots(
  ctx: ToolContext,
  p: { date: string; wanted: Date; minutes: number; technicianIds: string[]; tz: string; contactId?: string },
): Promise<Row[]> {
  const today = localDate(ctx.services.now(), p.tz)
  const from = addDays(p.date, -3) < today ? today : addDays(p.date, -3)
  const to = addDays(p.date, 3) < from ? from : addDays(p.date, 3)
  let slots: FreeSlot[]
  if (p.technicianIds.length) {
    // A job with several technicians needs a start free for all of them.
    const each = await Promise.all(
      p.technicianIds.map((id) => freeSlotsOf(ctx, { from, to, minutes: p.minutes, technicianId: id, contactId: p.contactId })),
    )
    slots = each[0].filter((s) => each.every((list) => list.some((o) => o.start === s.start)))
  } else {
    slots = await freeSlotsOf(ctx, { from, to, minutes: p.minutes, contactId: p.contactId })
  }
  const seen = new Set<string>()
  return slots
    .sort(
      (a, b) =>
        Number(b.preferred !== false) - Number(a.preferred !== false) ||
        Math.abs(Date.parse(a.start) - p.wanted.getTime()) - Math.abs(Date.parse(b.start) - p.wanted.getTime()) ||
        a.start.localeCompare(b.start),
    )
    .filter((s) => !seen.has(s.start) && seen.add(s.start))
    .slice(0, 5)
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((s) => ({
      ...(p.technicianIds.length
        ? { date: s.date, time: s.time }
        : { date: s.date, time: s.time, technician_id: s.technician_id, technician: s.technician }),
      ...(s.preferred === undefined ? {} : { preferred: s.preferred }),
    }))
}

/** A catalog service from its id or its name; ambiguous names come back as candidates. */
async function resolveService(
  ctx: ToolContext,
  wanted: { service_id?: string; name?: string },
  index: number,
): Promise<Row | { candidates: Row[]; field: string }> {
  // A service the catalog lacks (or an empty catalog) is answered with what it holds and how to add one.
  const catalog = async () => (await callQuery(ctx, servicesQuery, { limit: CATALOG_NAMED })).items.map((s) => s.name)
  if (wanted.service_id) {
    const id = wanted.service_id
    const found = await callQuery(ctx, servicesQuery, { id }).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return null
      throw e
    })
    if (found) return found
    throw missingService({ field: `services.${index}.service_id`, id, catalog: await catalog() })
  }
  const name = wanted.name ?? ''
  const { items } = await callQuery(ctx, servicesQuery, { params: { q: name }, limit: 10 })
  const exact = items.filter((s) => s.name.toLowerCase() === name.trim().toLowerCase())
  if (exact.length === 1) return exact[0]
  if (items.length === 1) return items[0]
  if (!items.length) throw missingService({ field: `services.${index}.name`, name, catalog: await catalog() })
  return { field: `services.${index}.name`, candidates: items.map((s) => ({ service_id: s.id, name: s.name, price_cents: s.price_cents })) }
}

/** Layer 2: book a customer for services at a free time, and queue the confirmation email. */
export const scheduleAppointment = defineTool({
  name: 'schedule_appointment',
  phrases: ['book a customer for a service on a day', 'schedule an appointment by service name'],
  title: 'Schedule an appointment',
  description:
    'Books a visit and queues its confirmation. customer: words or contact_id. services: by name (flexible price: as last ' +
    'paid). date: YYYY-MM-DD or words (next tuesday), to for a range; time, or after/before. Else the first free technician ' +
    'and start. Answers booked (with last_visit), unavailable (nearest times) or choose_customer. repeat: a series.',
  input: {
    contact_id: z.uuid().optional(),
    customer: z.string().trim().min(1).max(200).optional(),
    services: z
      .array(
        z.strictObject({
          service_id: z.uuid().optional(),
          name: z.string().trim().min(1).max(200).optional(),
          quantity: z.number().int().min(1).max(10_000).optional(),
          unit_price_cents: z.number().int().min(0).max(100_000_000).optional(),
        }),
      )
      .min(1)
      .max(20),
    date,
    to: date.optional(),
    time: hhmm.optional(),
    after: hhmm.optional(),
    before: hhmm.optional(),
    duration_minutes: z.number().int().min(5).max(720).optional(),
    address_id: uuidArg().optional(),
    technician: z.string().trim().min(1).max(200).optional(),
    notes: z.string().trim().min(1).max(5000).optional(),
    repeat: z
      .strictObject({
        rule: z.string().trim().min(6).max(500).describe('RRULE, e.g. FREQ=WEEKLY;INTERVAL=2'),
        ends_on: date.optional(),
      })
      .optional(),
  },
  // status says which answer this is (see the description); a queued call also has request_id.
  output: { status: z.string() },
  readOnly: false,
  async run(ctx, args) {
    if (!args.contact_id && !args.customer) throw validationError([{ field: 'contact_id', message: 'give contact_id or customer' }])
    for (const [i, s] of args.services.entries()) {
      if (!s.service_id && !s.name) throw validationError([{ field: `services.${i}`, message: 'give service_id or name' }])
    }
    let contactId = args.contact_id
    let contactName: string
    if (contactId) {
      contactName = (await callQuery(ctx, contactsQuery, { id: contactId })).display_name
    } else {
      const found = await resolveCustomer(ctx, args.customer ?? '')
      if ('candidates' in found) {
        return found.candidates.length
          ? { status: 'choose_customer', candidates: found.candidates, next: 'call again with contact_id' }
          : { status: 'customer_not_found', next: 'find_customer with other words, or create the contact first' }
      }
      contactId = found.contact.contact_id
      contactName = found.contact.name
    }
    const tz = await businessZone(ctx)
    const { dates, read_as } = datesOf(ctx, tz, { date: args.date, to: args.to, 'repeat.ends_on': args.repeat?.ends_on })
    const day = dates.date as string
    const technicianId = args.technician ? await technicianOf(ctx, args.technician, 'technician') : undefined
    const services: Row[] = []
    for (const [i, s] of args.services.entries()) {
      const found = await resolveService(ctx, s, i)
      if ('candidates' in found)
        return { status: 'choose_service', field: found.field, candidates: found.candidates, next: 'call again with service_id' }
      services.push(found)
    }
    const lineMinutes = args.services.reduce((sum, s, i) => sum + Number(services[i].default_duration_minutes ?? 0) * (s.quantity ?? 1), 0)
    const lastVisit = await lastVisitOf(ctx, String(contactId))
    // The same work took longer last time: book what it took (to the half hour), not the catalog's guess.
    const lastLength = args.duration_minutes ? null : lengthFromLastVisit(lastVisit, services, lineMinutes || 60)
    const minutes = args.duration_minutes ?? lastLength ?? (lineMinutes || 60)
    const addressId =
      args.address_id ?? (await callQuery(ctx, addressesQuery, { params: { contact_id: contactId }, limit: 1 })).items.at(0)?.id
    const last = dates.to ?? day
    if (last < day) throw validationError([{ field: 'to', message: `is before date ${day}` }])
    const wanted = args.time ? zonedInstant(day, args.time, tz) : null
    const fits = (s: FreeSlot) =>
      wanted
        ? Date.parse(s.start) === wanted.getTime()
        : (!args.after || s.time >= args.after) && (!args.before || endTime(s, minutes, tz) <= args.before)
    const prefs = schedulingPreferences((await callQuery(ctx, contactsQuery, { id: contactId })).preferences)
    const fitting = (await freeSlotsOf(ctx, { from: day, to: last, minutes, technicianId, contactId })).filter(fits)
    // The customer's preferred days and times win within the window; outside them only when nothing preferred is free.
    const slot = fitting.find((s) => s.preferred !== false) ?? fitting[0]
    const around = wanted ?? zonedInstant(day, args.after ?? '00:00', tz)
    const nearest = () =>
      nearestSlots(ctx, {
        date: day,
        wanted: around,
        minutes,
        technicianIds: technicianId ? [technicianId] : [],
        tz,
        contactId,
      })
    if (!slot) {
      const [settings] = (await callQuery(ctx, settingsQuery)).items
      const now = ctx.services.now()
      const { reason, why } = unavailableReason(
        {
          date: day,
          last,
          time: args.time,
          after: args.after,
          before: args.before,
          minutes,
          technicianId,
          today: localDate(now, tz),
          nowTime: localTime(now, tz),
        },
        settings.business_hours,
      )
      const offered = await nearest()
      return {
        status: 'unavailable',
        reason,
        why,
        ...(read_as ? { read_as } : {}),
        wanted: `${day}${dates.to ? `..${dates.to}` : ''} ${args.time ?? `${args.after ?? ''}-${args.before ?? ''}`}`.trim(),
        nearest: offered,
        next: offered.length
          ? 'call again with one of these date and time values'
          : reason === 'past'
            ? 'ask the customer for a day from today, then call again with it'
            : 'no free start within three days of that date: ask the customer for another day, or read availability for a later week',
      }
    }
    const prices = await lastPricesOf(ctx, String(contactId), services)
    const { currency } = (await callQuery(ctx, settingsQuery)).items[0]
    const lineItems = args.services.map((s, i) => lineFor(services[i], s, prices.get(String(services[i].id)), i))
    if (args.repeat)
      return bookSeries(
        ctx,
        { rule: args.repeat.rule, ends_on: dates['repeat.ends_on'] },
        {
          contactId: contactId!,
          contactName,
          addressId,
          slot,
          minutes,
          lineItems,
          prices: priceNotes(services, args.services, prices, currency),
          readAs: read_as,
          notes: args.notes,
        },
      )
    const created = await callAction(ctx, createTicket, {
      contact_id: contactId as string,
      ...(addressId ? { address_id: addressId } : {}),
      scheduled_start: slot.start,
      duration_minutes: minutes,
      technician_ids: [slot.technician_id],
      line_items: lineItems,
      ...(args.notes ? { notes: args.notes } : {}),
    })
    if (created.queued) return { ...created.result }
    const ticket = created.result
    const priced = priceNotes(services, args.services, prices, currency)
    return {
      status: 'booked',
      ...(read_as ? { read_as } : {}),
      ticket: {
        id: ticket.id,
        number: ticket.number,
        customer: contactName,
        date: slot.date,
        time: slot.time,
        duration_minutes: minutes,
        technician: slot.technician,
        address_id: ticket.address_id,
        total_cents: ticket.totals?.total_cents,
        is_price_estimated: ticket.is_price_estimated,
        line_items: (ticket.line_items as Row[]).map(bookedLine),
      },
      ...(priced.length ? { prices: priced } : {}),
      confirmation: await queuedConfirmation(ctx, String(ticket.id)),
      ...(prefs
        ? {
            preferences: {
              ...preferenceNote(prefs, slot.preferred !== false, Boolean(wanted)),
              ...(slot.preferred === false ? { preferred_nearby: (await nearest()).filter((s) => s.preferred) } : {}),
            },
          }
        : {}),
      ...(lastVisit ? { last_visit: lastVisitNote(lastVisit, minutes, lastLength !== null) } : {}),
    }
  },
})

/**
 * The minutes to book when the customer's last visit was the same work (every service asked for was on it) and took
 * longer than the services' durations: its time on site rounded up to the half hour; otherwise null.
 */
export function lengthFromLastVisit(last: LastVisit | null, services: Row[], usual: number): number | null {
  if (!last?.actual_minutes || last.actual_minutes <= usual) return null
  const done = new Set(last.services.split(', ').map((s) => s.trim().toLowerCase()))
  if (!services.every((s) => done.has(String(s.name).toLowerCase()))) return null
  return Math.ceil(last.actual_minutes / 30) * 30
}

/** The confirmation email booking queued for a ticket (ticket.create queues it per the business's settings), or why there is none. */
export async function queuedConfirmation(ctx: ToolContext, ticketId: string): Promise<Row> {
  if (!registered(ctx, { type: 'scheduled_messages' })) return { scheduled: false, reason: 'messages are not available' }
  const pending = await callQueryAll(ctx, scheduledMessagesQuery, {
    params: { ticket_id: ticketId, kind: 'confirmation', status: 'pending' },
  })
  const message = pending[0]
  if (!message) {
    return {
      scheduled: false,
      reason:
        'no confirmation email is queued: confirmations are off in the settings (send_confirmations), ' +
        'or the customer has no usable email address',
    }
  }
  return { scheduled: true, message_id: message.id, send_at: message.send_at, ...emailDelivery(ctx.services) }
}

/** Books a series whose first visit is the slot found, and answers like a booking with the series added. */
async function bookSeries(
  ctx: ToolContext,
  repeat: { rule: string; ends_on?: string },
  p: {
    contactId: string
    contactName: string
    addressId?: string
    slot: FreeSlot
    minutes: number
    lineItems: Row[]
    prices: Row[]
    readAs?: Record<string, string>
    notes?: string
  },
): Promise<Row> {
  const created = await callAction(ctx, createSeries, {
    contact_id: p.contactId,
    ...(p.addressId ? { address_id: p.addressId } : {}),
    rule: repeat.rule,
    start_date: p.slot.date,
    start_time: p.slot.time,
    duration_minutes: p.minutes,
    technician_ids: [p.slot.technician_id],
    line_items: p.lineItems,
    ...(repeat.ends_on ? { ends_on: repeat.ends_on } : {}),
    ...(p.notes ? { notes: p.notes } : {}),
  })
  if (created.queued) return { ...created.result }
  const series = created.result
  const first = series.booked[0]
  const ticket = first ? await callQuery(ctx, ticketsQuery, { id: first.ticket_id, include: ['line_items'] }) : null
  const tz = await businessZone(ctx)
  return {
    status: 'booked',
    ...(p.readAs ? { read_as: p.readAs } : {}),
    ticket: ticket && {
      id: ticket.id,
      number: ticket.number,
      customer: p.contactName,
      date: localDate(new Date(ticket.scheduled_start), tz),
      time: localTime(new Date(ticket.scheduled_start), tz),
      duration_minutes: p.minutes,
      technician: p.slot.technician,
      address_id: ticket.address_id,
      total_cents: ticket.totals?.total_cents,
      is_price_estimated: ticket.is_price_estimated,
      line_items: (ticket.line_items as Row[]).map(bookedLine),
    },
    ...(p.prices.length ? { prices: p.prices } : {}),
    series: {
      id: series.id,
      rule: series.rule,
      visits_booked: (series.booked as Row[]).length,
      booked_through: series.generated_through,
      unassigned: series.unassigned,
    },
    confirmation: ticket
      ? await queuedConfirmation(ctx, String(ticket.id))
      : { scheduled: false, reason: 'no visit falls within the next 60 days' },
  }
}

/** The line ticket.create books for a service: flexible prices as given, else the customer's last price for it, else the catalog's. */
function lineFor(service: Row, wanted: { quantity?: number; unit_price_cents?: number }, last: LastPrice | undefined, i: number): Row {
  if (wanted.unit_price_cents !== undefined && service.pricing !== 'flexible') {
    throw validationError([
      {
        field: `services.${i}.unit_price_cents`,
        message: `${service.name} is priced by the catalog (${service.pricing}); only flexible-price services take a price`,
      },
    ])
  }
  const price = service.pricing === 'flexible' ? (wanted.unit_price_cents ?? last?.unit_price_cents) : undefined
  return {
    service_id: service.id,
    ...(wanted.quantity ? { quantity: wanted.quantity } : {}),
    ...(price !== undefined ? { unit_price_cents: price } : {}),
  }
}

/** Where each flexible-price line's price came from, in words the agent can repeat to the customer. */
function priceNotes(services: Row[], wanted: Array<{ unit_price_cents?: number }>, last: Map<string, LastPrice>, currency: string): Row[] {
  return services.flatMap((s, i) => {
    if (s.pricing !== 'flexible') return []
    const given = wanted[i].unit_price_cents
    const before = last.get(String(s.id))
    const [cents, from] =
      given !== undefined
        ? [given, 'as given']
        : before
          ? [before.unit_price_cents, `from the visit on ${before.date} (#${before.number})`]
          : [Number(s.price_cents ?? 0), 'the catalog price (no earlier visit with this service)']
    return [{ service: s.name, unit_price_cents: cents, note: `price: ${formatMoney(cents, before?.currency ?? currency)}, ${from}` }]
  })
}

/** A booked line as ticket.close takes it back: its id, the service, quantity and prices. */
function bookedLine(l: Row): Row {
  return {
    line_item_id: l.id,
    service_id: l.service_id,
    description: l.description,
    quantity: l.quantity,
    unit_price_cents: l.unit_price_cents,
    price_cents: l.price_cents,
  }
}

/** The wall-clock end of a slot, HH:MM. */
function endTime(s: FreeSlot, minutes: number, tz: string): string {
  const end = new Date(Date.parse(s.start) + minutes * 60_000)
  return localDate(end, tz) === s.date ? localTime(end, tz) : '24:00'
}
