import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { loadTenantSettings } from '../settings/model.js'
import {
  assertActive,
  audited,
  LINE_ITEM_COLUMNS,
  type LineItemRow,
  lockTicket,
  TICKET_RECORD,
  ticketDetail,
  type TicketRow,
} from './model.js'
import { insertLines, lineItemInput, loadServices, priceLine } from './pricing.js'
import { setClause } from '../../kernel/sql.js'
import { linePriceCents } from '../../vocabulary/money.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'
import { serviceNamed, serviceNameInput } from '../services/service-names.js'

/** Adds one line of work or goods to a ticket, priced by its service's rule. */
export const addLineItem = defineAction({
  key: 'ticket.add_line_item',
  example: { ticket_id: '#240', service_id: 'Screen Cleaning', quantity: 12 },
  phrases: [
    'add another service to a visit',
    'add work to an appointment',
    'they also want screens done on the visit',
    'add service',
    'add item',
    'upsell',
  ],
  title: 'Add a service to a visit',
  place: BY_AGENT_OR_API,
  words: { phrase: 'add work to an appointment' },
  description:
    'Add a line item to a scheduled, confirmed or in-progress ticket. Priced like ticket.create lines: fixed/product ' +
    'services use their price, per_unit services unit price x quantity, flexible services the unit_price_cents given (or ' +
    'the suggested price); the service by service_id or by name (service: the whole name in any case, or a part only one ' +
    'service has); without a service give description and unit_price_cents. Returns the ticket with new totals. ' +
    'The booked time does not change (use ticket.reschedule).',
  access: { agent: 'unrestricted', technician: 'assigned', customerText: { screened: ['description'] } },
  input: lineItemInput.extend({
    ticket_id: z.uuid(),
    service: serviceNameInput.optional().describe('A catalog service by name, instead of service_id'),
  }),
  output: TICKET_RECORD,
  shortAnswer: ['line_items', 'totals'],
  async run(ctx, input) {
    const { ticket_id, service, ...given } = input
    if (service !== undefined && given.service_id !== undefined)
      throw validationError([{ field: 'data.service', message: 'give service (a name) or service_id, not both' }])
    const ticket = await lockTicket(ctx.db, ticket_id)
    assertActive(ticket, 'get new line items')
    const line = service === undefined ? given : { ...given, service_id: await serviceNamed(ctx.db, service, 'data.service') }
    const settings = await loadTenantSettings(ctx.db)
    const services = await loadServices(ctx.db, line.service_id ? [{ id: line.service_id, field: 'data.service_id' }] : [])
    const priced = priceLine(line, line.service_id ? services.get(line.service_id) : undefined, 'data')
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    await insertLines(ctx.db, ctx.tenantId, ticket.id, [priced])
    return audited(ctx, ticket.id, 'add_line_item', before)
  },
})

/** Changes one line item; a catalog-priced line keeps its unit price. */
export const updateLineItem = defineAction({
  key: 'ticket.update_line_item',
  phrases: [
    'change the price of a line on a visit',
    'discount a service on the visit',
    'take a percent off a line on the visit',
    'change the quantity on the appointment',
  ],
  title: 'Change a service on a visit',
  place: BY_AGENT_OR_API,
  words: { phrase: 'change work or prices on an appointment' },
  description:
    'Change a line item of a scheduled, confirmed or in-progress ticket: description, quantity, duration_minutes, taxable, and ' +
    'unit_price_cents (only for flexible services and lines without a service). Only the fields given change. Returns the ticket with new totals.',
  access: { agent: 'unrestricted', technician: 'assigned', customerText: { screened: ['description'] } },
  idempotent: true,
  input: z.strictObject({
    line_item_id: z.uuid(),
    description: z.string().trim().min(1).max(500).optional(),
    quantity: z.number().int().min(1).max(10_000).optional(),
    unit_price_cents: z.number().int().min(0).max(100_000_000).optional(),
    duration_minutes: z.number().int().min(0).max(1440).nullable().optional().describe('null clears it'),
    taxable: z.boolean().optional(),
  }),
  output: TICKET_RECORD,
  shortAnswer: ['line_items', 'totals'],
  async run(ctx, input) {
    const { line, ticket } = await lockLine(ctx.db, input.line_item_id)
    assertActive(ticket, 'change its line items')
    if (input.unit_price_cents !== undefined && input.unit_price_cents !== line.unit_price_cents && line.service_id) {
      const service = (await loadServices(ctx.db, [{ id: line.service_id, field: 'data.line_item_id' }])).get(line.service_id)!
      if (service.pricing !== 'flexible') {
        throw validationError([
          {
            field: 'data.unit_price_cents',
            message:
              `${line.description} is ${service.name}, a ${service.pricing.replace('_', '-')} ` +
              `service at ${line.unit_price_cents} cents; only flexible services and lines without a service take a new price`,
          },
        ])
      }
    }
    linePriceCents(input.quantity ?? line.quantity, input.unit_price_cents ?? line.unit_price_cents, 'data')
    const settings = await loadTenantSettings(ctx.db)
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    const { line_item_id, ...changes } = input
    const { sets, values } = setClause(changes)
    if (!sets.length) return before
    values.push(line_item_id)
    await ctx.db.query(`update ticket_line_items set ${sets.join(', ')} where id = $${values.length}`, values)
    return audited(ctx, ticket.id, 'update_line_item', before)
  },
})

/** Takes one line item off a ticket. */
export const removeLineItem = defineAction({
  key: 'ticket.remove_line_item',
  phrases: ['take a service off the visit', 'remove a line from the appointment', 'they no longer want that part done'],
  title: 'Remove a service from a visit',
  place: BY_AGENT_OR_API,
  words: { phrase: 'remove work from an appointment' },
  description:
    'Remove a line item from a scheduled, confirmed or in-progress ticket. Returns the ticket with new totals; the audit trail keeps the removed line.',
  access: { agent: 'unrestricted', technician: 'assigned' },
  input: z.strictObject({ line_item_id: z.uuid() }),
  output: TICKET_RECORD,
  shortAnswer: ['line_items', 'totals'],
  async run(ctx, input) {
    const { ticket } = await lockLine(ctx.db, input.line_item_id)
    assertActive(ticket, 'lose line items')
    const settings = await loadTenantSettings(ctx.db)
    const before = await ticketDetail(ctx.db, ticket.id, settings)
    await ctx.db.query('delete from ticket_line_items where id = $1', [input.line_item_id])
    return audited(ctx, ticket.id, 'remove_line_item', before)
  },
})

/** A line item and its ticket, the ticket locked first so line changes of one ticket take turns. */
async function lockLine(tx: Queryable, id: string): Promise<{ line: LineItemRow; ticket: TicketRow }> {
  const owner = await tx.query<{ ticket_id: string }>('select ticket_id from ticket_line_items where id = $1', [id])
  if (!owner.rows[0]) throw notFound('line item', id)
  const ticket = await lockTicket(tx, owner.rows[0].ticket_id)
  const r = await tx.query<LineItemRow>(`select ${LINE_ITEM_COLUMNS} from ticket_line_items where id = $1`, [id])
  if (!r.rows[0])
    throw new AppError('CONFLICT', `Line item ${id} was removed by another request at the same time; reload the ticket`, {
      retryable: true,
    })
  return { line: r.rows[0], ticket }
}
