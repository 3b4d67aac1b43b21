import { listGoogleCalendars } from '../../../clients/google-calendar.js'
import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import type { GoogleRun } from '../sync/steps.js'

/** A calendar of the person's as Google last listed it. */
export interface ListedCalendar {
  id: string
  summary: string
  primary: boolean
  access_role: string
}

/** The calendar list is read again after this long, or when someone asked for a sync since. */
const LIST_EVERY_MS = 6 * 3600_000

/** Where a person's visits go, the business's shared calendar (on the owner's row), and their calendars as last listed. */
export interface CalendarChoice {
  calendar_id: string | null
  shared_calendar_id: string | null
  calendars: ListedCalendar[] | null
  calendars_listed_at: Date | null
}

/** The person's calendar choice, or null when they never connected. */
export async function loadCalendarChoice(tx: Queryable, userId: string): Promise<CalendarChoice | null> {
  const r = await tx.query<CalendarChoice>(
    'select calendar_id, shared_calendar_id, calendars, calendars_listed_at from google_connections where user_id = $1',
    [userId],
  )
  return r.rows[0] ?? null
}

/** Reads the person's calendar list from Google when it is stale, and keeps it for choosing. */
export async function refreshCalendarList(run: GoogleRun): Promise<number> {
  const scope = { tenantId: run.tenantId, actorType: 'system' as const, requestId: `google-calendars-${run.userId}` }
  const choice = await withTenant(run.services.db, scope, (tx) => loadCalendarChoice(tx, run.userId))
  const at = choice?.calendars_listed_at ?? null
  const now = run.services.now().getTime()
  const asked = run.connection.sync_requested_at && at && run.connection.sync_requested_at > at
  if (at && now - new Date(at).getTime() < LIST_EVERY_MS && !asked) return 0
  const listed: ListedCalendar[] = (await listGoogleCalendars(run.caller)).map((c) => ({
    id: c.id,
    summary: c.summary,
    primary: c.primary === true,
    access_role: c.accessRole ?? 'reader',
  }))
  await withTenant(run.services.db, scope, (tx) =>
    tx.query('update google_connections set calendars = $2::jsonb, calendars_listed_at = $3 where user_id = $1', [
      run.userId,
      JSON.stringify(listed),
      run.services.now(),
    ]),
  )
  return 1
}
