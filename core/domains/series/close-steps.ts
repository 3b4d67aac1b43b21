import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import type { VisitClose } from '../tickets/close-workflow.js'
import { createTicket } from '../tickets/actions.js'
import { continuingSeriesOf } from './model.js'
import { servicesById } from '../services/model.js'

/** keep_series needs a series that keeps going: checked before the close writes anything, so it is a clear error. */
export async function checkKeptSeries(ctx: OperationContext, close: VisitClose): Promise<void> {
  if (close.input.next_service.kind === 'keep_series') await continuingSeriesOf(ctx.db, close.ticket.id, 'data.next_service.kind')
}

/** The next visit the close asked for: booked now at the chosen time, or the series' next one when the series keeps going. */
export async function bookNextVisit(ctx: OperationContext, close: VisitClose): Promise<void> {
  const next = close.input.next_service
  if (next.kind === 'schedule') close.result.next_ticket = await bookNext(ctx, close, next)
  if (next.kind === 'keep_series') {
    close.result.next_ticket = (await continuingSeriesOf(ctx.db, close.ticket.id, 'data.next_service.kind')).next_visit
  }
}

/** Books the next visit like this one: same customer, address, technicians and work, at the chosen time. */
async function bookNext(
  ctx: OperationContext,
  { ticket, before, lines }: VisitClose,
  next: Extract<VisitClose['input']['next_service'], { kind: 'schedule' }>,
): Promise<VisitClose['result']['next_ticket']> {
  const booked = (new Date(ticket.scheduled_end).getTime() - new Date(ticket.scheduled_start).getTime()) / 60_000
  const address = ticket.address_id
    ? (await ctx.db.query('select 1 from addresses where id = $1 and archived_at is null', [ticket.address_id])).rows[0]
    : undefined
  const named = await servicesById(
    ctx.db,
    lines.flatMap((l) => (l.service_id ? [l.service_id] : [])),
  )
  const bookable = new Set([...named.values()].filter((s) => s.archived_at === null).map((s) => s.id))
  const created = await callWithin(ctx, createTicket, {
    contact_id: ticket.contact_id,
    address_id: address && ticket.address_id ? ticket.address_id : undefined,
    scheduled_start: next.scheduled_start,
    duration_minutes: next.duration_minutes ?? Math.min(1440, Math.max(5, booked)),
    technician_ids: (before.technicians as Array<{ user_id: string }>).map((t) => t.user_id),
    line_items: lines
      .filter((l) => !l.service_id || bookable.has(l.service_id))
      .map((l) => ({
        ...(l.service_id ? { service_id: l.service_id } : { description: l.description }),
        quantity: l.quantity,
        ...(l.price_editable ? { unit_price_cents: l.unit_price_cents } : {}),
        taxable: l.taxable,
      })),
  })
  const t = created as Record<string, unknown>
  await ctx.db.query('update tickets set previous_ticket_id = $2 where id = $1', [t.id, ticket.id])
  return { id: String(t.id), number: Number(t.number), scheduled_start: t.scheduled_start as Date, scheduled_end: t.scheduled_end as Date }
}
