import { deleteGoogleEvent, type GoogleEvent, insertGoogleEvent, patchGoogleEvent } from '../../../clients/google-calendar.js'
import { GoogleError } from '../../../clients/google.js'
import { localDate } from '../../../vocabulary/time.js'
import { occurrenceDates } from '../../series/recurrence.js'
import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import { refreshCalendarList } from '../calendar/calendar-list.js'
import {
  firstOccurrence,
  instanceId,
  lastOccurrenceDay,
  loadSeriesTemplates,
  occurrenceStart,
  type SeriesTemplate,
  seriesEvent,
  seriesEventId,
  visitAsSeries,
} from '../calendar/series-event.js'
import { eventFingerprint, loadVisits, type VisitRow, visitEvent, visitEventId, visitIsOn } from '../calendar/visit-event.js'
import type { GoogleRun, GoogleStep } from './steps.js'

/** Visits written ahead of now, and kept up to date behind it. */
const AHEAD_MS = 60 * 86_400_000
const BEHIND_MS = 86_400_000
/** Tries of one version of an event Google refused; the next change of the visit tries again. */
const MAX_ATTEMPTS = 3

/** A row of google_events. */
interface EventRow {
  ticket_id: string
  calendar_id: string
  event_id: string
  purpose: 'technician' | 'shared'
  /** What Google answered to our last write: calendar-in tells our own writes read back by them. */
  etag: string | null
  sequence: number | null
  fingerprint: string | null
  state: 'pending' | 'synced' | 'failed' | 'deleted'
  attempts: number
}

/** What a visit should be in one calendar: an event of its own, or an instance of its series' recurring event. */
interface Target {
  ticketId: string
  calendarId: string
  purpose: 'technician' | 'shared'
  eventId: string
  event: Partial<GoogleEvent>
  fingerprint: string
  /** For an instance: the recurring event's key in `masters`; an instance is patched, never inserted. */
  master?: string
}

/** A series' recurring event in one calendar. */
interface MasterTarget {
  seriesId: string
  calendarId: string
  purpose: 'technician' | 'shared'
  eventId: string
  event: Omit<GoogleEvent, 'id'>
  /** Instances of occurrences no visit takes (paused, skipped), cancelled in Google. */
  holes: string[]
  fingerprint: string
}

/** A row of google_series_events. */
interface MasterRow {
  series_id: string
  calendar_id: string
  event_id: string
  etag: string | null
  sequence: number | null
  fingerprint: string | null
  state: EventRow['state']
  attempts: number
  cancelled_instances: string[]
}

/** An instance shown as its series says, never patched: Google derives it from the recurring event. */
const PLAIN = 'plain'

const key = (ticketId: string, calendarId: string) => `${ticketId}|${calendarId}`

