import { randomBytes } from 'node:crypto'
import {
  type EventTime,
  instanceSuffix,
  instantOf,
  occurrenceStarts,
  suffixStart,
  validRecurrence,
} from './fake-google-calendar-recurrence.js'
import { FakeGoogleFault, googleErrorBody } from './fake-google-errors.js'

/** An event resource as Calendar v3 writes it (the fields the product uses are typed, the rest kept as given). */
export interface CalendarEvent {
  kind: 'calendar#event'
  id: string
  status: 'confirmed' | 'tentative' | 'cancelled'
  etag: string
  created: string
  updated: string
  sequence: number
  iCalUID: string
  htmlLink: string
  summary?: string
  description?: string
  location?: string
  start?: EventTime
  end?: EventTime
  recurrence?: string[]
  recurringEventId?: string
  originalStartTime?: EventTime
  transparency?: 'opaque' | 'transparent'
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> }
  [field: string]: unknown
}

/** A stored event and the change number of its last write (sync tokens count these). */
export interface StoredEvent {
  event: CalendarEvent
  changed: number
}

/** One calendar in the fake: who sees it, its events, its change counter and sync-token generation. */
export interface FakeCalendarData {
  id: string
  summary: string
  timeZone: string
  owner: string
  readers: Set<string>
  events: Map<string, StoredEvent>
  counter: number
  /** Sync tokens of an older generation answer 410. */
  generation: number
  /** The opaque id push notifications name the events collection by. */
  resourceId: string
}

/** Fields the server owns: a client's value is ignored. */
const SERVER_FIELDS = ['kind', 'etag', 'created', 'updated', 'htmlLink', 'iCalUID', 'recurringEventId', 'originalStartTime']

/** 400 in Google's shape. */
export function badRequest(reason: string, message: string): FakeGoogleFault {
  return new FakeGoogleFault(400, googleErrorBody(400, reason, message))
}

/** 404 in Google's shape. */
export function notFound(): FakeGoogleFault {
  return new FakeGoogleFault(404, googleErrorBody(404, 'notFound', 'Not Found'))
}

/** Google's rule for a client-chosen event id: base32hex (a-v, 0-9), 5 to 1024 characters. */
export function validEventId(id: string): boolean {
  return /^[a-v0-9]{5,1024}$/.test(id)
}

/** A merge as PATCH does it: objects merge key by key, arrays and scalars replace, null removes. */
export function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else if (typeof value === 'object' && !Array.isArray(value) && typeof out[key] === 'object' && out[key] && !Array.isArray(out[key]))
      out[key] = mergePatch(out[key] as Record<string, unknown>, value as Record<string, unknown>)
    else out[key] = value
  }
  return out
}

/** Calendars, their events and the change bookkeeping, shared by the routes and the test helpers. */
export class CalendarStore {
  readonly calendars = new Map<string, FakeCalendarData>()
  /** Called after every change to a calendar (push notifications hang here). */
  onChange: (calendar: FakeCalendarData) => void = () => {}

  constructor(private readonly clock: () => Date) {}

  /** The account's primary calendar, made on first use (its id is the address, as Google's is). */
  primary(email: string): FakeCalendarData {
    let cal = this.calendars.get(email)
    if (!cal) {
      cal = this.make(email, email, email)
    }
    return cal
  }

  /** A new calendar owned by `email` (id given, or a group address like Google's). */
  make(owner: string, summary: string, id = `${randomBytes(10).toString('hex')}@group.calendar.google.com`, timeZone = 'UTC') {
    const cal: FakeCalendarData = {
      id,
      summary,
      timeZone,
      owner,
      readers: new Set([owner]),
      events: new Map(),
      counter: 0,
      generation: 1,
      resourceId: randomBytes(12).toString('base64url'),
    }
    this.calendars.set(id, cal)
    return cal
  }

  /** The calendar a path names for this account ('primary' is their own), or 404 when they cannot see it. */
  calendarFor(email: string, calendarId: string): FakeCalendarData {
    if (calendarId === 'primary' || calendarId === email) return this.primary(email)
    const cal = this.calendars.get(calendarId)
    if (!cal?.readers.has(email)) throw notFound()
    return cal
  }

  /** Calendars the account sees, its primary first. */
  listFor(email: string): FakeCalendarData[] {
    const primary = this.primary(email)
    return [primary, ...[...this.calendars.values()].filter((c) => c !== primary && c.readers.has(email))]
  }

  /** Stores a new version of an event: change number, etag, updated. */
  private stamp(cal: FakeCalendarData, event: CalendarEvent): CalendarEvent {
    cal.counter++
    const now = this.clock()
    event.updated = now.toISOString()
    event.etag = `"3${String(now.getTime()).padStart(13, '0')}${String(cal.counter).padStart(3, '0')}"`
    cal.events.set(event.id, { event, changed: cal.counter })
    this.onChange(cal)
    return structuredClone(event)
  }

  /** events.insert: a client-chosen id is kept (409 duplicate when taken, even by a deleted event). */
  insert(cal: FakeCalendarData, body: Record<string, unknown>): CalendarEvent {
    const id = typeof body.id === 'string' ? body.id : randomBytes(13).toString('hex').replace(/[w-z]/g, 'a')
    if (!validEventId(id)) throw badRequest('invalid', 'Invalid resource id value.')
    if (cal.events.has(id)) throw new FakeGoogleFault(409, googleErrorBody(409, 'duplicate', 'The requested identifier already exists.'))
    const fields = Object.fromEntries(Object.entries(body).filter(([k]) => !SERVER_FIELDS.includes(k)))
    const now = this.clock().toISOString()
    const event = {
      ...fields,
      kind: 'calendar#event',
      id,
      status: (body.status as CalendarEvent['status']) ?? 'confirmed',
      created: now,
      sequence: typeof body.sequence === 'number' ? body.sequence : 0,
      iCalUID: `${id}@google.com`,
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${cal.id}`).toString('base64url')}`,
    } as CalendarEvent
    this.check(event)
    return this.stamp(cal, event)
  }

