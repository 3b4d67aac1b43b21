import { z } from 'zod'
import { noteJson, noteText } from '../../kernel/sanitize.js'
import { ATTRIBUTE_KEY } from '../attributes/model.js'
import { closeCallLineInput, closeLineInput } from './close-lines.js'
import { instantInput } from './model.js'
import { earlyInput } from './visit-day.js'

// What closing a visit takes, apart from the closing itself: the close-out's checks and previews read these too.

/** What happens after this visit: the next one booked now, nothing, or a message in some months. */
export const nextServiceInput = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('schedule'),
      scheduled_start: instantInput.describe('Start of the next visit, ISO 8601; without an offset: business time zone'),
      duration_minutes: z.number().int().min(5).max(1440).optional().describe('Default: as long as this visit was booked for'),
    }),
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({ kind: z.literal('reach_out'), months: z.number().int().min(1).max(36).describe('Whole months from today') }),
    z.strictObject({ kind: z.literal('keep_series') }),
  ])
  .describe(
    'schedule: book the next visit now (same customer, address, technicians and services); none: no follow-up; ' +
      'reach_out: email the customer in that many months (a reach_out message); keep_series: the ticket belongs to a recurring series ' +
      'whose next visit is already booked, so nothing new is booked (its next visit is returned as next_ticket)',
  )

/** A fact about the customer confirmed at close-out. */
export const closeAttributeInput = z.strictObject({
  key: z.string().trim().regex(ATTRIBUTE_KEY, 'expected snake_case starting with a letter, e.g. pet_name'),
  value: noteJson().describe('Any JSON value except null'),
  confidence: z.number().min(0).max(1).optional().describe('How sure the extraction was, 0 to 1'),
})

/** The whole close-out of a ticket as one payload. */
export const closeTicketInput = z.strictObject({
  ticket_id: z.uuid(),
  duration_minutes: z.number().int().min(0).max(1440).describe('Time actually spent on site, in minutes'),
  line_items: z
    .array(closeLineInput)
    .min(1)
    .max(50)
    .describe(
      'The work as done: every line the ticket keeps (existing ones by line_item_id, new ones without); lines left out are removed',
    ),
  final_price_confirmed: z.boolean().optional().describe("Required true when the ticket's price was an estimate"),
  notes: noteText(5000, { allowEmpty: true }).describe('What the technician saw; "" for none'),
  next_service: nextServiceInput,
  attributes: z
    .array(closeAttributeInput)
    .max(40)
    .default([])
    .describe('Facts to keep on the customer, e.g. {key: "pet_name", value: "Biscuit"}'),
  early: earlyInput,
})

/** The close-out payload after validation. */
export type CloseTicketInput = z.output<typeof closeTicketInput>

/** ticket.close's input: the close-out's payload, where what the ticket already says may be left out. */
export const closeCallInput = closeTicketInput.extend({
  duration_minutes: closeTicketInput.shape.duration_minutes
    .optional()
    .describe('Time actually spent on site, in minutes. Default: first clock-in to last clock-out, once everyone clocked out'),
  line_items: z
    .array(closeCallLineInput)
    .min(1)
    .max(50)
    .optional()
    .describe(
      'The work as done, every line the ticket keeps (lines left out are removed); a line of a booked service (service or ' +
        'service_id, no line_item_id) is that booked line at its agreed price. Default: the lines as booked',
    ),
  notes: noteText(5000, { allowEmpty: true }).optional().describe('Required: what the technician saw; "" for none'),
  next_service: nextServiceInput
    .optional()
    .describe(`Required, except on a visit of a recurring series (default keep_series). ${nextServiceInput.description}`),
  send_invoice: z
    .boolean()
    .optional()
    .describe("true: bill the visit once closed, its invoice made and emailed as invoice.send does (the close-out's payment step)"),
})

/** A ticket.close call after validation. */
export type CloseCallInput = z.output<typeof closeCallInput>
