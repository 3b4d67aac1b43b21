import type { GoogleCaller } from './google.js'

const API = 'https://www.googleapis.com/calendar/v3'
const cal = (calendarId: string) => `${API}/calendars/${encodeURIComponent(calendarId)}/events`

/** An event time as Calendar v3 writes it. */
export interface GoogleEventTime {
  dateTime?: string
  date?: string
  timeZone?: string
}

/** The fields of a Calendar v3 event the product reads and writes. */
export interface GoogleEvent {
  id: string
  status?: 'confirmed' | 'tentative' | 'cancelled'
  etag?: string
  updated?: string
  sequence?: number
  summary?: string
  description?: string
  location?: string
  start?: GoogleEventTime
  end?: GoogleEventTime
  recurrence?: string[]
  recurringEventId?: string
  originalStartTime?: GoogleEventTime
  transparency?: 'opaque' | 'transparent'
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> }
}

/** An entry of the person's calendar list. */
export interface GoogleCalendarEntry {
  id: string
  summary: string
  primary?: boolean
  timeZone?: string
  accessRole?: string
}

/** One page of events.list or events.instances. */
export interface GoogleEventPage {
  items: GoogleEvent[]
  nextPageToken?: string
  nextSyncToken?: string
}

/** Parameters of events.list (a syncToken excludes the time window and property filters, as Google rules). */
export interface GoogleEventListQuery {
  syncToken?: string
  pageToken?: string
  timeMin?: string
  timeMax?: string
  singleEvents?: boolean
  showDeleted?: boolean
  maxResults?: number
  /** `key=value` filters on private extended properties. */
  privateExtendedProperty?: string[]
}

/** A push channel Google opened. */
export interface GoogleChannel {
  kind: 'api#channel'
  id: string
  resourceId: string
  resourceUri?: string
  expiration?: string
}

/** Every calendar in the person's list (calendarList.list, all pages). */
export async function listGoogleCalendars(caller: GoogleCaller): Promise<GoogleCalendarEntry[]> {
  const out: GoogleCalendarEntry[] = []
  let pageToken: string | undefined
  do {
    const page = await caller.call<{ items?: GoogleCalendarEntry[]; nextPageToken?: string }>('GET', `${API}/users/me/calendarList`, {
      query: { pageToken },
    })
    out.push(...(page.items ?? []))
    pageToken = page.nextPageToken
  } while (pageToken)
  return out
}

/** events.insert; a client-chosen id that exists already is a GoogleError 409 with reason 'duplicate'. */
export function insertGoogleEvent(caller: GoogleCaller, calendarId: string, event: Partial<GoogleEvent>): Promise<GoogleEvent> {
  return caller.call('POST', cal(calendarId), { body: event })
}

/** events.get (a cancelled event still answers, with status 'cancelled'). */
export function getGoogleEvent(caller: GoogleCaller, calendarId: string, eventId: string): Promise<GoogleEvent> {
  return caller.call('GET', `${cal(calendarId)}/${encodeURIComponent(eventId)}`)
}

/** events.patch: only the fields given change; on an instance id it makes or changes that exception. */
export function patchGoogleEvent(
  caller: GoogleCaller,
  calendarId: string,
  eventId: string,
  fields: Partial<GoogleEvent>,
): Promise<GoogleEvent> {
  return caller.call('PATCH', `${cal(calendarId)}/${encodeURIComponent(eventId)}`, { body: fields })
}

/** events.delete; an event already gone (404, or 410 when deleted before) counts as deleted. */
export async function deleteGoogleEvent(caller: GoogleCaller, calendarId: string, eventId: string): Promise<void> {
  try {
    await caller.call('DELETE', `${cal(calendarId)}/${encodeURIComponent(eventId)}`)
  } catch (err) {
    const status = (err as { status?: number }).status
    if (status !== 404 && status !== 410) throw err
  }
}

/** One page of events.list: a full list, or the changes since a sync token (410 → GoogleError with needsFullSync). */
export function listGoogleEvents(caller: GoogleCaller, calendarId: string, query: GoogleEventListQuery): Promise<GoogleEventPage> {
  return caller.call('GET', cal(calendarId), { query: { ...query } })
}

/** One page of a recurring event's instances (events.instances). */
export function listGoogleInstances(
  caller: GoogleCaller,
  calendarId: string,
  eventId: string,
  query: { timeMin?: string; timeMax?: string; pageToken?: string; showDeleted?: boolean; maxResults?: number } = {},
): Promise<GoogleEventPage> {
  return caller.call('GET', `${cal(calendarId)}/${encodeURIComponent(eventId)}/instances`, { query: { ...query } })
}

/** events.watch: Google posts to `address` whenever the calendar's events change, until the channel expires or stops. */
export function watchGoogleEvents(
  caller: GoogleCaller,
  calendarId: string,
  channel: { id: string; address: string; token?: string; ttlSeconds?: number },
): Promise<GoogleChannel> {
  return caller.call('POST', `${cal(calendarId)}/watch`, {
    body: {
      id: channel.id,
      type: 'web_hook',
      address: channel.address,
      ...(channel.token ? { token: channel.token } : {}),
      ...(channel.ttlSeconds ? { params: { ttl: String(channel.ttlSeconds) } } : {}),
    },
  })
}

/** channels.stop: no more notifications on that channel. */
export async function stopGoogleChannel(caller: GoogleCaller, channel: { id: string; resourceId: string }): Promise<void> {
  await caller.call('POST', `${API}/channels/stop`, { body: { id: channel.id, resourceId: channel.resourceId } })
}
