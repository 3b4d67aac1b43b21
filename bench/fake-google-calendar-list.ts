import type { FakeGoogleAnswer } from './fake-google.js'
import { instantOf } from './fake-google-calendar-recurrence.js'
import { badRequest, type CalendarEvent, type CalendarStore, type FakeCalendarData } from './fake-google-calendar-store.js'
import { FakeGoogleFault, googleErrorBody } from './fake-google-errors.js'

/** Parameters that Google refuses together with a syncToken. */
const NOT_WITH_SYNC = ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin']

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const decode = (token: string): any => {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    return null
  }
}

const fullSyncRequired = () =>
  new FakeGoogleFault(410, googleErrorBody(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.'))

/** The instant a query parameter gives, or 400 naming it. */
function instantParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)
  if (value === null) return undefined
  const at = Date.parse(value)
  if (!/[zZ]|[+-]\d\d:\d\d$/.test(value) || Number.isNaN(at))
    throw badRequest('badRequest', `Bad Request: ${name} must be RFC3339 with an offset`)
  return at
}

/** Whether an event has every `key=value` of the extended-property filters. */
function hasProperties(event: CalendarEvent, filters: string[], kind: 'private' | 'shared'): boolean {
  const props = event.extendedProperties?.[kind] ?? {}
  return filters.every((f) => {
    const cut = f.indexOf('=')
    return cut > 0 && props[f.slice(0, cut)] === f.slice(cut + 1)
  })
}

/**
 * A cancelled event as Google lists it: of a deleted event only the id is guaranteed (kind and etag come with it), of
 * a cancelled occurrence of a recurring event that goes on, also recurringEventId and originalStartTime. Summary,
 * times and extended properties are left out, so a reader that needs them to know the event fails here as it would
 * against Google.
 */
export function asListed(cal: FakeCalendarData, event: CalendarEvent): Partial<CalendarEvent> {
  if (event.status !== 'cancelled') return event
  const { kind, etag, id, status } = event
  const master = event.recurringEventId ? cal.events.get(event.recurringEventId)?.event : undefined
  if (master && master.status !== 'cancelled')
    return { kind, etag, id, status, recurringEventId: event.recurringEventId, originalStartTime: event.originalStartTime }
  return { kind, etag, id, status }
}

/** A row of a list with the key it is paged by. */
interface Row {
  event: CalendarEvent
  changed: number
  start: number
}

