import type { FakeGoogle, FakeGoogleApiRequest, FakeGoogleRoute } from './fake-google.js'
import { listEvents, listInstances } from './fake-google-calendar-list.js'
import { instanceSuffix } from './fake-google-calendar-recurrence.js'
import { badRequest, type CalendarEvent, CalendarStore, type FakeCalendarData, notFound } from './fake-google-calendar-store.js'
import { FakeGoogleFault, googleErrorBody } from './fake-google-errors.js'

export type { CalendarEvent } from './fake-google-calendar-store.js'

const SCOPE = 'https://www.googleapis.com/auth/'
const EVENT_SCOPES = [`${SCOPE}calendar.events`, `${SCOPE}calendar`]
const READ_SCOPES = [...EVENT_SCOPES, `${SCOPE}calendar.events.readonly`, `${SCOPE}calendar.readonly`]
const LIST_SCOPES = [`${SCOPE}calendar.calendarlist.readonly`, `${SCOPE}calendar.readonly`, `${SCOPE}calendar`]

/** A push channel opened by events.watch. */
export interface FakeChannel {
  id: string
  resourceId: string
  calendarId: string
  account: string
  address: string
  token?: string
  /** Milliseconds since the epoch, on the fake's clock. */
  expiration: number
  stopped: boolean
  messages: number
}

/** A push notification the fake sent to a channel's address, and how the address answered (0 when it could not be reached). */
export interface FakeDelivery {
  channelId: string
  state: 'sync' | 'exists'
  number: number
  status: number
}

/** An event's times as a test writes them: instants, or the API's own objects. */
export interface FakeEventTimes {
  start: Date | string
  end: Date | string
  timeZone?: string
}

/** Calendar v3 in the fake, and what a test does "in Google" (as the person would in Google Calendar). */
export interface FakeCalendar {
  store: CalendarStore
  channels: Map<string, FakeChannel>
  deliveries: FakeDelivery[]
  /** A new calendar in the account's list (shared with other accounts when asked); its id. */
  makeCalendar(email: string, summary: string, options?: { timeZone?: string; sharedWith?: string[] }): string
  /** The events stored in a calendar ('primary' = the account's own), cancelled ones included unless asked not to. */
  events(email: string, calendarId?: string, options?: { includeCancelled?: boolean }): CalendarEvent[]
  /** One event or instance, or undefined. */
  event(email: string, calendarId: string, eventId: string): CalendarEvent | undefined
  /** The person moves an event (or one instance, by its instance id). */
  moveEvent(email: string, calendarId: string, eventId: string, times: FakeEventTimes): CalendarEvent
  /** The person changes any fields of an event or one instance (an instance changed alone becomes an exception). */
  patchEvent(email: string, calendarId: string, eventId: string, patch: Record<string, unknown>): CalendarEvent
  /** The person deletes an event (it stays, cancelled, for incremental lists). */
  deleteEvent(email: string, calendarId: string, eventId: string): void
  /** The person adds an event of their own that makes them busy. */
  addBusyEvent(
    email: string,
    calendarId: string,
    fields: FakeEventTimes & { summary?: string; transparency?: 'opaque' | 'transparent' },
  ): CalendarEvent
  /** The person changes one instance of a recurring event, by its original start. */
  patchInstance(
    email: string,
    calendarId: string,
    recurringEventId: string,
    originalStart: Date,
    patch: Record<string, unknown>,
  ): CalendarEvent
  /** Every sync token given so far (of one calendar, or all) answers 410 fullSyncRequired. */
  invalidateSyncTokens(calendarId?: string): void
}

const time = (at: Date | string, timeZone?: string) => ({
  dateTime: typeof at === 'string' ? at : at.toISOString(),
  ...(timeZone ? { timeZone } : {}),
})