/** Where the person's visits go, the events written so far, and what each visit should now be. */
async function plan(tx: Queryable, run: GoogleRun) {
  const now = run.services.now()
  const setup = await tx.query<{ calendar_id: string | null; shared_calendar_id: string | null; timezone: string }>(
    `select c.calendar_id, c.shared_calendar_id, t.timezone from google_connections c join tenants t on t.id = c.tenant_id
     where c.user_id = $1`,
    [run.userId],
  )
  const { calendar_id, shared_calendar_id, timezone } = setup.rows[0]
  const own = calendar_id ?? 'primary'
  const shared = run.role === 'owner' ? shared_calendar_id : null
  const from = new Date(now.getTime() - BEHIND_MS)
  const to = new Date(now.getTime() + AHEAD_MS)
  const inWindow = await tx.query<{ id: string }>(
    `select t.id from tickets t
     where t.scheduled_end > $2 and t.scheduled_start < $3
       and ($4 or exists (select 1 from ticket_technicians tt where tt.ticket_id = t.id and tt.user_id = $1)
            or exists (select 1 from series s where s.id = t.series_id and $1::uuid = any(s.technician_ids)))`,
    [run.userId, from, to, shared !== null],
  )
  // Rows of visits in the window, and older ones whose visit changed since (or whose write is unfinished).
  const written = await tx.query<EventRow>(
    `select g.ticket_id, g.calendar_id, g.event_id, g.purpose, g.etag, g.sequence, g.fingerprint, g.state, g.attempts
     from google_events g join tickets t on t.id = g.ticket_id
     where g.user_id = $1 and g.state <> 'deleted'
       and (t.scheduled_end > $2 or g.state <> 'synced' or t.updated_at > g.updated_at)`,
    [run.userId, from],
  )
  const rows = new Map(written.rows.map((r) => [key(r.ticket_id, r.calendar_id), r]))
  const visits = await loadVisits(tx, [...new Set([...inWindow.rows.map((r) => r.id), ...written.rows.map((r) => r.ticket_id)])])
  const templates = await loadSeriesTemplates(tx, [...new Set([...visits.values()].flatMap((v) => (v.series_id ? [v.series_id] : [])))])
  const masterRows = await tx.query<MasterRow>(
    `select series_id, calendar_id, event_id, etag, sequence, fingerprint, state, attempts, cancelled_instances from google_series_events
     where user_id = $1 and series_id = any($2::uuid[])`,
    [run.userId, [...templates.keys()]],
  )
  const context = { tenantId: run.tenantId, timeZone: timezone, baseUrl: run.services.config.publicBaseUrl }
  const targets = new Map<string, Target>()
  const masters = new Map<string, MasterTarget>()
  const add = (visit: VisitRow, calendarId: string, purpose: Target['purpose']) => {
    const event = visitEvent(visit, context)
    const eventId = visitEventId(visit.id, calendarId)
    if (!targets.has(key(visit.id, calendarId)))
      targets.set(key(visit.id, calendarId), {
        ticketId: visit.id,
        calendarId,
        purpose,
        eventId,
        event,
        fingerprint: eventFingerprint(event),
      })
  }
  const addInstance = (
    visit: VisitRow,
    series: SeriesTemplate,
    first: string,
    calendarId: string,
    purpose: Target['purpose'],
    on: boolean,
  ) => {
    const mk = key(series.id, calendarId)
    let master = masters.get(mk)
    if (!master) {
      const event = seriesEvent(series, first, run.tenantId)
      const eventId = seriesEventId(series, calendarId, first)
      master = { seriesId: series.id, calendarId, purpose, eventId, event, holes: [], fingerprint: eventFingerprint(event) }
      masters.set(mk, master)
    }
    const original = occurrenceStart(series, visit.series_occurrence as string)
    const eventId = instanceId(master.eventId, original)
    const row = rows.get(key(visit.id, calendarId))
    let event: Partial<GoogleEvent> = {}
    let fingerprint = PLAIN
    if (!on || !visitIsOn(visit)) {
      event = { status: 'cancelled' }
      fingerprint = 'cancelled'
    } else if (!visitAsSeries(visit, series)) {
      event = visitEvent(visit, context)
      fingerprint = eventFingerprint(event)
    } else if (
      (row && row.event_id === eventId && (row.fingerprint !== PLAIN || row.state === 'pending')) ||
      masterRows.rows.some((m) => m.event_id === master.eventId && m.cancelled_instances.includes(eventId))
    ) {
      // Once an exception, always one in Google: it is written back to what the series shows, and stays an exception.
      const { recurrence: _r, ...shown } = master.event
      event = {
        ...shown,
        start: { dateTime: original.toISOString(), timeZone: series.time_zone },
        end: { dateTime: new Date(original.getTime() + series.duration_minutes * 60_000).toISOString(), timeZone: series.time_zone },
        extendedProperties: { private: { ...shown.extendedProperties?.private, crmTicketId: visit.id } },
      }
      fingerprint = `reset:${eventFingerprint(event)}`
    }
    targets.set(key(visit.id, calendarId), { ticketId: visit.id, calendarId, purpose, eventId, event, fingerprint, master: mk })
  }
  for (const visit of visits.values()) {
    const series = visit.series_id ? templates.get(visit.series_id) : undefined
    const first = series ? firstOccurrence(series) : null
    // Visits of a series from its recurring event's first occurrence on are its instances; any other visit has its own event.
    const instance = series && first && visit.series_occurrence && visit.series_occurrence >= first ? series : null
    const mine = visit.technicians.includes(run.userId)
    if (instance?.technician_ids.includes(run.userId)) addInstance(visit, instance, first as string, own, 'technician', mine)
    else if (visitIsOn(visit) && mine) add(visit, own, 'technician')
    if (!shared) continue
    if (instance) addInstance(visit, instance, first as string, shared, 'shared', true)
    else if (visitIsOn(visit)) add(visit, shared, 'shared')
  }
  // Occurrences from the window's start to the last day booked that no visit takes: their instances are cancelled.
  const taken = await tx.query<{ series_id: string; series_occurrence: string }>(
    'select series_id, series_occurrence::text from tickets where series_id = any($1::uuid[]) and series_occurrence is not null',
    [[...new Set([...masters.values()].map((m) => m.seriesId))]],
  )
  const takenKeys = new Set(taken.rows.map((t) => key(t.series_id, t.series_occurrence)))
  for (const master of masters.values()) {
    const series = templates.get(master.seriesId) as SeriesTemplate
    const first = firstOccurrence(series) as string
    const last = lastOccurrenceDay(series)
    const since = localDate(from, series.time_zone)
    const dates = last ? occurrenceDates(series, since > first ? since : first, last) : []
    master.holes = dates
      .filter((d) => !takenKeys.has(key(series.id, d)))
      .map((d) => instanceId(master.eventId, occurrenceStart(series, d)))
      .sort()
    master.fingerprint = eventFingerprint({ event: master.event, holes: master.holes })
  }
  const masterRowsByKey = new Map(masterRows.rows.map((r) => [key(r.series_id, r.calendar_id), r]))
  return { rows, targets, masters, masterRows: masterRowsByKey }
}

