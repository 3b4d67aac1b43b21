import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { type CalendarBusiness, calendarBusiness, weeklySeries } from './calendar-out-fixtures.js'

describe.each(engines)("a series' recurring event changed in Google comes back as requests (%s)", (engine) => {
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

  const calendar = () => google.fake.calendar
  const master = (email: string) =>
    calendar()
      .events(email, 'primary')
      .find((e) => e.recurrence) as { id: string; status: string }
  const instances = (email: string, masterId: string) => {
    const cal = calendar().store.primary(email)
    return calendar().store.instances(cal, calendar().store.find(cal, masterId), Date.now(), Date.now() + 70 * 86_400_000)
  }

  const requests = (b: CalendarBusiness, status = 'open') =>
    b.sql<{ id: string; ticket_id: string; kind: string; status: string; series_event_id: string | null; proposed_start: Date | null }>(
      'select id, ticket_id, kind, status, series_event_id, proposed_start from google_change_requests where status = $1 order by was_start',
      [status],
    )

  it('the whole recurring event deleted in Google asks to cancel each visit once; one declined puts the event back for all', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { seriesId, visits } = await weeklySeries(b)
    // One visit was changed alone: its instance is an exception of ours, deleted with the recurring event.
    await b.act('series', 'update', { series_id: seriesId, scope: 'this', ticket_id: visits[2].id, start_time: '14:00' })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 0 })
    const event = master(ana.email)
    calendar().deleteEvent(ana.email, 'primary', event.id)
    expect((await b.sync(ana.id)).steps['calendar-in']).toMatchObject({ requested: visits.length })
    const asked = await requests(b)
    expect(asked.map((r) => r.ticket_id)).toEqual(visits.map((v) => v.id))
    expect(asked.every((r) => r.kind === 'cancel' && r.series_event_id === event.id)).toBe(true)
    // Nothing is applied by itself, and reading again asks nothing more.
    expect(await b.sql(`select 1 from tickets where series_id = $1 and status = 'cancelled'`, [seriesId])).toEqual([])
    await b.sync(ana.id)
    expect(await requests(b)).toHaveLength(visits.length)

    const declined = await b.act('google', 'decline_change', { request_id: asked[0].id, note: 'The customer still wants them' })
    expect(declined.request.status).toBe('declined')
    expect(await requests(b)).toEqual([])
    expect(await requests(b, 'superseded')).toHaveLength(visits.length - 1)
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 0 })
    expect(master(ana.email).status).toBe('confirmed')
    const shown = instances(ana.email, event.id)
    expect(shown.map((e) => e.status)).toEqual(visits.map(() => 'confirmed'))
    const [moved] = await b.sql<{ scheduled_start: Date }>('select scheduled_start from tickets where id = $1', [visits[2].id])
    expect(Date.parse(shown[2].start?.dateTime ?? '')).toBe(new Date(moved.scheduled_start).getTime())
    // Written back, the event is read as ours: nothing new is asked.
    await b.sync(ana.id)
    expect(await requests(b)).toEqual([])
  })

  it('the whole recurring event moved to another hour in Google asks to move each visit; accepted, the visit moves alone', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { visits } = await weeklySeries(b)
    await b.sync(ana.id)
    const event = calendar()
      .events(ana.email, 'primary')
      .find((e) => e.recurrence)
    const start = new Date(String(event?.start?.dateTime))
    const hour = 2 * 3_600_000
    calendar().patchEvent(ana.email, 'primary', String(event?.id), {
      start: { dateTime: new Date(start.getTime() + hour).toISOString(), timeZone: 'America/New_York' },
      end: { dateTime: new Date(start.getTime() + hour + 90 * 60_000).toISOString(), timeZone: 'America/New_York' },
    })
    await b.sync(ana.id)
    const asked = await requests(b)
    expect(asked.map((r) => r.ticket_id)).toEqual(visits.map((v) => v.id))
    expect(asked.every((r) => r.kind === 'reschedule' && r.series_event_id === event?.id)).toBe(true)
    expect(asked.map((r) => new Date(r.proposed_start as Date).getTime())).toEqual(
      visits.map((v) => new Date(v.scheduled_start).getTime() + hour),
    )

    const accepted = await b.act('google', 'accept_change', { request_id: asked[1].id })
    expect(accepted.request.status).toBe('accepted')
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 0 })
    // The recurring event is the series' again; the accepted visit is its own exception at the new hour.
    const shown = instances(ana.email, String(event?.id))
    expect(shown.map((e) => Date.parse(e.start?.dateTime ?? ''))).toEqual(
      visits.map((v, i) => new Date(v.scheduled_start).getTime() + (i === 1 ? hour : 0)),
    )
    expect((await requests(b)).map((r) => r.ticket_id)).toEqual(visits.filter((_, i) => i !== 1).map((v) => v.id))
  })

  it("one occurrence moved in Google and declined is written back to the visit's time", async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const { visits } = await weeklySeries(b)
    await b.sync(ana.id)
    const event = master(ana.email)
    const original = new Date(visits[1].scheduled_start)
    calendar().patchInstance(ana.email, 'primary', event.id, original, {
      start: { dateTime: new Date(original.getTime() + 86_400_000).toISOString(), timeZone: 'America/New_York' },
      end: { dateTime: new Date(original.getTime() + 86_400_000 + 90 * 60_000).toISOString(), timeZone: 'America/New_York' },
    })
    await b.sync(ana.id)
    const [asked] = await requests(b)
    expect(asked).toMatchObject({ ticket_id: visits[1].id, kind: 'reschedule', series_event_id: null })
    await b.act('google', 'decline_change', { request_id: asked.id })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 0 })
    const shown = instances(ana.email, event.id)
    expect(shown.map((e) => Date.parse(e.start?.dateTime ?? ''))).toEqual(visits.map((v) => new Date(v.scheduled_start).getTime()))
    await b.sync(ana.id)
    expect(await requests(b)).toEqual([])
  })
})