/** Installs Calendar v3 on the fake: calendarList, events (insert, get, patch, update, delete, list, instances, watch) and channels.stop. */
export function installFakeCalendar(fake: FakeGoogle): FakeCalendar {
  const store = new CalendarStore(() => fake.now)
  const channels = new Map<string, FakeChannel>()
  const deliveries: FakeDelivery[] = []

  const deliver = (channel: FakeChannel, state: FakeDelivery['state']) => {
    const number = ++channel.messages
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': channel.id,
      'X-Goog-Channel-Expiration': new Date(channel.expiration).toUTCString(),
      'X-Goog-Resource-ID': channel.resourceId,
      'X-Goog-Resource-URI': `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(channel.calendarId)}/events?alt=json`,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(number),
    }
    if (channel.token) headers['X-Goog-Channel-Token'] = channel.token
    const delivery: FakeDelivery = { channelId: channel.id, state, number, status: 0 }
    deliveries.push(delivery)
    fetch(channel.address, { method: 'POST', headers })
      .then((res) => {
        delivery.status = res.status
        return res.arrayBuffer()
      })
      .catch(() => {})
  }
  store.onChange = (cal: FakeCalendarData) => {
    for (const channel of channels.values()) {
      if (channel.calendarId === cal.id && !channel.stopped && channel.expiration > fake.now.getTime()) deliver(channel, 'exists')
    }
  }

  const cal = (req: FakeGoogleApiRequest, m: RegExpExecArray) => store.calendarFor(req.grant.email, decodeURIComponent(m[1]))
  const body = (req: FakeGoogleApiRequest): Record<string, unknown> => {
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) throw badRequest('required', 'Required: a JSON object body.')
    return req.body
  }
  const E = '^/calendar/v3/calendars/([^/]+)/events'
  const routes: FakeGoogleRoute[] = [
    {
      method: 'GET',
      path: /^\/calendar\/v3\/users\/me\/calendarList$/,
      scopes: LIST_SCOPES,
      handle: (req) => ({
        status: 200,
        body: {
          kind: 'calendar#calendarList',
          etag: `"l${store.calendars.size}"`,
          items: store.listFor(req.grant.email).map((c) => ({
            kind: 'calendar#calendarListEntry',
            etag: `"c${c.counter}"`,
            id: c.id,
            summary: c.summary,
            timeZone: c.timeZone,
            accessRole: c.owner === req.grant.email ? 'owner' : 'writer',
            backgroundColor: '#9fc6e7',
            ...(c.id === req.grant.email ? { primary: true } : {}),
          })),
        },
      }),
    },
    { method: 'POST', path: new RegExp(`${E}/watch$`), scopes: READ_SCOPES, handle: (req, m) => watch(req, cal(req, m)) },
    { method: 'GET', path: new RegExp(`${E}$`), scopes: READ_SCOPES, handle: (req, m) => listEvents(store, cal(req, m), req.query) },
    {
      method: 'POST',
      path: new RegExp(`${E}$`),
      scopes: EVENT_SCOPES,
      handle: (req, m) => ({ status: 200, body: store.insert(cal(req, m), body(req)) }),
    },
    {
      method: 'GET',
      path: new RegExp(`${E}/([^/]+)/instances$`),
      scopes: READ_SCOPES,
      handle: (req, m) => {
        const c = cal(req, m)
        return listInstances(store, c, store.find(c, decodeURIComponent(m[2])), req.query)
      },
    },
    {
      method: 'GET',
      path: new RegExp(`${E}/([^/]+)$`),
      scopes: READ_SCOPES,
      handle: (req, m) => ({ status: 200, body: store.find(cal(req, m), decodeURIComponent(m[2])) }),
    },
    {
      method: 'PATCH',
      path: new RegExp(`${E}/([^/]+)$`),
      scopes: EVENT_SCOPES,
      handle: (req, m) => ({ status: 200, body: store.write(cal(req, m), decodeURIComponent(m[2]), body(req), false) }),
    },
    {
      method: 'PUT',
      path: new RegExp(`${E}/([^/]+)$`),
      scopes: EVENT_SCOPES,
      handle: (req, m) => ({ status: 200, body: store.write(cal(req, m), decodeURIComponent(m[2]), body(req), true) }),
    },
    {
      method: 'DELETE',
      path: new RegExp(`${E}/([^/]+)$`),
      scopes: EVENT_SCOPES,
      handle: (req, m) => {
        store.remove(cal(req, m), decodeURIComponent(m[2]))
        return { status: 204 }
      },
    },
    {
      method: 'POST',
      path: /^\/calendar\/v3\/channels\/stop$/,
      scopes: READ_SCOPES,
      handle: (req) => {
        const b = body(req)
        const channel = channels.get(String(b.id))
        if (!channel || channel.resourceId !== b.resourceId || channel.stopped || channel.account !== req.grant.email)
          throw new FakeGoogleFault(404, googleErrorBody(404, 'notFound', `Channel '${String(b.id)}' not found for project`))
        channel.stopped = true
        return { status: 204 }
      },
    },
  ]

  const watch = (req: FakeGoogleApiRequest, c: FakeCalendarData) => {
    const b = body(req)
    if (typeof b.id !== 'string' || !/^[A-Za-z0-9\-_+/=]{1,64}$/.test(b.id)) throw badRequest('required', 'Required: channel id')
    if (b.type !== 'web_hook' && b.type !== 'webhook') throw badRequest('invalid', 'Invalid value for: type (web_hook expected)')
    if (typeof b.address !== 'string' || !/^https?:\/\//.test(b.address)) throw badRequest('required', 'Required: address')
    if (channels.has(b.id)) throw badRequest('channelIdNotUnique', `Channel id ${b.id} not unique`)
    const params = (b.params ?? {}) as Record<string, string>
    const ttl = params.ttl === undefined ? 604_800 : Number(params.ttl)
    const channel: FakeChannel = {
      id: b.id,
      resourceId: c.resourceId,
      calendarId: c.id,
      account: req.grant.email,
      address: b.address,
      token: typeof b.token === 'string' ? b.token : undefined,
      expiration: req.now.getTime() + Math.min(ttl, 2_592_000) * 1000,
      stopped: false,
      messages: 0,
    }
    channels.set(channel.id, channel)
    deliver(channel, 'sync')
    return {
      status: 200,
      body: {
        kind: 'api#channel',
        id: channel.id,
        resourceId: channel.resourceId,
        resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(c.id)}/events?alt=json`,
        ...(channel.token ? { token: channel.token } : {}),
        expiration: String(channel.expiration),
      },
    }
  }
  fake.addRoutes(routes)

  const owned = (email: string, calendarId = 'primary') => store.calendarFor(email, calendarId)
  return {
    store,
    channels,
    deliveries,
    makeCalendar(email, summary, options = {}) {
      store.primary(email)
      const c = store.make(email, summary, undefined, options.timeZone ?? 'UTC')
      for (const other of options.sharedWith ?? []) c.readers.add(other)
      return c.id
    },
    events(email, calendarId = 'primary', options = {}) {
      return [...owned(email, calendarId).events.values()]
        .map((s) => structuredClone(s.event))
        .filter((e) => options.includeCancelled !== false || e.status !== 'cancelled')
    },
    event(email, calendarId, eventId) {
      try {
        return store.find(owned(email, calendarId), eventId)
      } catch (error) {
        if (error instanceof FakeGoogleFault && error.status === 404) return undefined
        throw error
      }
    },
    moveEvent(email, calendarId, eventId, times) {
      const c = owned(email, calendarId)
      const zone = times.timeZone ?? store.find(c, eventId).start?.timeZone
      return store.write(c, eventId, { start: time(times.start, zone), end: time(times.end, zone) }, false)
    },
    patchEvent: (email, calendarId, eventId, patch) => store.write(owned(email, calendarId), eventId, patch, false),
    deleteEvent: (email, calendarId, eventId) => store.remove(owned(email, calendarId), eventId),
    addBusyEvent(email, calendarId, fields) {
      return store.insert(owned(email, calendarId), {
        summary: fields.summary ?? 'Busy',
        start: time(fields.start, fields.timeZone),
        end: time(fields.end, fields.timeZone),
        transparency: fields.transparency ?? 'opaque',
      })
    },
    patchInstance(email, calendarId, recurringEventId, originalStart, patch) {
      const c = owned(email, calendarId)
      const master = store.find(c, recurringEventId)
      if (!master.recurrence) throw notFound()
      const allDay = Boolean(master.start?.date && !master.start.dateTime)
      return store.write(c, `${recurringEventId}_${instanceSuffix(originalStart.getTime(), allDay)}`, patch, false)
    },
    invalidateSyncTokens(calendarId) {
      for (const c of store.calendars.values()) if (calendarId === undefined || c.id === calendarId) c.generation++
    },
  }
}
