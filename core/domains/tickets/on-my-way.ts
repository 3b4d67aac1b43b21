import { z } from 'zod'
import { AppError, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { visitFor } from '../../vocabulary/places.js'
import { queueMessage } from '../messages/queue.js'
import { MESSAGE_RECORD } from '../messages/records.js'
import { isOnPlannedRoute } from '../routes/day.js'
import { lockTicket } from './model.js'

/** Tells the customer the technician is on the way, with when they should arrive. */
export const onMyWay = defineAction({
  key: 'ticket.on_my_way',
  phrases: ['on my way', 'heading to the customer', 'tell the customer we are coming', 'running late', 'eta'],
  title: 'On my way',
  place: visitFor('On my way'),
  words: { phrase: 'tell a customer you are on your way' },
  description:
    'Tell the customer that the technician is on the way, now, by the way they chose (text or email), with the ' +
    "arrival time: minutes_away from now, or without it the planned route's time when it is still ahead. " +
    'Refused (CONFLICT) once it is not scheduled or confirmed.',
  access: { agent: 'unrestricted', technician: 'assigned' },
  input: z.strictObject({
    ticket_id: z.uuid(),
    minutes_away: z
      .number()
      .int()
      .min(1)
      .max(240)
      .optional()
      .describe("How many minutes until arrival; left out: the planned route's time"),
  }),
  output: MESSAGE_RECORD,
  async run(ctx, input) {
    const ticket = await lockTicket(ctx.db, input.ticket_id)
    if (!['scheduled', 'confirmed'].includes(String(ticket.status))) {
      throw new AppError('CONFLICT', `Ticket #${ticket.number} is ${String(ticket.status).replace('_', ' ')}: no one is on the way`, {
        ticket_id: input.ticket_id,
      })
    }
    const now = ctx.services.now()
    let arrival: Date
    if (input.minutes_away) arrival = new Date(now.getTime() + input.minutes_away * 60_000)
    else if ((await isOnPlannedRoute(ctx.db, ticket.id)) && new Date(ticket.scheduled_start).getTime() > now.getTime())
      arrival = new Date(ticket.scheduled_start)
    else {
      throw validationError([
        { field: 'data.minutes_away', message: 'give the minutes until arrival: the visit has no planned route time still ahead' },
      ])
    }
    return queueMessage(ctx, {
      contact_id: String(ticket.contact_id),
      kind: 'on_my_way',
      send_at: now,
      ticket_id: input.ticket_id,
      arrival_at: arrival,
    })
  },
})
