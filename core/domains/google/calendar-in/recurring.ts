import { type GoogleCaller, GoogleError } from '../../../clients/google.js'
import { listGoogleInstances } from '../../../clients/google-calendar.js'
import type { Queryable } from '../../../db/types.js'
import { localDate } from '../../../vocabulary/time.js'
import { busyTimeOf, dropBusySeries, instantOf } from './busy-blocks.js'
import type { ReadEvent } from './calls.js'
import { isOwnWrite, type WrittenVersion } from './own-write.js'
import { applyVisitEvent, type ReadPlace } from './visit-changes.js'

const DAY = 86_400_000
/** How far ahead a person's own recurring event blocks their time: its occurrences are read a year and a day on. */
export const BUSY_AHEAD_DAYS = 366
/** The occurrences are read again once a month has passed since, so the year ahead stays covered. */
const READ_AGAIN_AFTER_DAYS = 30

/** A recurring event read back whose occurrences are asked of Google: the person's own (busy) or one of ours. */
export interface RecurringRead {
  eventId: string
  kind: 'busy' | 'ours'
}

/** The window of occurrences read: from a day back (a visit of today) to a year ahead. */
export function occurrenceWindow(now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - DAY), to: new Date(now.getTime() + BUSY_AHEAD_DAYS * DAY) }
}

/** Our recurring events (a series' visits) in this calendar, by Google id, with what Google answered to our last write. */
export async function ourRecurringEvents(tx: Queryable, at: { userId: string; calendarId: string }): Promise<Map<string, WrittenVersion>> {
  const r = await tx.query<WrittenVersion & { event_id: string }>(
    `select event_id, etag, sequence from google_series_events where user_id = $1 and calendar_id = $2 and state <> 'deleted'`,
    [at.userId, at.calendarId],
  )
  return new Map(r.rows.map((row) => [row.event_id, { etag: row.etag, sequence: row.sequence }]))
}

/**
 * The recurring event an occurrence read back belongs to: its recurringEventId, else the id Google names occurrences
 * by (the recurring event's id, '_', the original start), as a deleted one may come with its id alone.
 */
export function recurringEventOf(event: ReadEvent): string | null {
  if (event.recurringEventId) return event.recurringEventId
  const cut = event.id.lastIndexOf('_')
  return cut > 0 ? event.id.slice(0, cut) : null
}

/** Whether an event read back is one of our recurring events (a series' visits), never the person's busy time. */
export function isOurRecurringEvent(event: ReadEvent, ours: Map<string, WrittenVersion>): boolean {
  return ours.has(event.id) || Boolean(event.extendedProperties?.private?.crmSeriesId && !event.recurringEventId)
}

/**
 * The recurring events whose occurrences must be read: the person's own that block time, changed now or read a month
 * ago; ours changed in Google (not our own write read back). Ours deleted need no read: their visits are known here.
 */
export async function recurringToRead(
  tx: Queryable,
  at: { userId: string; calendarId: string; now: Date },
  events: ReadEvent[],
  ours: Map<string, WrittenVersion>,
): Promise<RecurringRead[]> {
  const out = new Map<string, RecurringRead>()
  for (const e of events) {
    if (isOurRecurringEvent(e, ours)) {
      const written = ours.get(e.id)
      if (e.status === 'cancelled' || written === undefined || isOwnWrite(e, written)) continue
      out.set(e.id, { eventId: e.id, kind: 'ours' })
    } else if (e.recurrence?.length && e.status !== 'cancelled' && e.transparency !== 'transparent') {
      out.set(e.id, { eventId: e.id, kind: 'busy' })
    }
  }
  const due = await tx.query<{ event_id: string }>(
    'select event_id from google_busy_series where user_id = $1 and calendar_id = $2 and read_at < $3',
    [at.userId, at.calendarId, new Date(at.now.getTime() - READ_AGAIN_AFTER_DAYS * DAY)],
  )
  const listed = new Set(events.map((e) => e.id))
  for (const { event_id } of due.rows) if (!listed.has(event_id)) out.set(event_id, { eventId: event_id, kind: 'busy' })
  return [...out.values()]
}

