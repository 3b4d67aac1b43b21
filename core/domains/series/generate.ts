import { callWithin } from '../../kernel/call-within.js'
import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { addDays, localDate, zonedInstant } from '../../vocabulary/time.js'
import { createTicket } from '../tickets/actions.js'
import { cancelAppointmentMessages } from '../messages/appointment-messages.js'
import { loadSeries, SERIES_HORIZON_DAYS, type SeriesRow } from './model.js'
import { occurrenceDates } from './recurrence.js'

/** What one generation pass did for a series. */
export interface GenerationResult {
  created: Array<{ ticket_id: string; number: number; occurrence: string }>
  /** Visits booked without some or all of their technicians (already booked then, or deactivated); someone must be assigned. */
  unassigned: Array<{ ticket_id: string; occurrence: string; reason: string }>
}

/**
 * Makes sure every visit of the series from today to the horizon exists as a ticket, booked through ticket.create's own
 * code so its confirmation and reminder emails are queued like any booking's. An occurrence that already has a ticket
 * (kept, moved or skipped) is never booked again, so running it twice books nothing new. A paused series whose pause has
 * run out becomes active again here. Locks the series first: two passes at once wait for each other.
 */
export async function generateVisits(ctx: OperationContext, seriesId: string): Promise<GenerationResult> {
  let series = await loadSeries(ctx.db, seriesId, true)
  const now = ctx.services.now()
  const today = localDate(now, series.time_zone)
  const through = addDays(today, SERIES_HORIZON_DAYS)
  const result: GenerationResult = { created: [], unassigned: [] }
  if (series.status === 'paused' && series.paused_until && series.paused_until <= today) series = await endPause(ctx, series)
  if (series.status === 'active' || (series.status === 'paused' && series.paused_until)) {
    const from = series.status === 'paused' && series.paused_until! > today ? series.paused_until! : today
    const dates = occurrenceDates(series, from, through).filter((d) => !series.skipped_dates.includes(d))
    const taken = await ctx.db.query<{ series_occurrence: string }>(
      'select series_occurrence from tickets where series_id = $1 and series_occurrence = any($2::date[])',
      [series.id, dates],
    )
    const have = new Set(taken.rows.map((r) => r.series_occurrence))
    for (const date of dates) {
      if (have.has(date)) continue
      const start = zonedInstant(date, series.start_time, series.time_zone)
      if (start <= now) continue
      result.created.push(await bookVisit(ctx, series, date, start, result))
    }
  }
  await ctx.db.query('update series set generated_through = $2 where id = $1', [series.id, through])
  // Visits booked together are confirmed once, with the first: the customer gets one confirmation, not one per visit.
  for (const later of result.created.slice(1)) {
    await cancelAppointmentMessages(ctx, later.ticket_id, ['confirmation', 'follow_up'], "confirmed with the series' first visit")
  }
  return result
}

/** One visit as a ticket linked to its occurrence; technicians already busy then are left off and reported. */
async function bookVisit(ctx: OperationContext, series: SeriesRow, date: string, start: Date, result: GenerationResult) {
  const input = (technicianIds: string[]) => ({
    contact_id: series.contact_id,
    ...(series.address_id ? { address_id: series.address_id } : {}),
    scheduled_start: start.toISOString(),
    duration_minutes: series.duration_minutes,
    technician_ids: technicianIds,
    line_items: series.line_items,
    is_price_estimated: series.is_price_estimated,
    ...(series.notes ? { notes: series.notes } : {}),
  })
  const team = await activeTechnicians(ctx, series.technician_ids)
  let ticket: Record<string, unknown>
  try {
    ticket = await callWithin(ctx, createTicket, input(team.active))
  } catch (err) {
    // The double-booking check refuses before anything is written, so the visit can still be booked, unassigned.
    if (!(err instanceof AppError && err.details?.reason === 'double_booking')) throw err
    ticket = await callWithin(ctx, createTicket, input([]))
    result.unassigned.push({ ticket_id: String(ticket.id), occurrence: date, reason: err.message })
  }
  if (team.gone.length && !result.unassigned.some((u) => u.ticket_id === String(ticket.id))) {
    result.unassigned.push({
      ticket_id: String(ticket.id),
      occurrence: date,
      reason: `${team.gone.join(', ')} ${team.gone.length > 1 ? 'were' : 'was'} deactivated and left off this visit`,
    })
  }
  await ctx.db.query('update tickets set series_id = $2, series_occurrence = $3 where id = $1', [ticket.id, series.id, date])
  await ctx.audit({
    entityType: 'ticket',
    entityId: String(ticket.id),
    action: 'series_link',
    before: null,
    after: { series_id: series.id, series_occurrence: date },
  })
  return { ticket_id: String(ticket.id), number: Number(ticket.number), occurrence: date }
}

/** The series' technicians still on the team, in the series' order, and the names of those deactivated since. */
async function activeTechnicians(ctx: OperationContext, ids: string[]): Promise<{ active: string[]; gone: string[] }> {
  if (!ids.length) return { active: [], gone: [] }
  const r = await ctx.db.query<{ id: string; name: string; deactivated: boolean }>(
    `select id, coalesce(nullif(name, ''), email) as name, deactivated_at is not null as deactivated from users where id = any($1::uuid[])`,
    [ids],
  )
  const gone = new Set(r.rows.filter((u) => u.deactivated).map((u) => u.id))
  return { active: ids.filter((id) => !gone.has(id)), gone: r.rows.filter((u) => u.deactivated).map((u) => u.name) }
}

/** A pause whose date has come: the series runs again, audited as the change it is. */
async function endPause(ctx: OperationContext, series: SeriesRow): Promise<SeriesRow> {
  await ctx.db.query(`update series set status = 'active', paused_until = null where id = $1`, [series.id])
  const after = await loadSeries(ctx.db, series.id, true)
  await ctx.audit({ entityType: 'series', entityId: series.id, action: 'resume', before: series, after })
  return after
}
