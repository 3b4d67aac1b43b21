import { zonedInstant } from '../../vocabulary/time.js'
import type { TemplateSamples } from '../messages/message-kind.js'
import type { Queryable } from '../../db/types.js'
import { clockTime, longDate } from '../../text/date-words.js'
import type { TemplateValues } from '../../text/templating.js'
import { formatMoney } from '../../vocabulary/money.js'
import { ESTIMATED, ticketTotals, type TotalledLine } from '../../vocabulary/ticket-totals.js'
import type { RecordValues, ValuesMoment, TemplateVariables } from '../messages/message-kind.js'
import type { TenantSettings } from '../settings/model.js'

/**
 * An appointment's price with tax as its email shows it, "$184.03", or "$184.03 (Estimated)" when the ticket was booked
 * with an estimated price; null for a ticket with no priced line.
 */
function appointmentPrice(lines: TotalledLine[], estimated: boolean, settings: TenantSettings): string | null {
  if (!lines.length) return null
  const price = formatMoney(ticketTotals(lines, settings).total_cents, settings.currency)
  return estimated ? `${price} (${ESTIMATED})` : price
}

/** A visit as its emails show it: the day, the times, the address, the services and the price. */
async function visitValues(tx: Queryable, ticketId: string, { settings }: ValuesMoment): Promise<TemplateValues> {
  const t = await tx.query<{
    scheduled_start: Date
    scheduled_end: Date
    address: string | null
    services: string | null
    is_price_estimated: boolean
    lines: TotalledLine[]
  }>(
    `select t.scheduled_start, t.scheduled_end, t.is_price_estimated,
            (select concat_ws(', ', a.line1, a.line2, a.city, concat_ws(' ', a.state, a.postal_code)) from addresses a where a.id = t.address_id) as address,
            (select string_agg(li.description, ', ' order by li.position, li.created_at) from ticket_line_items li where li.ticket_id = t.id) as services,
            (select coalesce(jsonb_agg(jsonb_build_object('price_cents', li.price_cents, 'taxable', li.taxable, 'duration_minutes', li.duration_minutes)), '[]')
             from ticket_line_items li where li.ticket_id = t.id) as lines
     from tickets t where t.id = $1`,
    [ticketId],
  )
  const ticket = t.rows[0]
  if (!ticket) return {}
  const tz = settings.timezone
  return {
    appointment_date: longDate(ticket.scheduled_start, tz),
    appointment_time: clockTime(ticket.scheduled_start, tz),
    appointment_end_time: clockTime(ticket.scheduled_end, tz),
    appointment_address: ticket.address,
    services: ticket.services,
    appointment_price: appointmentPrice(ticket.lines, ticket.is_price_estimated, settings),
  }
}

/** No kind of email of its own: the emails about a visit are the messages domain's. */
export const messageKinds: readonly never[] = []

/** What a visit gives the template of any message about it. */
export const messageValues: readonly RecordValues[] = [{ column: 'ticket_id', values: visitValues }]

/** The variables this domain fills in the templates of its emails, with what each holds when a message is rendered. */
export const templateVariables: TemplateVariables = {
  appointment_date: "The appointment's date in the business's time zone, e.g. Tuesday, March 3, 2026",
  appointment_time: "The appointment's start time in the business's time zone, e.g. 9:00 AM",
  appointment_end_time: "The appointment's end time in the business's time zone, e.g. 11:00 AM",
  appointment_address: 'The service address of the appointment on one line, e.g. 123 Oak St, Huntsville, AL 35801',
  services: "The appointment's line items as a comma-separated list, e.g. Exterior Window Cleaning, Screen Cleaning",
  appointment_price:
    "The appointment's price with tax, with 'Estimated' beside it when it was booked with an estimated price to be " +
    'confirmed on site, e.g. $184.03 (Estimated); empty when it has no priced line (its line dropped, with a short label)',
}

/** Made-up values of this domain's variables, for a template preview without a real customer. */
export const templateSamples: TemplateSamples = ({ settings, day, start }) => ({
  appointment_date: longDate(start, settings.timezone),
  appointment_time: clockTime(start, settings.timezone),
  appointment_end_time: clockTime(zonedInstant(day, '11:00', settings.timezone), settings.timezone),
  appointment_address: '123 Oak St, Springfield, IL 62701',
  services: 'Exterior Window Cleaning, Screen Cleaning',
  appointment_price: `${formatMoney(11_500, settings.currency)} (${ESTIMATED})`,
})