/** Keeps what Google now has for a visit in a calendar. */
async function record(
  run: GoogleRun,
  target: { ticketId: string; calendarId: string; purpose: string; eventId: string },
  fields: Partial<EventRow> & { error?: string | null },
) {
  await withTenant(run.services.db, scopeOf(run), (tx) =>
    tx.query(
      `insert into google_events (tenant_id, ticket_id, user_id, calendar_id, event_id, purpose, etag, fingerprint, state, error, attempts,
         synced_at, sequence)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, case when $9 = 'failed' then null else now() end, $12)
       on conflict (tenant_id, ticket_id, user_id, calendar_id) do update set event_id = excluded.event_id, etag = excluded.etag,
         sequence = excluded.sequence, fingerprint = excluded.fingerprint, state = excluded.state, error = excluded.error, attempts = excluded.attempts,
         synced_at = coalesce(excluded.synced_at, google_events.synced_at)`,
      [
        run.tenantId,
        target.ticketId,
        run.userId,
        target.calendarId,
        target.eventId,
        target.purpose,
        fields.etag ?? null,
        fields.fingerprint ?? null,
        fields.state,
        fields.error ?? null,
        fields.attempts ?? 0,
        fields.sequence ?? null,
      ],
    ),
  )
}

/** Keeps what Google now has for a series' recurring event in a calendar. */
async function recordMaster(run: GoogleRun, target: MasterTarget, fields: Partial<MasterRow> & { error?: string | null }) {
  await withTenant(run.services.db, scopeOf(run), (tx) =>
    tx.query(
      `insert into google_series_events (tenant_id, series_id, user_id, calendar_id, event_id, purpose, etag, fingerprint, state, error,
         attempts, cancelled_instances, synced_at, sequence)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12::text[], '{}'), case when $9 = 'failed' then null else now() end,
         $13)
       on conflict (tenant_id, series_id, user_id, calendar_id) do update set event_id = excluded.event_id, etag = excluded.etag,
         sequence = excluded.sequence,
         cancelled_instances = coalesce($12::text[], google_series_events.cancelled_instances),
         fingerprint = excluded.fingerprint, state = excluded.state, error = excluded.error, attempts = excluded.attempts,
         synced_at = coalesce(excluded.synced_at, google_series_events.synced_at)`,
      [
        run.tenantId,
        target.seriesId,
        run.userId,
        target.calendarId,
        target.eventId,
        target.purpose,
        fields.etag ?? null,
        fields.fingerprint ?? null,
        fields.state,
        fields.error ?? null,
        fields.attempts ?? 0,
        fields.cancelled_instances ?? null,
        fields.sequence ?? null,
      ],
    ),
  )
}

