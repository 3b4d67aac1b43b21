import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOOGLE_SCOPES, type GoogleCaller } from '../../core/clients/google.js'
import { type FakeGoogle, startFakeGoogle } from '../helpers/fake-google.js'
import { consentedTokens, googleClientFor } from './google-connect.js'

const API = 'https://www.googleapis.com/calendar/v3'
let fake: FakeGoogle

beforeAll(async () => {
  fake = await startFakeGoogle()
})
afterAll(() => fake.close())

/** A caller for an account that granted these scopes. */
async function account(email: string, scopes: string[] = [GOOGLE_SCOPES.calendar, GOOGLE_SCOPES.calendarList]): Promise<GoogleCaller> {
  const client = googleClientFor(fake, { backoffMs: [1, 1, 1] })
  const tokens = await consentedTokens(fake, client, email, scopes)
  return client.caller(email, { accessToken: async () => tokens.accessToken, afterUnauthorized: async () => tokens.accessToken })
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e) => e,
  )
const visit = (id: string, day: string, extra: Record<string, unknown> = {}) => ({
  id,
  summary: `Visit ${id}`,
  start: { dateTime: `${day}T09:00:00-05:00`, timeZone: 'America/New_York' },
  end: { dateTime: `${day}T10:00:00-05:00`, timeZone: 'America/New_York' },
  extendedProperties: { private: { crmTicketId: id } },
  ...extra,
})

