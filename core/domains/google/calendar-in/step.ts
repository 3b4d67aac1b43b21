import { GoogleError } from '../../../clients/google.js'
import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import { loadTenantSettings } from '../../settings/model.js'
import type { GoogleRun, GoogleStep, GoogleStepReport } from '../sync/steps.js'
import { applyBusyEvent, dropUnlistedBlocks } from './busy-blocks.js'
import { listChangedEvents, type ReadEvent } from './calls.js'
import { type KeptChannel, keepChannel } from './channels.js'
import { visitOfEvent } from '../calendar/event-visit.js'
import {
  applyBusySeries,
  applyOurRecurringEvent,
  isOurRecurringEvent,
  occurrenceWindow,
  ourRecurringEvents,
  readOccurrences,
  recurringEventOf,
  recurringToRead,
} from './recurring.js'
import { applyVisitEvent } from './visit-changes.js'

/** Google's name for the person's main calendar, read when they chose no other. */
export const PRIMARY_CALENDAR = 'primary'

/** The calendar read back for a person: the one their visits are written to (their main one unless they chose another). */
async function calendarToRead(tx: Queryable, userId: string): Promise<string> {
  const r = await tx.query<{ calendar_id: string | null }>('select calendar_id from google_connections where user_id = $1', [userId])
  return r.rows[0]?.calendar_id ?? PRIMARY_CALENDAR
}

/** Reads each calendar of the person back: visits moved or deleted there become requests, their own events busy blocks. */
export const calendarInStep: GoogleStep = {
  feature: 'calendar',
  name: 'calendar-in',
  async sync(run) {
    const report: GoogleStepReport = { events: 0, requested: 0, busy: 0, full_reads: 0, channels_opened: 0 }
    await readCalendar(run, await inTenant(run, (tx) => calendarToRead(tx, run.userId)), report)
    return report
  },
}

/** One read of one calendar: what changed since its sync token (everything after a 410), applied in one transaction. */
async function readCalendar(run: GoogleRun, calendarId: string, report: GoogleStepReport): Promise<void> {
  const kept = await inTenant(run, async (tx) => {
    await tx.query(
      `insert into google_calendar_reads (tenant_id, user_id, calendar_id) values ($1, $2, $3)
       on conflict (tenant_id, user_id, calendar_id) do nothing`,
      [run.tenantId, run.userId, calendarId],
    )
    const r = await tx.query<KeptChannel & { sync_token: string | null }>(
      `select sync_token, channel_id, channel_resource_id, channel_expires_at from google_calendar_reads
       where user_id = $1 and calendar_id = $2`,
      [run.userId, calendarId],
    )
    return r.rows[0]
  })
  let full = !kept.sync_token
  let read: { events: ReadEvent[]; nextSyncToken: string }
  try {
    read = await listChangedEvents(run.caller, calendarId, kept.sync_token)
  } catch (err) {
    // Google forgot the token (410): read everything again; what was already seen raises nothing new.
    if (!(err instanceof GoogleError) || !err.needsFullSync || full) throw err
    full = true
    read = await listChangedEvents(run.caller, calendarId, null)
  }
  // Recurring events whose occurrences count: read one by one from Google before the transaction that applies them.
  const now = run.services.now()
  const window = occurrenceWindow(now)
  const { ours, toRead } = await inTenant(run, async (tx) => {
    const ours = await ourRecurringEvents(tx, { userId: run.userId, calendarId })
    return { ours, toRead: await recurringToRead(tx, { userId: run.userId, calendarId, now }, read.events, ours) }
  })
  const occurrences = new Map<string, ReadEvent[] | null>()
  for (const r of toRead) occurrences.set(r.eventId, await readOccurrences(run.caller, calendarId, r.eventId, window))
  await inTenant(run, async (tx) => {
    const { timezone } = await loadTenantSettings(tx)
    const place = { tenantId: run.tenantId, userId: run.userId, calendarId, timeZone: timezone, now }
    const busy: string[] = []
    // Our recurring events deleted now: their occurrences changed alone (cancelled with them) are asked about once, below.
    const oursDeleted = new Set(read.events.filter((e) => ours.has(e.id) && e.status === 'cancelled').map((e) => e.id))
    for (const event of read.events) {
      report.events++
      // Our recurring events (an earlier one of a series made again raises nothing): never busy time.
      if (isOurRecurringEvent(event, ours)) {
        if (ours.has(event.id)) report.requested += await applyOurRecurringEvent(tx, place, event, occurrences.get(event.id))
        continue
      }
      if (event.status === 'cancelled' && oursDeleted.has(recurringEventOf(event) ?? '')) continue
      if (occurrences.has(event.id)) {
        report.busy += await applyBusySeries(tx, place, event.id, occurrences.get(event.id) ?? null, window)
        busy.push(event.id)
        continue
      }
      // The event id we wrote a visit under finds it: a deleted event comes with its id alone, an instance of a series'
      // recurring event with the series' properties only.
      const ticketId = await visitOfEvent(tx, place, event)
      if (ticketId) {
        if ((await applyVisitEvent(tx, place, event, ticketId)) === 'requested') report.requested++
      } else if ((await applyBusyEvent(tx, place, event, timezone)) === 'kept') {
        busy.push(event.id)
      }
    }
    // Recurring events of the person's own read again as time moved on (not changed in this read).
    for (const r of toRead) {
      if (r.kind === 'busy' && !read.events.some((e) => e.id === r.eventId))
        report.busy += await applyBusySeries(tx, place, r.eventId, occurrences.get(r.eventId) ?? null, window)
    }
    report.busy += busy.filter((id) => !occurrences.has(id)).length
    if (full) {
      report.full_reads++
      await dropUnlistedBlocks(tx, run.userId, calendarId, busy)
    }
    // Busy times of a calendar the person no longer uses for their visits stop counting.
    await tx.query('delete from google_busy_blocks where user_id = $1 and calendar_id <> $2', [run.userId, calendarId])
    await tx.query('delete from google_busy_series where user_id = $1 and calendar_id <> $2', [run.userId, calendarId])
    await tx.query(
      `update google_calendar_reads set sync_token = $3, last_read_at = $4, full_read_at = case when $5 then $4 else full_read_at end
       where user_id = $1 and calendar_id = $2`,
      [run.userId, calendarId, read.nextSyncToken, now, full],
    )
    const channel = await keepChannel(
      tx,
      run.caller,
      { userId: run.userId, calendarId, publicBaseUrl: run.services.config.publicBaseUrl, now },
      kept,
    )
    if (channel === 'opened') report.channels_opened++
  })
}

/** A transaction of the person's business, as the sync's system actor. */
function inTenant<T>(run: GoogleRun, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return withTenant(run.services.db, { tenantId: run.tenantId, actorType: 'system', requestId: `google-calendar-in-${run.userId}` }, fn)
}
