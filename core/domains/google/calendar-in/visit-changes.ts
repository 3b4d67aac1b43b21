import type { Queryable } from '../../../db/types.js'
import { isUuid } from '../../../kernel/schema-types.js'
import type { ReadEvent } from './calls.js'
import { instantOf } from './busy-blocks.js'
import { isOwnWrite } from './own-write.js'

/** The private extended property that names the visit an event of ours shows. */
export const TICKET_PROPERTY = 'crmTicketId'

/** The visit an event shows when we wrote it, or null for the person's own events. */
export function ticketIdOf(event: ReadEvent): string | null {
  const id = event.extendedProperties?.private?.[TICKET_PROPERTY]
  return isUuid(id) ? id.toLowerCase() : null
}

/** What reading one event of a visit did. */
export type VisitOutcome = 'unchanged' | 'requested' | 'seen' | 'ignored' | 'not ours'

/** Where the event was read. */
export interface ReadPlace {
  tenantId: string
  userId: string
  calendarId: string
  timeZone: string
  now: Date
}

/**
 * Turns a visit's event moved or deleted in Google into a request for the owner or the agent; the booking itself is
 * never changed here. Our own write read back (the etag or sequence Google answered to it) and an event that still
 * shows the visit's time raise nothing; a change already seen (the same etag of the event, after the same write of ours) raises
 * nothing again, so a full read after a 410 repeats nothing. seriesEventId names our recurring event when the change was
 * made to all of it.
 */
export async function applyVisitEvent(
  tx: Queryable,
  at: ReadPlace,
  event: ReadEvent,
  ticketId: string,
  seriesEventId: string | null = null,
): Promise<VisitOutcome> {
  const t = await tx.query<{ status: string; scheduled_start: Date; scheduled_end: Date; assigned: boolean }>(
    `select t.status, t.scheduled_start, t.scheduled_end,
       exists (select 1 from ticket_technicians tt where tt.ticket_id = t.id and tt.user_id = $2) as assigned
     from tickets t where t.id = $1`,
    [ticketId, at.userId],
  )
  const ticket = t.rows[0]
  // Another business's visit, or one no longer this person's (reassigned: its event here is ours to remove): nothing to ask.
  if (!ticket?.assigned) return 'not ours'
  // What we last wrote there: an event we removed (the visit reassigned or cancelled), or one no person moved or deleted
  // since our last write, is our own write read back.
  const written = await tx.query<{ state: string; etag: string | null; sequence: number | null }>(
    'select state, etag, sequence from google_events where ticket_id = $1 and user_id = $2 and calendar_id = $3',
    [ticketId, at.userId, at.calendarId],
  )
  const ours = written.rows[0]
  if (ours?.state === 'deleted') return 'not ours'
  if (isOwnWrite(event, ours)) return 'unchanged'
  const wasStart = new Date(ticket.scheduled_start)
  const wasEnd = new Date(ticket.scheduled_end)
  const cancelled = event.status === 'cancelled'
  const start = cancelled ? null : instantOf(event.start, at.timeZone)
  const end = cancelled ? null : instantOf(event.end, at.timeZone)
  if (!cancelled && (!start || !end || end <= start)) return 'unchanged'
  const same = !cancelled && start?.getTime() === wasStart.getTime() && end?.getTime() === wasEnd.getTime()
  if (ticket.status === 'cancelled' || same) {
    // Moved back to the visit's own time (or the visit is gone): an open request about it has nothing left to ask.
    await tx.query(
      `update google_change_requests set status = 'superseded', note = 'Google shows the visit as booked again'
       where ticket_id = $1 and user_id = $2 and status = 'open'`,
      [ticketId, at.userId],
    )
    return 'unchanged'
  }
  // A deleted event may come with no etag (and no change time): what we last wrote tells one deletion from the next.
  const version = { event: event.etag ?? null, written: ours?.etag ?? null }
  const seen = await tx.query(
    `select 1 from google_change_requests
     where ticket_id = $1 and user_id = $2 and calendar_id = $3 and event_id = $4
       and event_etag is not distinct from $5::text and written_etag is not distinct from $6::text limit 1`,
    [ticketId, at.userId, at.calendarId, event.id, version.event, version.written],
  )
  if (seen.rows.length) return 'seen'
  const closed = ticket.status === 'completed' || ticket.status === 'no_show'
  await tx.query(
    `update google_change_requests set status = 'superseded', note = 'A later change in Google replaced it'
     where ticket_id = $1 and user_id = $2 and status = 'open'`,
    [ticketId, at.userId],
  )
  await tx.query(
    `insert into google_change_requests (tenant_id, ticket_id, user_id, calendar_id, event_id, kind, proposed_start, proposed_end,
       was_start, was_end, google_updated, status, note, created_at, series_event_id, event_etag, written_etag)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      at.tenantId,
      ticketId,
      at.userId,
      at.calendarId,
      event.id,
      cancelled ? 'cancel' : 'reschedule',
      start,
      end,
      wasStart,
      wasEnd,
      event.updated ? new Date(event.updated) : null,
      closed ? 'ignored' : 'open',
      closed ? `The visit is ${ticket.status === 'completed' ? 'completed' : 'closed as a no-show'}: it never changes` : null,
      at.now,
      seriesEventId,
      version.event,
      version.written,
    ],
  )
  return closed ? 'ignored' : 'requested'
}
