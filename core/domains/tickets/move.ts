import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { refreshContactLifecycles } from '../contacts/lifecycle.js'
import { replaceAppointmentMessages } from '../messages/appointment-messages.js'
import { loadTenantSettings } from '../settings/model.js'
import { assertNoDoubleBooking, lockTechnicianCalendars } from './booking.js'
import { audited, ticketDetail, type TicketRow } from './model.js'

/** Where a visit goes: its start and end, and (when they change) the whole set of technicians doing it. */
export interface VisitMove {
  start: Date
  end: Date
  technicianIds?: readonly string[]
  /** The business moved it (a technician's sick day): the customer is told it moved, not only asked to confirm. */
  tellCustomer?: boolean
  /** A few words for that email. */
  note?: string
  /** Other visits moving in the same call and not yet moved: their old times are no clash. */
  movingTicketIds?: readonly string[]
}

/** A visit after a move, and the appointment emails queued for its new time. */
export interface MovedVisit {
  ticket: Record<string, unknown>
  emails: Array<Record<string, unknown>>
}

/**
 * Moves a locked, active ticket in time and between technicians, by the one set of rules every move follows: whoever
 * does it must be free then (else CONFLICT naming the clash); someone who clocked in stays on it; a new start resets
 * the customer's confirmation (a confirmed visit goes back to scheduled) and queues its emails anew, while a new length
 * alone asks nothing again. Audited under `action`; a move that changes nothing returns the visit as it is.
 */
export async function moveVisit(ctx: OperationContext, ticket: TicketRow, move: VisitMove, action: string): Promise<MovedVisit> {
  const settings = await loadTenantSettings(ctx.db)
  const before = await ticketDetail(ctx.db, ticket.id, settings)
  const current = before.technicians as Array<{ user_id: string; name: string; clock_in_at: Date | null }>
  const wanted = move.technicianIds ? [...move.technicianIds] : current.map((t) => t.user_id)
  const removed = current.filter((t) => !wanted.includes(t.user_id))
  const added = wanted.filter((id) => !current.some((t) => t.user_id === id))
  const oldStart = new Date(ticket.scheduled_start)
  const newStart = move.start.getTime() !== oldStart.getTime()
  const newTime = newStart || move.end.getTime() !== new Date(ticket.scheduled_end).getTime()
  if (!newTime && !removed.length && !added.length) return { ticket: before, emails: [] }
  const clockedIn = removed.find((t) => t.clock_in_at)
  if (clockedIn) {
    throw new AppError(
      'CONFLICT',
      `${clockedIn.name || clockedIn.user_id} clocked in on ticket #${ticket.number} and cannot be removed: ` +
        'their time on the job would be lost',
      { ticket_id: ticket.id, technician_id: clockedIn.user_id },
    )
  }
  // At the same time only the newcomers can clash; at a new time everyone on the visit must be free again.
  const checked = newTime ? wanted : added
  await lockTechnicianCalendars(ctx.db, ctx.tenantId, checked)
  await assertNoDoubleBooking(ctx.db, {
    technicianIds: checked,
    start: move.start,
    end: move.end,
    exceptTicketId: ticket.id,
    movingTicketIds: move.movingTicketIds,
    timeZone: settings.timezone,
  })
  if (newTime) {
    // The customer confirmed a day and a time: only a new start still to come asks them again. A visit made longer or
    // shorter does not, nor one moved to a time already here (to close the work done today), which no one can answer.
    const asksAgain = newStart && move.start > ctx.services.now()
    await ctx.db.query(
      asksAgain
        ? `update tickets set scheduled_start = $2, scheduled_end = $3, confirmation_status = 'pending', confirmation_note = null,
           status = case when status = 'confirmed' then 'scheduled' else status end
         where id = $1`
        : 'update tickets set scheduled_start = $2, scheduled_end = $3 where id = $1',
      [ticket.id, move.start, move.end],
    )
  }
  if (removed.length) {
    await ctx.db.query('delete from ticket_technicians where ticket_id = $1 and user_id = any($2::uuid[])', [
      ticket.id,
      removed.map((t) => t.user_id),
    ])
  }
  if (added.length) {
    await ctx.db.query('insert into ticket_technicians (tenant_id, ticket_id, user_id) select $1, $2, u from unnest($3::uuid[]) u', [
      ctx.tenantId,
      ticket.id,
      added,
    ])
  }
  const emails = newStart
    ? await replaceAppointmentMessages(ctx, ticket.id, move.tellCustomer ? { from: oldStart, note: move.note } : null)
    : []
  const after = await audited(ctx, ticket.id, action, before)
  if (newTime) await refreshContactLifecycles(ctx, [ticket.contact_id])
  return { ticket: after, emails }
}
