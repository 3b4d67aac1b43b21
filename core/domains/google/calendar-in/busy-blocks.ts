import type { BusyTimeSource } from '../../../vocabulary/busy-time.js'
import type { Queryable } from '../../../db/types.js'
import { zonedInstant } from '../../../vocabulary/time.js'
import type { EventTime, ReadEvent } from './calls.js'

/** An event's start or end as an instant: a dateTime as given, an all-day date from midnight in the business's zone. */
export function instantOf(t: EventTime | undefined, timeZone: string): Date | null {
  if (t?.dateTime) {
    const d = new Date(t.dateTime)
    return Number.isNaN(d.getTime()) ? null : d
  }
  if (t?.date && /^\d{4}-\d{2}-\d{2}$/.test(t.date)) return zonedInstant(t.date, '00:00', timeZone)
  return null
}

/** The busy time an event of the person's own holds, or null when it frees them (cancelled, shown as free, no times). */
export function busyTimeOf(event: ReadEvent, timeZone: string): { start: Date; end: Date } | null {
  if (event.status === 'cancelled' || event.transparency === 'transparent') return null
  // A recurring event's first time stands for all of them: its occurrences are read one by one (recurring.ts).
  if (event.recurrence?.length) return null
  const start = instantOf(event.start, timeZone)
  const end = instantOf(event.end, timeZone)
  if (!start || !end || end <= start) return null
  return { start, end }
}

/**
 * Keeps (or drops) the busy block an event of the person's own calendar makes: times only, never its words. An
 * occurrence changed alone names its recurring event; an event that is not recurring (any more) has no occurrences.
 */
export async function applyBusyEvent(
  tx: Queryable,
  at: { tenantId: string; userId: string; calendarId: string },
  event: ReadEvent,
  timeZone: string,
): Promise<'kept' | 'dropped'> {
  const busy = busyTimeOf(event, timeZone)
  if (!busy) {
    await tx.query('delete from google_busy_blocks where user_id = $1 and calendar_id = $2 and event_id = $3', [
      at.userId,
      at.calendarId,
      event.id,
    ])
    if (!event.recurringEventId) await dropBusySeries(tx, at, event.id)
    return 'dropped'
  }
  if (!event.recurringEventId) await dropBusySeries(tx, at, event.id)
  await tx.query(
    `insert into google_busy_blocks (tenant_id, user_id, calendar_id, event_id, starts_at, ends_at, series_event_id)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id, user_id, calendar_id, event_id) do update
       set starts_at = excluded.starts_at, ends_at = excluded.ends_at, series_event_id = excluded.series_event_id`,
    [at.tenantId, at.userId, at.calendarId, event.id, busy.start, busy.end, event.recurringEventId ?? null],
  )
  return 'kept'
}

/** Forgets a recurring event of the person's own: it no longer blocks anything. */
export async function dropBusySeries(tx: Queryable, at: { userId: string; calendarId: string }, eventId: string): Promise<void> {
  await tx.query('delete from google_busy_blocks where user_id = $1 and calendar_id = $2 and series_event_id = $3', [
    at.userId,
    at.calendarId,
    eventId,
  ])
  await tx.query('delete from google_busy_series where user_id = $1 and calendar_id = $2 and event_id = $3', [
    at.userId,
    at.calendarId,
    eventId,
  ])
}

/** After a full read: drops the blocks of events Google no longer lists (an occurrence goes with its recurring event). */
export async function dropUnlistedBlocks(tx: Queryable, userId: string, calendarId: string, listed: string[]): Promise<number> {
  const r = await tx.query(
    `delete from google_busy_blocks where user_id = $1 and calendar_id = $2 and event_id <> all($3::text[])
       and (series_event_id is null or series_event_id <> all($3::text[]))`,
    [userId, calendarId, listed],
  )
  await tx.query('delete from google_busy_series where user_id = $1 and calendar_id = $2 and event_id <> all($3::text[])', [
    userId,
    calendarId,
    listed,
  ])
  return r.rowCount ?? 0
}

/** The people's busy blocks that overlap a window, for availability and booking. */
export async function busyBlocksOf(
  tx: Queryable,
  userIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Array<{ user_id: string; starts_at: Date; ends_at: Date }>> {
  if (!userIds.length) return []
  const r = await tx.query<{ user_id: string; starts_at: Date; ends_at: Date }>(
    `select user_id, starts_at, ends_at from google_busy_blocks
     where user_id = any($1::uuid[]) and starts_at < $3 and ends_at > $2 order by starts_at`,
    [[...userIds], from, to],
  )
  return r.rows
}

/** The busy time Google calendars report, as availability and booking read it (registered by the Google domain). */
export const googleBusyTime: BusyTimeSource = async (tx, userIds, from, to) =>
  (await busyBlocksOf(tx, userIds, from, to)).map((b) => ({ ...b, where: 'their Google calendar', reason: 'google_busy' }))
