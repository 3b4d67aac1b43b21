import { GOOGLE_SCOPES } from '../../../core/clients/google.js'
import { FakeGoogleFault, googleErrorBody } from '../../../bench/fake-google-errors.js'
import type { FakeGoogle } from '../../helpers/fake-google.js'

/** An event as the fake keeps it: Google's fields, and the change count at its last change. */
type Stored = Record<string, any> & { id: string; seq: number }

/** One calendar's events and the changes since each sync token. */
interface Calendar {
  events: Map<string, Stored>
  seq: number
  /** Tokens below this are forgotten: a read with one answers 410. */
  oldest: number
}

/** The events.list, events.watch and channels.stop of Calendar v3 over one person's calendars, changed from a test. */
export interface ReadableCalendar {
  /** Adds or changes an event "in Google" (a person's own, or one of our visits). */
  put(email: string, event: Record<string, any> & { id: string }, calendarId?: string): void
  /** The person moved an event in Google. */
  move(email: string, id: string, start: string, end: string, calendarId?: string): void
  /** The person deleted an event in Google: it stays listed as cancelled. */
  remove(email: string, id: string, calendarId?: string): void
  /** Google forgets every sync token of the calendar: the next incremental read answers 410. */
  forgetTokens(email: string, calendarId?: string): void
  event(email: string, id: string, calendarId?: string): Stored | undefined
  /** Channels opened with events.watch, and stopped ones. */
  channels: Array<{ id: string; token: string; address: string; resourceId: string; stopped: boolean }>
  /** The page size the fake answers with. */
  pageSize: number
}

/** Installs the Calendar read routes on the fake; 'primary' is the calling account's own calendar. */
export function installReadableCalendar(fake: FakeGoogle): ReadableCalendar {
  const calendars = new Map<string, Calendar>()
  const calendarOf = (email: string, calendarId = 'primary') => {
    const key = `${email}/${calendarId === 'primary' ? email : calendarId}`
    let c = calendars.get(key)
    if (!c) {
      c = { events: new Map(), seq: 0, oldest: 0 }
      calendars.set(key, c)
    }
    return c
  }
  const touch = (c: Calendar, e: Stored) => {
    c.seq++
    e.seq = c.seq
    e.updated = new Date(fake.now.getTime() + c.seq).toISOString()
    c.events.set(e.id, e)
  }
  const self: ReadableCalendar = {
    pageSize: 250,
    channels: [],
    put(email, event, calendarId) {
      const c = calendarOf(email, calendarId)
      touch(c, { status: 'confirmed', ...event, seq: 0 })
    },
    move(email, id, start, end, calendarId) {
      const c = calendarOf(email, calendarId)
      const e = c.events.get(id)
      if (!e) throw new Error(`no event ${id}`)
      touch(c, { ...e, start: { dateTime: start }, end: { dateTime: end } })
    },
    remove(email, id, calendarId) {
      const c = calendarOf(email, calendarId)
      const e = c.events.get(id)
      if (!e) throw new Error(`no event ${id}`)
      touch(c, { ...e, status: 'cancelled' })
    },
    forgetTokens(email, calendarId) {
      const c = calendarOf(email, calendarId)
      c.oldest = c.seq + 1
    },
    event: (email, id, calendarId) => calendarOf(email, calendarId).events.get(id),
  }
  const scopes = [GOOGLE_SCOPES.calendar]
  fake.addRoutes([
    {
      method: 'GET',
      path: /^\/calendar\/v3\/calendars\/([^/]+)\/events$/,
      scopes,
      handle(req, m) {
        const c = calendarOf(req.grant.email, decodeURIComponent(m[1]))
        const token = req.query.get('syncToken')
        let since = 0
        if (token) {
          since = Number(token.replace(/^sync-/, ''))
          if (!Number.isFinite(since) || since < c.oldest) {
            throw new FakeGoogleFault(
              410,
              googleErrorBody(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.'),
            )
          }
        }
        const showDeleted = token !== null || req.query.get('showDeleted') === 'true'
        const all = [...c.events.values()]
          .filter((e) => e.seq > since && (showDeleted || e.status !== 'cancelled'))
          .sort((a, b) => a.seq - b.seq)
        const offset = Number(req.query.get('pageToken') ?? 0)
        const size = Math.min(self.pageSize, Number(req.query.get('maxResults') ?? 250))
        const items = all.slice(offset, offset + size).map(({ seq: _seq, ...e }) => ({ kind: 'calendar#event', ...e }))
        const more = offset + size < all.length
        return {
          status: 200,
          body: {
            kind: 'calendar#events',
            items,
            ...(more ? { nextPageToken: String(offset + size) } : { nextSyncToken: `sync-${c.seq}` }),
          },
        }
      },
    },
    {
      method: 'POST',
      path: /^\/calendar\/v3\/calendars\/([^/]+)\/events\/watch$/,
      scopes,
      handle(req, m) {
        const b = req.body ?? {}
        if (b.type !== 'web_hook' || !String(b.address ?? '').startsWith('https://')) {
          throw new FakeGoogleFault(400, googleErrorBody(400, 'push.webhookUrlNotHttps', 'WebHook callback must be HTTPS'))
        }
        const resourceId = `res-${decodeURIComponent(m[1])}`
        self.channels.push({ id: b.id, token: b.token, address: b.address, resourceId, stopped: false })
        const ttl = Number(b.params?.ttl ?? 604800)
        return { status: 200, body: { kind: 'api#channel', id: b.id, resourceId, expiration: String(req.now.getTime() + ttl * 1000) } }
      },
    },
    {
      method: 'POST',
      path: /^\/calendar\/v3\/channels\/stop$/,
      scopes,
      handle(req) {
        const ch = self.channels.find((c) => c.id === req.body?.id && c.resourceId === req.body?.resourceId)
        if (!ch) throw new FakeGoogleFault(404, googleErrorBody(404, 'notFound', 'Channel not found'))
        ch.stopped = true
        return { status: 204 }
      },
    },
  ])
  return self
}