  /** Start, end and recurrence as Google checks them. */
  private check(event: CalendarEvent): void {
    if (event.status === 'cancelled') return
    if (!event.start || Number.isNaN(instantOf(event.start))) throw badRequest('required', 'Missing start time.')
    if (!event.end || Number.isNaN(instantOf(event.end))) throw badRequest('required', 'Missing end time.')
    if (instantOf(event.end) < instantOf(event.start)) throw badRequest('timeRangeEmpty', 'The specified time range is empty.')
    if (event.recurrence !== undefined) {
      if (!validRecurrence(event.recurrence)) throw badRequest('invalid', 'Invalid recurrence rule.')
      if (event.start.dateTime && !event.start.timeZone) throw badRequest('required', 'Missing time zone definition for start time.')
    }
  }

  /** The stored event or instance an id names (a virtual instance of a recurring event is made up), or 404. */
  find(cal: FakeCalendarData, id: string): CalendarEvent {
    const stored = cal.events.get(id)
    if (stored) return structuredClone(stored.event)
    const instance = this.virtualInstance(cal, id)
    if (!instance) throw notFound()
    return instance
  }

  /** An instance id (`<recurring id>_<original start>`) of an instance the rule gives, as Google shows it. */
  private virtualInstance(cal: FakeCalendarData, id: string): CalendarEvent | null {
    const cut = id.lastIndexOf('_')
    if (cut < 0) return null
    const master = cal.events.get(id.slice(0, cut))?.event
    const at = suffixStart(id.slice(cut + 1))
    if (!master?.recurrence || !master.start || at === null) return null
    if (!occurrenceStarts(master.start, master.recurrence, at, at).includes(at)) return null
    return this.instanceOf(master, at)
  }

  /** The instance of a recurring event at an original start. */
  instanceOf(master: CalendarEvent, at: number): CalendarEvent {
    const start = master.start as EventTime
    const allDay = Boolean(start.date && !start.dateTime)
    const length = instantOf(master.end) - instantOf(start)
    const time = (ms: number): EventTime =>
      allDay ? { date: new Date(ms).toISOString().slice(0, 10) } : { dateTime: new Date(ms).toISOString(), timeZone: start.timeZone }
    const { recurrence: _r, ...rest } = structuredClone(master)
    return {
      ...rest,
      id: `${master.id}_${instanceSuffix(at, allDay)}`,
      recurringEventId: master.id,
      originalStartTime: time(at),
      start: time(at),
      end: time(at + length),
      status: master.status,
    }
  }

  /** events.patch (merge) or events.update (replace); on an instance id, makes or changes that exception. */
  write(cal: FakeCalendarData, id: string, body: Record<string, unknown>, replace: boolean): CalendarEvent {
    const before = this.find(cal, id)
    const fields = Object.fromEntries(Object.entries(body).filter(([k]) => !SERVER_FIELDS.includes(k) && k !== 'id'))
    const kept = Object.fromEntries(Object.entries(before).filter(([k]) => SERVER_FIELDS.includes(k) || k === 'id' || k === 'sequence'))
    const next = (replace ? { ...kept, ...fields } : mergePatch(before, fields)) as CalendarEvent
    if (!next.status) next.status = 'confirmed'
    // Google's sequence (iCalendar's SEQUENCE) goes up when the event is moved or cancelled, not for its words.
    const moved = ['start', 'end', 'recurrence', 'location', 'status'].some((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]))
    if (typeof body.sequence !== 'number') next.sequence = before.sequence + (moved ? 1 : 0)
    this.check(next)
    return this.stamp(cal, next)
  }

  /** events.delete: the event stays, cancelled, for incremental lists; a recurring event's exceptions go with it. */
  remove(cal: FakeCalendarData, id: string): void {
    const before = this.find(cal, id)
    if (before.status === 'cancelled') throw new FakeGoogleFault(410, googleErrorBody(410, 'deleted', 'Resource has been deleted'))
    this.stamp(cal, { ...before, status: 'cancelled', sequence: before.sequence + 1 })
    if (before.recurrence) {
      for (const { event } of [...cal.events.values()]) {
        if (event.recurringEventId === id && event.status !== 'cancelled')
          this.stamp(cal, { ...event, status: 'cancelled', sequence: event.sequence + 1 })
      }
    }
  }

  /** A recurring event's instances from `from` to `to`, its exceptions in place of the rule's. */
  instances(cal: FakeCalendarData, master: CalendarEvent, from: number, to: number | undefined): CalendarEvent[] {
    if (!master.recurrence || !master.start) return []
    const exceptions = new Map<number, CalendarEvent>()
    for (const { event } of cal.events.values()) {
      if (event.recurringEventId === master.id) exceptions.set(instantOf(event.originalStartTime), structuredClone(event))
    }
    return occurrenceStarts(master.start, master.recurrence, from, to).map((at) => exceptions.get(at) ?? this.instanceOf(master, at))
  }
}