const scopeOf = (run: GoogleRun) => ({ tenantId: run.tenantId, actorType: 'system' as const, requestId: `google-calendar-${run.userId}` })

/** Creates or changes an event of ours; our own id makes a second try (after a crash) change the event, never double it. */
async function put(
  run: GoogleRun,
  calendarId: string,
  id: string,
  event: Partial<GoogleEvent>,
  known: boolean,
): Promise<{ saved: GoogleEvent; outcome: 'created' | 'updated' }> {
  const status = (err: unknown) => (err instanceof GoogleError ? err.status : 0)
  if (known) {
    return patchGoogleEvent(run.caller, calendarId, id, event).then(
      (saved) => ({ saved, outcome: 'updated' as const }),
      async (err) => {
        if (status(err) !== 404) throw err
        return { saved: await insertGoogleEvent(run.caller, calendarId, { id, ...event }), outcome: 'created' as const }
      },
    )
  }
  return insertGoogleEvent(run.caller, calendarId, { id, ...event }).then(
    (saved) => ({ saved, outcome: 'created' as const }),
    async (err) => {
      if (status(err) !== 409) throw err
      return { saved: await patchGoogleEvent(run.caller, calendarId, id, event), outcome: 'updated' as const }
    },
  )
}

/** Cancels one instance of a recurring event; one past the event's end (none there) counts as cancelled. */
async function cancelInstance(run: GoogleRun, calendarId: string, eventId: string): Promise<GoogleEvent | null> {
  return patchGoogleEvent(run.caller, calendarId, eventId, { status: 'cancelled' }).catch((err) => {
    if (err instanceof GoogleError && err.status === 404) return null
    throw err
  })
}

/** Writes a visit: its own event, or its instance of the series' recurring event (patched: an exception, or nothing to send). */
async function write(run: GoogleRun, target: Target, row: EventRow | undefined): Promise<'created' | 'updated' | 'unchanged'> {
  // The visit's event was another before (its own, or an instance of a recurring event made again): that one goes.
  if (row && row.event_id !== target.eventId && row.state !== 'deleted') await deleteGoogleEvent(run.caller, row.calendar_id, row.event_id)
  if (target.master && target.fingerprint === PLAIN) {
    await record(run, target, { fingerprint: PLAIN, state: 'synced', attempts: 0 })
    return 'unchanged'
  }
  if (target.master) {
    // A cancelled visit past the recurring event's end (the series ended) has no instance left to cancel.
    const saved =
      target.event.status === 'cancelled'
        ? await cancelInstance(run, target.calendarId, target.eventId)
        : await patchGoogleEvent(run.caller, target.calendarId, target.eventId, target.event)
    await record(run, target, {
      etag: saved?.etag ?? null,
      sequence: saved?.sequence ?? null,
      fingerprint: target.fingerprint,
      state: 'synced',
      attempts: 0,
    })
    return 'updated'
  }
  const { saved, outcome } = await put(
    run,
    target.calendarId,
    target.eventId,
    target.event,
    Boolean(row?.etag) && row?.event_id === target.eventId,
  )
  await record(run, target, {
    etag: saved.etag ?? null,
    sequence: saved.sequence ?? null,
    fingerprint: target.fingerprint,
    state: 'synced',
    attempts: 0,
  })
  return outcome
}

/** Whether an error is Google refusing this one event (kept on the row), not Google or the account failing as a whole. */
function refusedEvent(err: unknown): err is GoogleError {
  return err instanceof GoogleError && !err.retryable && err.status !== 401 && err.status >= 400 && err.status < 500
}