/** A recurring event's occurrences in a window (events.instances, every page), or null when Google no longer has it. */
export async function readOccurrences(
  caller: GoogleCaller,
  calendarId: string,
  eventId: string,
  window: { from: Date; to: Date },
): Promise<ReadEvent[] | null> {
  const out: ReadEvent[] = []
  let pageToken: string | undefined
  try {
    do {
      const page = await listGoogleInstances(caller, calendarId, eventId, {
        timeMin: window.from.toISOString(),
        timeMax: window.to.toISOString(),
        maxResults: 2500,
        pageToken,
      })
      out.push(...((page?.items ?? []) as ReadEvent[]))
      pageToken = page?.nextPageToken
    } while (pageToken)
  } catch (err) {
    // Gone (deleted, purged) or no longer recurring: it blocks nothing as a recurring event.
    if (err instanceof GoogleError && [400, 404, 410].includes(err.status)) return null
    throw err
  }
  return out
}

/** Makes the busy blocks of the person's own recurring event again from its occurrences (none when it is gone). */
export async function applyBusySeries(
  tx: Queryable,
  at: ReadPlace,
  eventId: string,
  occurrences: ReadEvent[] | null,
  window: { to: Date },
): Promise<number> {
  await tx.query('delete from google_busy_blocks where user_id = $1 and calendar_id = $2 and series_event_id = $3', [
    at.userId,
    at.calendarId,
    eventId,
  ])
  if (!occurrences) {
    await dropBusySeries(tx, at, eventId)
    return 0
  }
  let kept = 0
  for (const occurrence of occurrences) {
    const busy = busyTimeOf(occurrence, at.timeZone)
    if (!busy) continue
    await tx.query(
      `insert into google_busy_blocks (tenant_id, user_id, calendar_id, event_id, starts_at, ends_at, series_event_id)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (tenant_id, user_id, calendar_id, event_id) do update
         set starts_at = excluded.starts_at, ends_at = excluded.ends_at, series_event_id = excluded.series_event_id`,
      [at.tenantId, at.userId, at.calendarId, occurrence.id, busy.start, busy.end, eventId],
    )
    kept++
  }
  await tx.query(
    `insert into google_busy_series (tenant_id, user_id, calendar_id, event_id, read_through, read_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (tenant_id, user_id, calendar_id, event_id) do update set read_through = excluded.read_through, read_at = excluded.read_at`,
    [at.tenantId, at.userId, at.calendarId, eventId, window.to, at.now],
  )
  return kept
}

/**
 * One of our recurring events read back after a change made to all of it in Google: deleted, each visit it shows from
 * now on becomes a cancel request; changed, each visit is compared with its occurrence (by id, else by its day: a
 * series moved to another time of day keeps its days), and one no longer there becomes a cancel request. The requests
 * name the recurring event, so declining one writes the whole event back. null occurrences: Google no longer has it.
 */
export async function applyOurRecurringEvent(
  tx: Queryable,
  at: ReadPlace,
  master: ReadEvent,
  occurrences: ReadEvent[] | null | undefined,
): Promise<number> {
  const deleted = master.status === 'cancelled' || occurrences === null
  if (!deleted && !occurrences) return 0
  const visits = await tx.query<{ ticket_id: string; event_id: string; series_occurrence: string | null }>(
    `select g.ticket_id, g.event_id, t.series_occurrence::text from google_events g join tickets t on t.id = g.ticket_id
     where g.user_id = $1 and g.calendar_id = $2 and g.state <> 'deleted' and left(g.event_id, length($3) + 1) = $3 || '_'
       and t.scheduled_end > $4`,
    [at.userId, at.calendarId, master.id, at.now],
  )
  const byId = new Map((occurrences ?? []).map((o) => [o.id, o]))
  const byDay = new Map<string, ReadEvent>()
  for (const o of occurrences ?? []) {
    const original = instantOf(o.originalStartTime ?? o.start, at.timeZone)
    if (original) byDay.set(localDate(original, o.originalStartTime?.timeZone ?? at.timeZone), o)
  }
  let requested = 0
  for (const visit of visits.rows) {
    const shown = deleted
      ? undefined
      : (byId.get(visit.event_id) ?? (visit.series_occurrence ? byDay.get(visit.series_occurrence) : undefined))
    const event: ReadEvent = shown
      ? { ...shown, updated: shown.updated ?? master.updated }
      : { id: visit.event_id, status: 'cancelled', etag: master.etag, updated: master.updated }
    if ((await applyVisitEvent(tx, at, event, visit.ticket_id, master.id)) === 'requested') requested++
  }
  return requested
}
