import type { GoogleCaller } from '../../../clients/google.js'

/** Calendar v3's root, as Google documents it (GOOGLE_API_BASE rewrites the host). */
const CALENDAR = 'https://www.googleapis.com/calendar/v3'

/** A start or end of an event: a dateTime for a timed event, a date (YYYY-MM-DD) for an all-day one. */
export interface EventTime {
  dateTime?: string
  date?: string
  timeZone?: string
}

/** The fields of a Calendar v3 event this side reads. */
export interface ReadEvent {
  id: string
  status?: 'confirmed' | 'tentative' | 'cancelled'
  updated?: string
  start?: EventTime
  end?: EventTime
  transparency?: 'opaque' | 'transparent'
  recurrence?: string[]
  recurringEventId?: string
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
    const page = await caller.call<EventsPage>('GET', `${CALENDAR}/calendars/${encodeURIComponent(calendarId)}/events`, {
      query: {
        // Deleted events come back as status "cancelled" only when asked for (an incremental read always includes them).
        showDeleted: true,
        maxResults: pageSize,
        syncToken: syncToken ?? undefined,
        pageToken,
      },
    })
    events.push(...(page?.items ?? []))
    if (page?.nextPageToken) {
      pageToken = page.nextPageToken
      continue
    }
    if (!page?.nextSyncToken) throw new Error(`Google gave no nextSyncToken for calendar ${calendarId}`)
    return { events, nextSyncToken: page.nextSyncToken }
  }
}

/** A push channel as events.watch answers it. */
export interface WatchChannel {
  id: string
  resourceId: string
  /** Milliseconds since the epoch, as a string. */
  expiration?: string
}

/** Asks Google to notify this address of every change to the calendar's events, for up to ttl. */
export async function watchEvents(
  caller: GoogleCaller,
  calendarId: string,
  channel: { id: string; token: string; address: string; ttlSeconds: number },
): Promise<WatchChannel> {
  return caller.call<WatchChannel>('POST', `${CALENDAR}/calendars/${encodeURIComponent(calendarId)}/events/watch`, {
    body: { id: channel.id, type: 'web_hook', address: channel.address, token: channel.token, params: { ttl: String(channel.ttlSeconds) } },
  })
}

/** Stops a push channel. */
export async function stopChannel(caller: GoogleCaller, channel: { id: string; resourceId: string }): Promise<void> {
  await caller.call('POST', `${CALENDAR}/channels/stop`, { body: { id: channel.id, resourceId: channel.resourceId } })
}