/**
 * Pushes the person's visits to their chosen calendar (and the owner's to the business's shared calendar): new and
 * changed visits are written, cancelled or reassigned ones deleted, unchanged ones (same fingerprint) not sent. A
 * series' visits are one recurring event per calendar, written first; a visit changed alone patches its instance.
 */
export async function pushVisits(run: GoogleRun): Promise<Record<string, number>> {
  const listed = await refreshCalendarList(run)
  const { rows, targets, masters, masterRows } = await withTenant(run.services.db, scopeOf(run), (tx) => plan(tx, run))
  const report = { calendars_listed: listed, created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 }
  for (const [k, row] of rows) {
    if (targets.has(k) || (row.state === 'failed' && row.fingerprint === null && row.attempts >= MAX_ATTEMPTS)) continue
    const target = { ticketId: row.ticket_id, calendarId: row.calendar_id, purpose: row.purpose, eventId: row.event_id }
    try {
      await deleteGoogleEvent(run.caller, row.calendar_id, row.event_id)
      await record(run, target, { state: 'deleted', attempts: 0 })
      report.deleted++
    } catch (err) {
      if (!refusedEvent(err)) throw err
      await record(run, target, { state: 'failed', etag: row.etag, sequence: row.sequence, error: err.message, attempts: row.attempts + 1 })
      report.failed++
    }
  }
  const unwritten = new Set<string>()
  for (const [k, master] of masters) {
    const row = masterRows.get(k)
    const same = row?.event_id === master.eventId && row?.fingerprint === master.fingerprint
    if (same && row?.state === 'synced') continue
    if (same && row?.state === 'failed' && row.attempts >= MAX_ATTEMPTS) {
      unwritten.add(k)
      continue
    }
    try {
      // The series changed its shape (rule, first visit, time of day): its recurring event is made again under a new id.
      if (row && row.event_id !== master.eventId && row.state !== 'deleted')
        await deleteGoogleEvent(run.caller, master.calendarId, row.event_id)
      const { saved, outcome } = await put(
        run,
        master.calendarId,
        master.eventId,
        master.event,
        row?.event_id === master.eventId && Boolean(row?.etag),
      )
      for (const hole of master.holes) await cancelInstance(run, master.calendarId, hole)
      await recordMaster(run, master, {
        etag: saved.etag ?? null,
        sequence: saved.sequence ?? null,
        fingerprint: master.fingerprint,
        state: 'synced',
        attempts: 0,
        cancelled_instances: master.holes,
      })
      report[outcome]++
    } catch (err) {
      if (!refusedEvent(err)) throw err
      const attempts = same ? (row?.attempts ?? 0) + 1 : 1
      await recordMaster(run, master, {
        state: 'failed',
        etag: row?.etag,
        sequence: row?.sequence,
        fingerprint: master.fingerprint,
        error: err.message,
        attempts,
      })
      unwritten.add(k)
      report.failed++
    }
  }
  for (const [k, target] of targets) {
    // The instances of a recurring event Google has not got wait for it.
    if (target.master && unwritten.has(target.master)) continue
    const row = rows.get(k)
    const same = row?.fingerprint === target.fingerprint && row?.event_id === target.eventId
    if (same && (row?.state === 'synced' || (row?.state === 'failed' && row.attempts >= MAX_ATTEMPTS))) {
      report.unchanged++
      continue
    }
    try {
      report[await write(run, target, row)]++
    } catch (err) {
      if (!refusedEvent(err)) throw err
      const attempts = same ? (row?.attempts ?? 0) + 1 : 1
      await record(run, target, {
        state: 'failed',
        etag: row?.etag,
        sequence: row?.sequence,
        fingerprint: target.fingerprint,
        error: err.message,
        attempts,
      })
      report.failed++
    }
  }
  return report
}

/** The calendar step: visits out to Google. */
export const calendarOutStep: GoogleStep = { feature: 'calendar', name: 'calendar-out', sync: pushVisits }