describe('the fake Google Calendar v3', () => {
  it('lists the calendars an account sees, the primary one first, and needs the calendar list scope', async () => {
    const caller = await account('lister@example.com')
    const shared = fake.calendar.makeCalendar('owner-l@example.com', 'Business visits', { sharedWith: ['lister@example.com'] })
    const list = await caller.call('GET', `${API}/users/me/calendarList`)
    expect(list.kind).toBe('calendar#calendarList')
    expect(list.items.map((c: { id: string; primary?: boolean }) => [c.id, c.primary ?? false])).toEqual([
      ['lister@example.com', true],
      [shared, false],
    ])
    const eventsOnly = await account('eventsonly@example.com', [GOOGLE_SCOPES.calendar])
    expect(await failure(eventsOnly.call('GET', `${API}/users/me/calendarList`))).toMatchObject({ status: 403 })
    const noCalendar = await account('mailonly@example.com', [GOOGLE_SCOPES.gmail])
    expect(
      await failure(noCalendar.call('POST', `${API}/calendars/primary/events`, { body: visit('abcde1', '2026-12-01') })),
    ).toMatchObject({
      status: 403,
    })
  })

  it('inserts with a client id, answers 409 duplicate to a second insert, gets, patches, updates and deletes', async () => {
    const caller = await account('crud@example.com')
    const made = await caller.call('POST', `${API}/calendars/primary/events`, { body: visit('crm0001abc', '2026-12-01') })
    expect(made).toMatchObject({ kind: 'calendar#event', id: 'crm0001abc', status: 'confirmed', sequence: 0 })
    expect(made.etag).toMatch(/^"\d+"$/)
    expect(
      await failure(caller.call('POST', `${API}/calendars/primary/events`, { body: visit('crm0001abc', '2026-12-02') })),
    ).toMatchObject({
      status: 409,
      reason: 'duplicate',
    })
    for (const bad of ['abc', 'WXYZ12345', 'crm-0001', 'wxyz12345']) {
      expect(await failure(caller.call('POST', `${API}/calendars/primary/events`, { body: visit(bad, '2026-12-01') }))).toMatchObject({
        status: 400,
      })
    }
    const patched = await caller.call('PATCH', `${API}/calendars/primary/events/crm0001abc`, {
      body: {
        start: { dateTime: '2026-12-01T11:00:00-05:00' },
        end: { dateTime: '2026-12-01T12:00:00-05:00' },
        extendedProperties: { private: { x: '1' } },
      },
    })
    expect(patched.sequence).toBe(1)
    expect(patched.etag).not.toBe(made.etag)
    expect(patched.summary).toBe('Visit crm0001abc')
    expect(patched.start.timeZone).toBe('America/New_York')
    expect(patched.extendedProperties.private).toEqual({ crmTicketId: 'crm0001abc', x: '1' })
    // Words changed alone: a new etag, the same sequence (Google raises it when the event is moved or cancelled).
    const worded = await caller.call('PATCH', `${API}/calendars/primary/events/crm0001abc`, { body: { description: 'Ladder' } })
    expect(worded.etag).not.toBe(patched.etag)
    expect(worded.sequence).toBe(1)
    const updated = await caller.call('PUT', `${API}/calendars/primary/events/crm0001abc`, {
      body: { summary: 'Replaced', start: { dateTime: '2026-12-01T14:00:00Z' }, end: { dateTime: '2026-12-01T15:00:00Z' } },
    })
    expect(updated.extendedProperties).toBeUndefined()
    expect(updated.created).toBe(made.created)
    expect(await caller.call('GET', `${API}/calendars/primary/events/crm0001abc`)).toMatchObject({
      summary: 'Replaced',
      etag: updated.etag,
    })
    expect(await caller.call('DELETE', `${API}/calendars/primary/events/crm0001abc`)).toBeUndefined()
    const deleted = await caller.call('GET', `${API}/calendars/primary/events/crm0001abc`)
    expect(deleted).toMatchObject({ status: 'cancelled', sequence: updated.sequence + 1 })
    expect(deleted.etag).not.toBe(updated.etag)
    expect(await failure(caller.call('DELETE', `${API}/calendars/primary/events/crm0001abc`))).toMatchObject({ status: 410 })
    expect(
      await failure(caller.call('POST', `${API}/calendars/primary/events`, { body: visit('crm0001abc', '2026-12-02') })),
    ).toMatchObject({
      status: 409,
    })
    expect(await failure(caller.call('GET', `${API}/calendars/primary/events/nosuchevent`))).toMatchObject({ status: 404 })
    expect(
      await failure(
        caller.call('POST', `${API}/calendars/primary/events`, { body: { ...visit('crm0002', '2026-12-01'), end: undefined } }),
      ),
    ).toMatchObject({ status: 400 })
    expect(await failure(caller.call('GET', `${API}/calendars/someone-else%40example.com/events`))).toMatchObject({ status: 404 })
  })

  it('lists by time window and private property, pages, and syncs incrementally with cancelled events; an invalid token is 410', async () => {
    const caller = await account('sync@example.com')
    for (let d = 1; d <= 5; d++)
      await caller.call('POST', `${API}/calendars/primary/events`, { body: visit(`snc000${d}`, `2026-12-0${d}`) })
    const window = await caller.call('GET', `${API}/calendars/primary/events`, {
      query: { timeMin: '2026-12-02T00:00:00Z', timeMax: '2026-12-04T00:00:00Z', singleEvents: true, orderBy: 'startTime' },
    })
    expect(window.items.map((e: { id: string }) => e.id)).toEqual(['snc0002', 'snc0003'])
    const tagged = await caller.call('GET', `${API}/calendars/primary/events`, {
      query: { privateExtendedProperty: 'crmTicketId=snc0004' },
    })
    expect(tagged.items.map((e: { id: string }) => e.id)).toEqual(['snc0004'])

    const ids: string[] = []
    let pageToken: string | undefined
    let syncToken: string | undefined
    let pages = 0
    do {
      const page = await caller.call('GET', `${API}/calendars/primary/events`, { query: { maxResults: 2, pageToken } })
      pages++
      ids.push(...page.items.map((e: { id: string }) => e.id))
      pageToken = page.nextPageToken
      syncToken = page.nextSyncToken
      if (pageToken) expect(syncToken).toBeUndefined()
    } while (pageToken)
    expect(pages).toBe(3)
    expect(ids.sort()).toEqual(['snc0001', 'snc0002', 'snc0003', 'snc0004', 'snc0005'])
    expect(syncToken).toBeTruthy()

    const none = await caller.call('GET', `${API}/calendars/primary/events`, { query: { syncToken } })
    expect(none.items).toEqual([])
    fake.calendar.moveEvent('sync@example.com', 'primary', 'snc0002', { start: '2026-12-09T15:00:00Z', end: '2026-12-09T16:00:00Z' })
    fake.calendar.deleteEvent('sync@example.com', 'primary', 'snc0003')
    const busy = fake.calendar.addBusyEvent('sync@example.com', 'primary', { start: '2026-12-10T15:00:00Z', end: '2026-12-10T18:00:00Z' })
    const changes = await caller.call('GET', `${API}/calendars/primary/events`, { query: { syncToken: none.nextSyncToken } })
    expect(changes.items.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
      ['snc0002', 'confirmed'],
      ['snc0003', 'cancelled'],
      [busy.id, 'confirmed'],
    ])
    expect(changes.items[0].start.dateTime).toBe('2026-12-09T15:00:00Z')
    // A deleted event is listed as Google guarantees it: its id and status, with kind and etag; no times, no properties.
    expect(changes.items[1]).toEqual({ kind: 'calendar#event', etag: expect.stringMatching(/^"\d+"$/), id: 'snc0003', status: 'cancelled' })
    const shownDeleted = await caller.call('GET', `${API}/calendars/primary/events`, { query: { showDeleted: true } })
    expect(shownDeleted.items.find((e: { id: string }) => e.id === 'snc0003')).toEqual(changes.items[1])
    const full = await caller.call('GET', `${API}/calendars/primary/events`)
    expect(full.items.map((e: { id: string }) => e.id)).not.toContain('snc0003')
    expect(
      await failure(
        caller.call('GET', `${API}/calendars/primary/events`, {
          query: { syncToken: changes.nextSyncToken, timeMin: '2026-12-01T00:00:00Z' },
        }),
      ),
    ).toMatchObject({ status: 400 })

    fake.calendar.invalidateSyncTokens()
    expect(
      await failure(caller.call('GET', `${API}/calendars/primary/events`, { query: { syncToken: changes.nextSyncToken } })),
    ).toMatchObject({
      status: 410,
      reason: 'fullSyncRequired',
      needsFullSync: true,
    })
    expect(await failure(caller.call('GET', `${API}/calendars/primary/events`, { query: { syncToken: 'garbage' } }))).toMatchObject({
      status: 410,
    })
  })

  it('expands a recurring event into instances, and an instance changed alone becomes an exception', async () => {
    const caller = await account('series@example.com')
    const weekly = {
      ...visit('series001', '2026-10-27'),
      start: { dateTime: '2026-10-27T09:00:00', timeZone: 'America/New_York' },
      end: { dateTime: '2026-10-27T10:00:00', timeZone: 'America/New_York' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    }
    weekly.start.dateTime = '2026-10-27T09:00:00-04:00'
    weekly.end.dateTime = '2026-10-27T10:00:00-04:00'
    await caller.call('POST', `${API}/calendars/primary/events`, { body: weekly })
    const instances = await caller.call('GET', `${API}/calendars/primary/events/series001/instances`)
    // 9:00 in New York on each Tuesday, across the change from daylight-saving time on Nov 1.
    expect(instances.items.map((e: { start: { dateTime: string } }) => e.start.dateTime)).toEqual([
      '2026-10-27T13:00:00.000Z',
      '2026-11-03T14:00:00.000Z',
      '2026-11-10T14:00:00.000Z',
      '2026-11-17T14:00:00.000Z',
    ])
    const second = instances.items[1]
    expect(second).toMatchObject({ id: 'series001_20261103T140000Z', recurringEventId: 'series001' })
    expect(second.originalStartTime.dateTime).toBe('2026-11-03T14:00:00.000Z')
    expect(second.extendedProperties.private.crmTicketId).toBe('series001')

    const { nextSyncToken } = await caller.call('GET', `${API}/calendars/primary/events`)
    await caller.call('PATCH', `${API}/calendars/primary/events/${second.id}`, {
      body: { start: { dateTime: '2026-11-04T15:00:00Z' }, end: { dateTime: '2026-11-04T16:00:00Z' } },
    })
    fake.calendar.patchInstance('series@example.com', 'primary', 'series001', new Date('2026-11-10T14:00:00Z'), { status: 'cancelled' })
    const after = await caller.call('GET', `${API}/calendars/primary/events/series001/instances`)
    expect(after.items.map((e: { start: { dateTime: string } }) => e.start.dateTime)).toEqual([
      '2026-10-27T13:00:00.000Z',
      '2026-11-04T15:00:00Z',
      '2026-11-17T14:00:00.000Z',
    ])
    const single = await caller.call('GET', `${API}/calendars/primary/events`, {
      query: { singleEvents: true, orderBy: 'startTime', timeMin: '2026-11-01T00:00:00Z', timeMax: '2026-12-01T00:00:00Z' },
    })
    expect(single.items.map((e: { id: string }) => e.id)).toEqual(['series001_20261103T140000Z', 'series001_20261117T140000Z'])
    const changes = await caller.call('GET', `${API}/calendars/primary/events`, { query: { syncToken: nextSyncToken } })
    expect(changes.items.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
      ['series001_20261103T140000Z', 'confirmed'],
      ['series001_20261110T140000Z', 'cancelled'],
    ])
    // A cancelled occurrence of a recurring event that goes on names its recurring event and original start, nothing more.
    expect(Object.keys(changes.items[1]).sort()).toEqual(['etag', 'id', 'kind', 'originalStartTime', 'recurringEventId', 'status'])
    expect(changes.items[1]).toMatchObject({ recurringEventId: 'series001', originalStartTime: { dateTime: '2026-11-10T14:00:00.000Z' } })
    // The recurring event deleted, its occurrences are deleted events: their ids alone.
    fake.calendar.deleteEvent('series@example.com', 'primary', 'series001')
    const gone = await caller.call('GET', `${API}/calendars/primary/events`, { query: { syncToken: changes.nextSyncToken } })
    expect(gone.items.map((e: object) => Object.keys(e).sort())).toEqual(gone.items.map(() => ['etag', 'id', 'kind', 'status']))
    expect(gone.items.map((e: { id: string }) => e.id).sort()).toEqual(['series001', 'series001_20261103T140000Z'])
    expect(await failure(caller.call('GET', `${API}/calendars/primary/events/series001_20261111T140000Z`))).toMatchObject({ status: 404 })
  })

  it('opens a push channel that notifies its address of changes, and stops it', async () => {
    const received: Array<Record<string, string | string[] | undefined>> = []
    const hook = createServer((req, res) => {
      received.push(req.headers)
      res.writeHead(200)
      res.end()
    })
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
    try {
      const caller = await account('push@example.com')
      const address = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/google/calendar`
      const channel = await caller.call('POST', `${API}/calendars/primary/events/watch`, {
        body: { id: 'channel-1', type: 'web_hook', address, token: 'secret-1' },
      })
      expect(channel).toMatchObject({ kind: 'api#channel', id: 'channel-1' })
      expect(Number(channel.expiration)).toBeGreaterThan(fake.now.getTime())
      fake.calendar.addBusyEvent('push@example.com', 'primary', { start: '2026-12-10T15:00:00Z', end: '2026-12-10T16:00:00Z' })
      await expect.poll(() => received.length).toBe(2)
      expect(received.map((h) => h['x-goog-resource-state'])).toEqual(['sync', 'exists'])
      expect(received[1]).toMatchObject({
        'x-goog-channel-id': 'channel-1',
        'x-goog-resource-id': channel.resourceId,
        'x-goog-channel-token': 'secret-1',
      })
      expect(
        await failure(
          caller.call('POST', `${API}/calendars/primary/events/watch`, { body: { id: 'channel-1', type: 'web_hook', address } }),
        ),
      ).toMatchObject({
        status: 400,
      })
      expect(
        await caller.call('POST', `${API}/channels/stop`, { body: { id: 'channel-1', resourceId: channel.resourceId } }),
      ).toBeUndefined()
      expect(
        await failure(caller.call('POST', `${API}/channels/stop`, { body: { id: 'channel-1', resourceId: channel.resourceId } })),
      ).toMatchObject({
        status: 404,
      })
      fake.calendar.addBusyEvent('push@example.com', 'primary', { start: '2026-12-11T15:00:00Z', end: '2026-12-11T16:00:00Z' })
      expect(fake.calendar.deliveries.filter((d) => d.channelId === 'channel-1')).toHaveLength(2)
    } finally {
      await new Promise<void>((resolve) => hook.close(() => resolve()))
    }
  })
})
