import { deleteGoogleEvent, type GoogleEvent, insertGoogleEvent, patchGoogleEvent } from '../../../clients/google-calendar.js'
import { GoogleError } from '../../../clients/google.js'
import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import { refreshCalendarList } from '../calendar/calendar-list.js'
import { eventFingerprint, loadVisits, visitEvent, visitEventId, visitIsOn } from '../calendar/visit-event.js'
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
  etag: string | null
  fingerprint: string | null
  state: 'pending' | 'synced' | 'failed' | 'deleted'
  attempts: number
}

/** What a visit should be in one calendar. */
interface Target {
  ticketId: string
  calendarId: string
  purpose: 'technician' | 'shared'
  event: Omit<GoogleEvent, 'id'>
  fingerprint: string
}

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
       and ($4 or exists (select 1 from ticket_technicians tt where tt.ticket_id = t.id and tt.user_id = $1))`,
    [run.userId, from, to, shared !== null],
  )
  // Rows of visits in the window, and older ones whose visit changed since (or whose write is unfinished).
  const written = await tx.query<EventRow>(
    `select g.ticket_id, g.calendar_id, g.event_id, g.purpose, g.etag, g.fingerprint, g.state, g.attempts
     from google_events g join tickets t on t.id = g.ticket_id
     where g.user_id = $1 and g.state <> 'deleted'
       and (t.scheduled_end > $2 or g.state <> 'synced' or t.updated_at > g.updated_at)`,
    [run.userId, from],
  )
  const rows = new Map(written.rows.map((r) => [key(r.ticket_id, r.calendar_id), r]))
  const visits = await loadVisits(tx, [...new Set([...inWindow.rows.map((r) => r.id), ...written.rows.map((r) => r.ticket_id)])])
  const targets = new Map<string, Target>()
  const add = (ticketId: string, calendarId: string, purpose: Target['purpose']) => {
    const visit = visits.get(ticketId)
    if (!visit) return
    const event = visitEvent(visit, { tenantId: run.tenantId, timeZone: timezone, baseUrl: run.services.config.publicBaseUrl })
    if (!targets.has(key(ticketId, calendarId)))
      targets.set(key(ticketId, calendarId), { ticketId, calendarId, purpose, event, fingerprint: eventFingerprint(event) })
  }
  for (const visit of visits.values()) {
    if (!visitIsOn(visit)) continue
    if (visit.technicians.includes(run.userId)) add(visit.id, own, 'technician')
    if (shared) add(visit.id, shared, 'shared')
  }
  return { rows, targets }
}

/** Keeps what Google now has for a visit in a calendar. */
async function record(
  run: GoogleRun,
  target: { ticketId: string; calendarId: string; purpose: string },
  fields: Partial<EventRow> & { error?: string | null },
) {
  await withTenant(run.services.db, { tenantId: run.tenantId, actorType: 'system', requestId: `google-calendar-${run.userId}` }, (tx) =>
    tx.query(
      `insert into google_events (tenant_id, ticket_id, user_id, calendar_id, event_id, purpose, etag, fingerprint, state, error, attempts,
         synced_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, case when $9 = 'failed' then null else now() end)
       on conflict (tenant_id, ticket_id, user_id, calendar_id) do update set etag = excluded.etag, fingerprint = excluded.fingerprint,
         state = excluded.state, error = excluded.error, attempts = excluded.attempts,
         synced_at = coalesce(excluded.synced_at, google_events.synced_at)`,
      [
        run.tenantId,
        target.ticketId,
        run.userId,
        target.calendarId,
        visitEventId(target.ticketId, target.calendarId),
        target.purpose,
        fields.etag ?? null,
        fields.fingerprint ?? null,
        fields.state,
        fields.error ?? null,
        fields.attempts ?? 0,
      ],
    ),
  )
}

/** Creates or changes the visit's event; our own id makes a second try (after a crash) change the event, never double it. */
async function write(run: GoogleRun, target: Target, row: EventRow | undefined): Promise<'created' | 'updated'> {
  const id = visitEventId(target.ticketId, target.calendarId)
  const status = (err: unknown) => (err instanceof GoogleError ? err.status : 0)
  let saved: GoogleEvent
  let outcome: 'created' | 'updated' = 'updated'
  if (row?.etag) {
    saved = await patchGoogleEvent(run.caller, target.calendarId, id, target.event).catch(async (err) => {
      if (status(err) !== 404) throw err
      outcome = 'created'
      return insertGoogleEvent(run.caller, target.calendarId, { id, ...target.event })
    })
  } else {
    outcome = 'created'
    saved = await insertGoogleEvent(run.caller, target.calendarId, { id, ...target.event }).catch(async (err) => {
      if (status(err) !== 409) throw err
      outcome = 'updated'
      return patchGoogleEvent(run.caller, target.calendarId, id, target.event)
    })
  }
  await record(run, target, { etag: saved.etag ?? null, fingerprint: target.fingerprint, state: 'synced', attempts: 0 })
  return outcome
}

/** Whether an error is Google refusing this one event (kept on the row), not Google or the account failing as a whole. */
function refusedEvent(err: unknown): err is GoogleError {
  return err instanceof GoogleError && !err.retryable && err.status !== 401 && err.status >= 400 && err.status < 500
}

/**
 * Pushes the person's visits to their chosen calendar (and the owner's to the business's shared calendar): new and
 * changed visits are written, cancelled or reassigned ones deleted, unchanged ones (same fingerprint) not sent.
 */
export async function pushVisits(run: GoogleRun): Promise<Record<string, number>> {
  const scope = { tenantId: run.tenantId, actorType: 'system' as const, requestId: `google-calendar-${run.userId}` }
  const listed = await refreshCalendarList(run)
  const { rows, targets } = await withTenant(run.services.db, scope, (tx) => plan(tx, run))
  const report = { calendars_listed: listed, created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 }
  for (const [k, row] of rows) {
    if (targets.has(k) || (row.state === 'failed' && row.fingerprint === null && row.attempts >= MAX_ATTEMPTS)) continue
    const target = { ticketId: row.ticket_id, calendarId: row.calendar_id, purpose: row.purpose }
    try {
      await deleteGoogleEvent(run.caller, row.calendar_id, row.event_id)
      await record(run, target, { state: 'deleted', attempts: 0 })
      report.deleted++
    } catch (err) {
      if (!refusedEvent(err)) throw err
      await record(run, target, { state: 'failed', etag: row.etag, error: err.message, attempts: row.attempts + 1 })
      report.failed++
    }
  }
  for (const [k, target] of targets) {
    const row = rows.get(k)
    const same = row?.fingerprint === target.fingerprint
    if (same && (row?.state === 'synced' || (row?.state === 'failed' && row.attempts >= MAX_ATTEMPTS))) {
      report.unchanged++
      continue
    }
    try {
      report[await write(run, target, row)]++
    } catch (err) {
      if (!refusedEvent(err)) throw err
      const attempts = same ? (row?.attempts ?? 0) + 1 : 1
      await record(run, target, { state: 'failed', etag: row?.etag, fingerprint: target.fingerprint, error: err.message, attempts })
      report.failed++
    }
  }
  return report
}

/** The calendar step: visits out to Google. */
export const calendarOutStep: GoogleStep = { feature: 'calendar', name: 'calendar-out', sync: pushVisits }
