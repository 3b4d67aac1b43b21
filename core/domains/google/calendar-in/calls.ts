import type { GoogleCaller } from '../../../clients/google.js'
import { listGoogleEvents } from '../../../clients/google-calendar.js'

/** A start or end of an event: a dateTime for a timed event, a date (YYYY-MM-DD) for an all-day one. */
export interface EventTime {
  dateTime?: string
  date?: string
  timeZone?: string
}

/**
 * The fields of a Calendar v3 event this side reads. A deleted event may come with its id and status alone (kind and
 * etag at most), a cancelled occurrence of a recurring event that goes on with recurringEventId and originalStartTime too.
 */
export interface ReadEvent {
  id: string
  status?: 'confirmed' | 'tentative' | 'cancelled'
  /** Changes with every change of the event. */
  etag?: string
  /** Goes up when the event is moved (its times or recurrence), not when only its words change. */
  sequence?: number
  updated?: string
  start?: EventTime
  end?: EventTime
  transparency?: 'opaque' | 'transparent'
  recurrence?: string[]
  recurringEventId?: string
  /** An occurrence's own start in its recurring event's rule (it stays when the occurrence is moved). */
  originalStartTime?: EventTime
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> }
}

/** One page of events.list. */
interface EventsPage {
  items?: ReadEvent[]
  nextPageToken?: string
  nextSyncToken?: string
}

/** Every event changed since the sync token (all of them without one), across pages, and the token for next time. */
export async function listChangedEvents(
  caller: GoogleCaller,
  calendarId: string,
  syncToken: string | null,
  pageSize = 250,
): Promise<{ events: ReadEvent[]; nextSyncToken: string }> {
  const events: ReadEvent[] = []
  let pageToken: string | undefined
  for (;;) {
    const page = (await listGoogleEvents(caller, calendarId, {
      // Deleted events come back as status "cancelled" only when asked for (an incremental read always includes them).
      showDeleted: true,
      maxResults: pageSize,
      syncToken: syncToken ?? undefined,
      pageToken,
    })) as EventsPage
    events.push(...(page?.items ?? []))
    if (page?.nextPageToken) {
      pageToken = page.nextPageToken
      continue
    }
    if (!page?.nextSyncToken) throw new Error(`Google gave no nextSyncToken for calendar ${calendarId}`)
    return { events, nextSyncToken: page.nextSyncToken }
  }
}
