import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { loadTenantSettings } from '../settings/model.js'
import { assignTechnicians, cancelTicket, rescheduleTicket } from '../tickets/actions.js'
import { assertActive, audited, lockTicket, ticketDetail } from '../tickets/model.js'
import { insertLines, loadServices, priceLine, type LineItemInput } from '../tickets/pricing.js'

/** What changes on one visit; fields left out stay as they are. */
export interface VisitChange {
  start?: Date
  duration_minutes?: number
  technician_ids?: string[]
  line_items?: LineItemInput[]
}

/**
 * Changes one visit through the ticket actions' own code: a new time is a reschedule (the customer is asked to confirm
 * again and the emails follow the new time), technicians are checked for double booking, and new work is priced by the
 * catalog like any booking.
 */
export async function rewriteVisit(ctx: OperationContext, ticketId: string, change: VisitChange, field = 'data'): Promise<void> {
  if (change.start || change.duration_minutes !== undefined) {
    const t = await lockTicket(ctx.db, ticketId)
    const start = change.start ?? new Date(t.scheduled_start)
    await callWithin(ctx, rescheduleTicket, {
      ticket_id: ticketId,
      scheduled_start: start.toISOString(),
      duration_minutes: change.duration_minutes ?? (new Date(t.scheduled_end).getTime() - new Date(t.scheduled_start).getTime()) / 60_000,
    })
  }
  if (change.technician_ids) await callWithin(ctx, assignTechnicians, { ticket_id: ticketId, technician_ids: change.technician_ids })
  if (change.line_items) await replaceLines(ctx, ticketId, change.line_items, `${field}.line_items`)
}

/** Replaces a visit's work with the given lines, priced like ticket.create's. */
async function replaceLines(ctx: OperationContext, ticketId: string, lines: LineItemInput[], field: string): Promise<void> {
  const ticket = await lockTicket(ctx.db, ticketId)
  assertActive(ticket, 'change its work')
  const settings = await loadTenantSettings(ctx.db)
  const services = await loadServices(
    ctx.db,
    lines.flatMap((l, i) => (l.service_id ? [{ id: l.service_id, field: `${field}.${i}.service_id` }] : [])),
  )
  const priced = lines.map((l, i) => priceLine(l, l.service_id ? services.get(l.service_id) : undefined, `${field}.${i}`))
  const before = await ticketDetail(ctx.db, ticketId, settings)
  await ctx.db.query('delete from ticket_line_items where ticket_id = $1', [ticketId])
  await insertLines(ctx.db, ctx.tenantId, ticketId, priced)
  await audited(ctx, ticketId, 'series_update_lines', before)
}

/** Cancels a visit with ticket.cancel's own code, so the customer's pending emails are cancelled as for any cancellation. */
export async function cancelVisit(ctx: OperationContext, ticketId: string, reason: string): Promise<void> {
  await callWithin(ctx, cancelTicket, { ticket_id: ticketId, reason })
}
