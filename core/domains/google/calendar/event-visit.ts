import type { Queryable } from '../../../db/types.js'
import { isUuid } from '../../../kernel/schema-types.js'

/**
 * The visit an event read back from a calendar shows: the visit kept with that event id when we wrote it (Google lists
 * a deleted event with its id alone, and an instance of a series' recurring event carries the series' properties only),
 * else its crmTicketId (an event of ours whose write was not kept yet). null for the person's own events and our
 * recurring events.
 */
export async function visitOfEvent(
  tx: Queryable,
  at: { userId: string; calendarId: string },
  event: { id: string; extendedProperties?: { private?: Record<string, string> } },
): Promise<string | null> {
  const r = await tx.query<{ ticket_id: string }>(
    'select ticket_id from google_events where user_id = $1 and calendar_id = $2 and event_id = $3 limit 1',
    [at.userId, at.calendarId, event.id],
  )
  if (r.rows[0]) return r.rows[0].ticket_id
  const own = event.extendedProperties?.private?.crmTicketId
  return isUuid(own) ? own.toLowerCase() : null
}
