import type { Queryable } from '../../../db/types.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The visit an event read back from a calendar shows: its crmTicketId (a visit's own event, or an instance we patched),
 * else the visit kept with that event id (an instance of a series' recurring event that Google derived, or the person
 * changed in Google: it carries the series' properties only). null for the person's own events and our recurring events.
 */
export async function visitOfEvent(
  tx: Queryable,
  at: { userId: string; calendarId: string },
  event: { id: string; recurringEventId?: string; extendedProperties?: { private?: Record<string, string> } },
): Promise<string | null> {
  const own = event.extendedProperties?.private?.crmTicketId
  if (own && UUID.test(own)) return own.toLowerCase()
  if (!event.recurringEventId) return null
  const r = await tx.query<{ ticket_id: string }>(
    'select ticket_id from google_events where user_id = $1 and calendar_id = $2 and event_id = $3 limit 1',
    [at.userId, at.calendarId, event.id],
  )
  return r.rows[0]?.ticket_id ?? null
}