/** events.list: full (time window, filters, showDeleted, singleEvents) or incremental (syncToken), paged. */
export function listEvents(store: CalendarStore, cal: FakeCalendarData, query: URLSearchParams): FakeGoogleAnswer {
  const syncToken = query.get('syncToken')
  const maxText = query.get('maxResults')
  const max = maxText === null ? 250 : Number(maxText)
  if (!Number.isInteger(max) || max < 1) throw badRequest('invalid', 'Invalid value for: maxResults')
  const pageSize = Math.min(max, 2500)
  const singleEvents = query.get('singleEvents') === 'true'
  const orderBy = query.get('orderBy')
  if (orderBy === 'startTime' && !singleEvents)
    throw badRequest('badRequest', 'The requested ordering is not available for the particular query.')
  let since = 0
  if (syncToken !== null) {
    const bad = NOT_WITH_SYNC.find((p) => query.has(p))
    if (bad) throw badRequest('invalid', `${bad} is not allowed with syncToken`)
    const token = decode(syncToken)
    if (!token || token.c !== cal.id || token.g !== cal.generation || typeof token.n !== 'number') throw fullSyncRequired()
    since = token.n
  }
  const timeMin = instantParam(query, 'timeMin')
  const timeMax = instantParam(query, 'timeMax')
  const showDeleted = syncToken !== null || query.get('showDeleted') === 'true'
  const privateFilters = query.getAll('privateExtendedProperty')
  const sharedFilters = query.getAll('sharedExtendedProperty')

  const page = query.get('pageToken')
  const cursor = page === null ? null : decode(page)
  if (page !== null && (!cursor || cursor.c !== cal.id)) throw badRequest('invalid', 'Invalid page token value.')
  // Paging runs on a snapshot: later changes wait for the next sync token.
  const snapshot: number = cursor?.s ?? cal.counter

  const rows: Row[] = []
  const overlaps = (e: CalendarEvent) => {
    const s = instantOf(e.start)
    const end = instantOf(e.end)
    return (timeMax === undefined || s < timeMax) && (timeMin === undefined || end > timeMin)
  }
  for (const { event, changed } of cal.events.values()) {
    if (changed <= since || changed > snapshot) continue
    if (!showDeleted && event.status === 'cancelled') continue
    if (!hasProperties(event, privateFilters, 'private') || !hasProperties(event, sharedFilters, 'shared')) continue
    if (singleEvents && event.recurrence) {
      for (const instance of store.instances(cal, event, timeMin ?? instantOf(event.start), timeMax)) {
        // Changed exceptions come as their own rows; here the rule's instances only.
        if (cal.events.has(instance.id)) continue
        if (!showDeleted && instance.status === 'cancelled') continue
        if (event.status === 'cancelled' || overlaps(instance)) rows.push({ event: instance, changed, start: instantOf(instance.start) })
      }
      continue
    }
    if (event.status !== 'cancelled' && !event.recurrence && !overlaps(event)) continue
    if (
      event.status === 'cancelled' &&
      syncToken === null &&
      (timeMin !== undefined || timeMax !== undefined) &&
      event.start &&
      !overlaps(event)
    )
      continue
    if (event.recurrence && event.status !== 'cancelled' && (timeMin !== undefined || timeMax !== undefined)) {
      if (store.instances(cal, event, timeMin ?? instantOf(event.start), timeMax).filter(overlaps).length === 0) continue
    }
    rows.push({ event: structuredClone(event), changed, start: instantOf(event.start) })
  }
  const byStart = orderBy === 'startTime'
  rows.sort((a, b) => (byStart ? a.start - b.start : a.changed - b.changed) || (a.event.id < b.event.id ? -1 : 1))
  const offset: number = cursor?.o ?? 0
  const items = rows.slice(offset, offset + pageSize)
  const more = offset + pageSize < rows.length
  const body: Record<string, unknown> = {
    kind: 'calendar#events',
    etag: `"p${cal.counter}"`,
    summary: cal.summary,
    updated: new Date(Math.max(0, ...items.map((r) => Date.parse(r.event.updated)))).toISOString(),
    timeZone: cal.timeZone,
    accessRole: 'owner',
    defaultReminders: [],
    items: items.map((r) => asListed(cal, r.event)),
  }
  if (more) body.nextPageToken = encode({ c: cal.id, s: snapshot, o: offset + pageSize })
  else body.nextSyncToken = encode({ c: cal.id, g: cal.generation, n: snapshot })
  return { status: 200, body }
}

/** events.instances: a recurring event's instances in a window, exceptions in place, cancelled ones when asked. */
export function listInstances(
  store: CalendarStore,
  cal: FakeCalendarData,
  master: CalendarEvent,
  query: URLSearchParams,
): FakeGoogleAnswer {
  if (!master.recurrence) throw badRequest('invalid', 'The event is not a recurring event.')
  const timeMin = instantParam(query, 'timeMin')
  const timeMax = instantParam(query, 'timeMax')
  const showDeleted = query.get('showDeleted') === 'true'
  const maxText = query.get('maxResults')
  const max = maxText === null ? 250 : Number(maxText)
  if (!Number.isInteger(max) || max < 1) throw badRequest('invalid', 'Invalid value for: maxResults')
  const originalStart = instantParam(query, 'originalStart')
  const all = store
    .instances(cal, master, timeMin ?? instantOf(master.start), timeMax)
    .filter((e) => showDeleted || e.status !== 'cancelled')
    .filter((e) => originalStart === undefined || instantOf(e.originalStartTime) === originalStart)
    .filter((e) => (timeMax === undefined || instantOf(e.start) < timeMax) && (timeMin === undefined || instantOf(e.end) > timeMin))
  const page = query.get('pageToken')
  const offset = page === null ? 0 : Number(decode(page)?.o)
  if (!Number.isInteger(offset)) throw badRequest('invalid', 'Invalid page token value.')
  const items = all.slice(offset, offset + Math.min(max, 2500))
  const body: Record<string, unknown> = {
    kind: 'calendar#events',
    etag: `"p${cal.counter}"`,
    summary: cal.summary,
    timeZone: cal.timeZone,
    accessRole: 'owner',
    items: items.map((e) => asListed(cal, e)),
  }
  if (offset + items.length < all.length) body.nextPageToken = encode({ o: offset + items.length })
  return { status: 200, body }
}
