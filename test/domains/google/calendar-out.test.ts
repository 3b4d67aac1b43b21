import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { visitEventId } from '../../../core/domains/google/calendar/visit-event.js'
import { syncGoogle } from '../../../core/domains/google/sync-job.js'
import { performQuery } from '../../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { calendarBusiness } from './calendar-out-fixtures.js'

describe.each(engines)('visits written to Google Calendar (%s)', (engine) => {
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

  const live = (email: string) => google.fake.calendar.events(email, 'primary', { includeCancelled: false })
  const writes = () => google.fake.requests.filter((r) => r.path.startsWith('/calendar/') && r.method !== 'GET').length

  it('creates, moves, reassigns and cancels the event of a visit, and a second sync sends nothing', async () => {
    const b = await calendarBusiness(app, google)
    const [ana, ben] = b.techs
    const ticketId = await b.book([ana.id], 3)
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 1, failed: 0 })
    const [event] = live(ana.email)
    expect(event).toMatchObject({
      id: visitEventId(ticketId, 'primary'),
      summary: 'Jane Smith: Window cleaning',
      location: '12 Oak St, Huntsville, AL 35801',
      extendedProperties: { private: { crmTicketId: ticketId, crmTenantId: b.tenantId } },
    })
    expect(event.start?.timeZone).toBe('America/New_York')
    expect(Date.parse(event.end?.dateTime ?? '') - Date.parse(event.start?.dateTime ?? '')).toBe(90 * 60_000)
    expect(event.description).toContain('Gate notes: Gate code 4821')
    expect(event.description).toContain(`${app.services.config.publicBaseUrl}/tickets/${ticketId}`)

    const before = writes()
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 0, updated: 0, unchanged: 1 })
    expect(writes()).toBe(before)

    const moved = new Date(Date.parse(event.start?.dateTime ?? '') + 86_400_000)
    await b.act('ticket', 'reschedule', { ticket_id: ticketId, scheduled_start: moved.toISOString() })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ updated: 1 })
    expect(Date.parse(live(ana.email)[0].start?.dateTime ?? '')).toBe(moved.getTime())

    await b.act('ticket', 'assign_technicians', { ticket_id: ticketId, technician_ids: [ben.id] })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ deleted: 1 })
    expect((await b.sync(ben.id)).steps['calendar-out']).toMatchObject({ created: 1 })
    expect(live(ana.email)).toEqual([])
    expect(live(ben.email).map((e) => e.extendedProperties?.private?.crmTicketId)).toEqual([ticketId])

    await b.act('ticket', 'cancel', { ticket_id: ticketId, reason: 'customer asked by phone' })
    expect((await b.sync(ben.id)).steps['calendar-out']).toMatchObject({ deleted: 1 })
    expect(live(ben.email)).toEqual([])
    expect(google.fake.calendar.events(ben.email)[0].status).toBe('cancelled')
    const rows = await b.sql('select user_id, state from google_events where ticket_id = $1 order by user_id', [ticketId])
    expect(rows.map((r) => r.state)).toEqual(['deleted', 'deleted'])
  })

  it('never makes a second event when Google made the first but our commit was lost', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const ticketId = await b.book([ana.id], 5)
    // Google wrote the event (with our id) and then the process stopped before the row was kept.
    google.fake.calendar.store.insert(google.fake.calendar.store.primary(ana.email), {
      id: visitEventId(ticketId, 'primary'),
      summary: 'half written',
      start: { dateTime: '2026-01-01T10:00:00Z' },
      end: { dateTime: '2026-01-01T11:00:00Z' },
    })
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 0, updated: 1, failed: 0 })
    const events = live(ana.email)
    expect(events).toHaveLength(1)
    expect(events[0].summary).toBe('Jane Smith: Window cleaning')
    expect((await b.sql('select state, etag from google_events where ticket_id = $1', [ticketId]))[0]).toMatchObject({
      state: 'synced',
      etag: events[0].etag,
    })
  })

  it("waits out Google's 429 and 403 rate limits and then writes", async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    await b.book([ana.id], 7)
    const throttled = google.fake.counts.throttled
    google.fake.failNext(429, undefined, { 'Retry-After': '0' })
    google.fake.failNext(403, 'rateLimitExceeded')
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 1 })
    expect(google.fake.counts.throttled - throttled).toBe(2)
    expect(live(ana.email)).toHaveLength(1)
  })

  it('marks a revoked grant for reconnecting and does not try it again', async () => {
    const b = await calendarBusiness(app, google)
    const [ana, ben] = b.techs
    await b.book([ana.id], 2)
    // Only this business's people are due in this pass.
    await b.sql('update google_connections set last_sync_at = now(), sync_requested_at = null where user_id = $1', [ben.id])
    google.fake.revokeGrant(ana.email)
    google.fake.expireAccessTokens()
    await syncGoogle(app.services)
    const [conn] = await b.sql('select status, status_reason from google_connections where user_id = $1', [ana.id])
    expect(conn.status).toBe('needs_reconnect')
    expect(conn.status_reason).toMatch(/connect again/)
    await b.sql('update google_connections set sync_requested_at = now() where user_id = $1', [ana.id])
    const again = await syncGoogle(app.services)
    expect([...again.synced.map((s) => s.user_id), ...again.failures.map((f) => f.tenant_id)]).not.toContain(ana.id)
    expect(again.failures.map((f) => f.tenant_id)).not.toContain(b.tenantId)
  })

  it('keeps an event Google refuses as failed with its words, and stops trying that version after three tries', async () => {
    const b = await calendarBusiness(app, google)
    const [ana] = b.techs
    const ticketId = await b.book([ana.id], 9)
    // The calendar list was read already: the refused request is the event's.
    await b.sql(`update google_connections set calendars = '[]', calendars_listed_at = now() where user_id = $1`, [ana.id])
    for (let i = 0; i < 3; i++) {
      google.fake.failNext(400, 'invalid')
      expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ failed: 1 })
    }
    const [row] = await b.sql('select state, attempts, error from google_events where ticket_id = $1', [ticketId])
    expect(row).toMatchObject({ state: 'failed', attempts: 3 })
    expect(row.error).toMatch(/400/)
    // The owner and the agent read what Google refused, with its words.
    const agentToken = await b.sql<{ id: string }>('select id from agent_tokens limit 1')
    const agent = { tenantId: b.tenantId, actor: { type: 'agent' as const, id: agentToken[0].id } }
    const failed = (await performQuery(
      app.services,
      agent,
      { type: 'google_calendar_events', filters: { state: 'failed' } },
      { requestId: randomUUID() },
    )) as {
      items: Array<Record<string, unknown>>
    }
    expect(failed.items).toEqual([
      expect.objectContaining({ id: ticketId, user_name: 'Ana', state: 'failed', attempts: 3, purpose: 'technician' }),
    ])
    expect(failed.items[0].error).toMatch(/400/)
    const before = writes()
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ unchanged: 1 })
    expect(writes()).toBe(before)
  })

  it("moves a technician's visits to the calendar they choose, and writes every visit to the shared calendar the owner chooses", async () => {
    const b = await calendarBusiness(app, google)
    const [ana, ben] = b.techs
    const work = google.fake.calendar.makeCalendar(ana.email, 'Work')
    const ticketId = await b.book([ana.id], 4)
    const otherId = await b.book([ben.id], 6)
    await b.sync(ana.id)
    expect(live(ana.email)).toHaveLength(1)
    await expect(b.actAs(ana.id, 'google', 'choose_calendar', { calendar: 'primary', user_id: ben.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(b.actAs(ana.id, 'google', 'choose_calendar', { calendar: 'nope@group.calendar.google.com' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    })
    const chosen = await b.actAs(ana.id, 'google', 'choose_calendar', { calendar: work })
    expect(chosen.calendars.filter((c: { chosen: boolean }) => c.chosen).map((c: { id: string }) => c.id)).toEqual([work])
    expect((await b.sync(ana.id)).steps['calendar-out']).toMatchObject({ created: 1, deleted: 1 })
    expect(live(ana.email)).toEqual([])
    expect(google.fake.calendar.events(ana.email, work, { includeCancelled: false }).map((e) => e.id)).toEqual([
      visitEventId(ticketId, work),
    ])

    const ownerEmail = await google.connect(app.t.db, b.tenantId, b.ownerId, ['calendar'])
    const team = google.fake.calendar.makeCalendar(ownerEmail, 'Team visits')
    await b.sync(b.ownerId)
    await b.act('google', 'choose_shared_calendar', { calendar: team })
    expect((await b.sync(b.ownerId)).steps['calendar-out']).toMatchObject({ created: 2 })
    const shared = google.fake.calendar.events(ownerEmail, team, { includeCancelled: false })
    expect(shared.map((e) => e.extendedProperties?.private?.crmTicketId).sort()).toEqual([ticketId, otherId].sort())
    await b.act('google', 'choose_shared_calendar', { calendar: null })
    expect((await b.sync(b.ownerId)).steps['calendar-out']).toMatchObject({ deleted: 2 })
  })
})
