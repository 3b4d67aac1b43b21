import type { ToolContext } from '../tool.js'
import { callQuery } from '../../core/call-query.js'
import { scheduleMessage } from '../../core/domains/messages/actions.js'
import { scheduledMessagesQuery } from '../../core/domains/messages/queries.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'

type Row = Record<string, any>

/**
 * What a customer has planned after a visit: their next booked visit (other than that one), a pending reach-out, and
 * how to queue one when neither exists.
 */
export async function followUpOf(ctx: ToolContext, contactId: string, visitId: string | null): Promise<Row> {
  const upcoming = (await callQuery(ctx, ticketsQuery, { params: { contact_id: contactId, when: 'upcoming' }, limit: 2 })).items
  const next = upcoming.find((t) => t.id !== visitId)
  const reachOut = (
    await callQuery(ctx, scheduledMessagesQuery, { params: { contact_id: contactId, kind: 'reach_out', status: 'pending' }, limit: 1 })
  ).items.at(0)
  return {
    contact_id: contactId,
    next_ticket: next ? { id: next.id, number: next.number, scheduled_start: next.scheduled_start } : null,
    reach_out: reachOut ? { message_id: reachOut.id, send_at: reachOut.send_at } : null,
    ...(next || reachOut
      ? {}
      : {
          reach_out_with: {
            tool: 'crm_action',
            arguments: { domain: scheduleMessage.domain, action: scheduleMessage.name, data: { contact_id: contactId, kind: 'reach_out' } },
            add: 'data.send_at: when to email the customer about their next visit, ISO 8601 in the future',
          },
        }),
  }
}
