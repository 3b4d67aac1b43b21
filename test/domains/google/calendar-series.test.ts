import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../core/db/tenant.js'
import { visitOfEvent } from '../../../core/domains/google/calendar/event-visit.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { calendarBusiness, weeklySeries } from './calendar-out-fixtures.js'

describe.each(engines)('a series written to Google Calendar as one recurring event (%s)', (engine) => {
  let google: GoogleFixture
  let app: TestApp

  beforeAll(async () => {
    google = await googleFixture()
    app = await startTestApp(engine, google.services)
  })
  afterAll(async () => {
    await app?.close()
    await google?.close()
  })

  const writes = () => google.fake.requests.filter((r) => r.path.startsWith('/calendar/') && r.method !== 'GET')
  const stored = (email: string) => google.fake.calendar.events(email, 'primary')
  const masters = (email: string) => stored(email).filter((e) => e.recurrence && e.status !== 'cancelled')
  const instances = (email: string, masterId: string) => {
    const cal = google.fake.calendar.store.primary(email)
    const master = google.fake.calendar.store.find(cal, masterId)
    return google.fake.calendar.store.instances(cal, master, Date.now(), Date.now() + 70 * 86_400_000)
  }

  it('writes the weekly series as one recurring event whose instances are its visits, and a second sync sends nothing', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { seriesId, visits } = await weeklySeries(b)
    expect(visits.length).toBeGreaterThan(5)
    const before = writes().length
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 1, failed: 0 })
    expect(writes().length - before).toBe(1)
    const [master] = masters(ana.email)
    expect(stored(ana.email)).toHaveLength(1)
    expect(master.recurrence?.[0]).toMatch(/^RRULE:FREQ=WEEKLY;UNTIL=\d{8}T\d{6}Z$/)
    expect(master.start?.timeZone).toBe('America/New_York')
    expect(master.extendedProperties?.private?.crmSeriesId).toBe(seriesId)
    expect(master.summary).toBe('Jane Smith: Window cleaning')
    const shown = instances(ana.email, master.id)
    expect(shown.map((e) => Date.parse(e.start?.dateTime ?? ''))).toEqual(visits.map((v) => new Date(v.scheduled_start).getTime()))
    // Each visit is kept with its instance's id: reading an instance back finds its visit.
    const rows = await b.sql<{ ticket_id: string; event_id: string }>(
      'select ticket_id, event_id from google_events where user_id = $1 order by event_id',
      [ana.id],
    )
    const byTicket = new Map(rows.map((r) => [r.ticket_id, r.event_id]))
    expect(visits.map((v) => byTicket.get(v.id))).toEqual(shown.map((e) => e.id))

    // An instance the person moves in Google carries only the series' properties: its id still finds the visit.
    const movedInGoogle = google.fake.calendar.patchInstance(ana.email, 'primary', master.id, new Date(visits[1].scheduled_start), {
      summary: 'moved by hand',
    })
    const found = await withTenant(app.t.db, { tenantId: b.tenantId, actorType: 'system' }, async (tx) => [
      await visitOfEvent(tx, { userId: ana.id, calendarId: 'primary' }, movedInGoogle),
      await visitOfEvent(tx, { userId: ana.id, calendarId: 'primary' }, master),
    ])
    expect(found).toEqual([visits[1].id, null])

    const again = writes().length
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 0, updated: 0, failed: 0 })
    expect(writes().length).toBe(again)
  })

  it('patches the instance of a visit moved alone and cancels the instance of a visit skipped, the rest untouched', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { seriesId, visits } = await weeklySeries(b)
    await b.sync(ana.id)
    const [master] = masters(ana.email)
    const [, moved, skipped] = visits
    await b.act('series', 'update', { series_id: seriesId, scope: 'this', ticket_id: moved.id, start_time: '14:00' })
    await b.act('series', 'skip', { series_id: seriesId, ticket_id: skipped.id, reason: 'customer away' })
    const before = writes().length
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 0, updated: 2, failed: 0 })
    const sent = writes().slice(before)
    expect(sent.map((r) => r.method)).toEqual(['PATCH', 'PATCH'])

    const shown = instances(ana.email, master.id)
    const [movedTicket] = await b.sql<{ scheduled_start: Date }>('select scheduled_start from tickets where id = $1', [moved.id])
    const exception = shown.find((e) => e.originalStartTime?.dateTime === new Date(moved.scheduled_start).toISOString())
    expect(Date.parse(exception?.start?.dateTime ?? '')).toBe(new Date(movedTicket.scheduled_start).getTime())
    expect(exception?.extendedProperties?.private?.crmTicketId).toBe(moved.id)
    const cancelled = shown.find((e) => e.originalStartTime?.dateTime === new Date(skipped.scheduled_start).toISOString())
    expect(cancelled?.status).toBe('cancelled')
    // Only those two became exceptions; every other visit is still the rule's own instance.
    const exceptions = stored(ana.email).filter((e) => e.recurringEventId === master.id)
    expect(exceptions).toHaveLength(2)
    const plain = shown.filter((e) => e !== exception && e !== cancelled)
    expect(plain.every((e) => e.status === 'confirmed' && e.start?.dateTime === e.originalStartTime?.dateTime)).toBe(true)
    expect(masters(ana.email)).toHaveLength(1)

    const again = writes().length
    await b.sync(ana.id)
    expect(writes().length).toBe(again)
  })

  it('never makes a second recurring event when Google made it but our commit was lost', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { seriesId } = await weeklySeries(b)
    await b.sync(ana.id)
    // Google has the recurring event, but the process stopped before the rows were kept.
    await b.sql('delete from google_series_events where series_id = $1', [seriesId])
    await b.sql('delete from google_events where user_id = $1', [ana.id])
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 0, failed: 0 })
    expect(masters(ana.email)).toHaveLength(1)
    expect(stored(ana.email)).toHaveLength(1)
    const [row] = await b.sql('select state, etag from google_series_events where series_id = $1', [seriesId])
    expect(row).toMatchObject({ state: 'synced', etag: masters(ana.email)[0].etag })
  })

  it('updates the recurring event when the series ends, and a visit moved back to its time is as the series says again', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { seriesId, visits } = await weeklySeries(b)
    await b.sync(ana.id)
    const [master] = masters(ana.email)
    const first = new Date(visits[0].scheduled_start)
    await b.act('series', 'update', { series_id: seriesId, scope: 'this', ticket_id: visits[0].id, start_time: '15:00' })
    await b.sync(ana.id)
    await b.act('ticket', 'reschedule', { ticket_id: visits[0].id, scheduled_start: first.toISOString(), duration_minutes: 90 })
    const lastDay = localDate(new Date(visits[2].scheduled_start), 'America/New_York')
    await b.act('series', 'end', { series_id: seriesId, last_date: lastDay, reason: 'customer moved away' })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 0 })
    const [after] = masters(ana.email)
    expect(after.id).toBe(master.id)
    expect(after.recurrence?.[0]).not.toBe(master.recurrence?.[0])
    const shown = instances(ana.email, master.id).filter((e) => e.status !== 'cancelled')
    expect(shown.map((e) => Date.parse(e.start?.dateTime ?? ''))).toEqual(
      visits.slice(0, 3).map((v) => new Date(v.scheduled_start).getTime()),
    )
    const again = writes().length
    await b.sync(ana.id)
    expect(writes().length).toBe(again)
  })

  it('cancels the instances of a pause and writes them back as the series says when it resumes', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { seriesId, visits } = await weeklySeries(b)
    await b.sync(ana.id)
    const [master] = masters(ana.email)
    const starts = (events: Array<{ start?: { dateTime?: string } }>) => events.map((e) => Date.parse(e.start?.dateTime ?? ''))
    await b.act('series', 'pause', { series_id: seriesId, until: localDate(new Date(visits[3].scheduled_start), 'America/New_York') })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 0 })
    let shown = instances(ana.email, master.id)
    expect(shown.map((e) => e.status)).toEqual(visits.map((_, i) => (i < 3 ? 'cancelled' : 'confirmed')))
    const quiet = writes().length
    await b.sync(ana.id)
    expect(writes().length).toBe(quiet)

    await b.act('series', 'resume', { series_id: seriesId })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 0 })
    shown = instances(ana.email, master.id)
    expect(shown.every((e) => e.status === 'confirmed')).toBe(true)
    expect(starts(shown)).toEqual(visits.map((v) => new Date(v.scheduled_start).getTime()))
    expect(shown.every((e) => e.summary === 'Jane Smith: Window cleaning')).toBe(true)
    const booked = await b.sql<{ id: string }>(
      `select id from tickets where series_id = $1 and status <> 'cancelled' order by scheduled_start`,
      [seriesId],
    )
    const rows = await b.sql<{ ticket_id: string; event_id: string }>('select ticket_id, event_id from google_events where user_id = $1', [
      ana.id,
    ])
    const byTicket = new Map(rows.map((r) => [r.ticket_id, r.event_id]))
    expect(booked.map((t) => byTicket.get(t.id))).toEqual(shown.map((e) => e.id))
    const again = writes().length
    await b.sync(ana.id)
    expect(writes().length).toBe(again)
  })
})
