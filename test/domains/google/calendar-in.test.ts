import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import { withTenant } from '../../../core/db/tenant.js'
import { visitOfEvent } from '../../../core/domains/google/calendar/event-visit.js'
import { listChangedEvents } from '../../../core/domains/google/calendar-in/calls.js'
import { applyVisitEvent } from '../../../core/domains/google/calendar-in/visit-changes.js'
import { accountCaller } from '../../../core/domains/google/tokens.js'
import { dailyBriefing } from '../../../mcp/workflows/daily-briefing.js'
import { engines } from '../../helpers/databases.js'
import { type CalendarInWorld, calendarInWorld } from './calendar-in-fixtures.js'

describe.each(engines)('Google calendar read back (%s)', (engine) => {
  let w: CalendarInWorld

  beforeAll(async () => {
    w = await calendarInWorld(engine)
  })
  afterAll(() => w?.close())

  const ticket = async (id: string) => w.read('tickets', {}, id)
  const open = async (): Promise<any[]> => (await w.read('google_change_requests')).items

  it('a visit moved in Google becomes a reschedule request, never applied by itself; accepted, the visit moves', async () => {
    const { ticketId, eventId } = await w.visit('2026-11-04T09:00', '2026-11-04T10:00')
    // Our own event read back unchanged raises nothing.
    const first = await w.pass()
    expect(first.failures).toEqual([])
    expect(first.synced[0].report.steps['calendar-in']).toMatchObject({ requested: 0 })
    expect(await open()).toEqual([])

    w.move(eventId, '2026-11-04T19:00:00Z', '2026-11-04T20:30:00Z')
    const seen = await w.pass()
    expect(seen.synced[0].report.steps['calendar-in']).toMatchObject({ events: 1, requested: 1, full_reads: 0 })
    const [request] = await open()
    expect(request).toMatchObject({
      ticket_id: ticketId,
      kind: 'reschedule',
      technician_id: w.alice,
      technician_name: 'Alice Tech',
      customer_name: 'Jane Smith',
      proposed_start: '2026-11-04T19:00:00.000Z',
      proposed_end: '2026-11-04T20:30:00.000Z',
      was_start: '2026-11-04T15:00:00.000Z',
      status: 'open',
    })
    // The customer's booking has not moved.
    expect(new Date((await ticket(ticketId)).scheduled_start).toISOString()).toBe('2026-11-04T15:00:00.000Z')
    // The day's briefing names it, with what to call.
    const agent = await authenticateAgentToken(w.app.services.db, w.app.tenant.agent_token)
    const briefing: any = await dailyBriefing.run({ services: w.app.services, principal: agent!, requestId: randomUUID() }, {} as never)
    expect(briefing.briefing).toContain(
      `Google Calendar changes to answer: #${request.ticket_number} Jane Smith 2026-11-04 09:00 moved to 2026-11-04 13:00 by Alice Tech (request ${request.id})`,
    )
    // Read again, the same change raises nothing more.
    await w.pass()
    expect(await open()).toHaveLength(1)

    const accepted = await w.act('google', 'accept_change', { request_id: request.id })
    expect(accepted.request.status).toBe('accepted')
    const moved = await ticket(ticketId)
    expect(new Date(moved.scheduled_start).toISOString()).toBe('2026-11-04T19:00:00.000Z')
    expect(new Date(moved.scheduled_end).toISOString()).toBe('2026-11-04T20:30:00.000Z')
    expect(await open()).toEqual([])
    // Answered once: a second answer is refused with words.
    await expect(w.act('google', 'decline_change', { request_id: request.id })).rejects.toThrow(/accepted, not open/)
    // The event now shows the visit's time: nothing more is asked.
    await w.pass()
    expect(await open()).toEqual([])
  })

  it('a visit deleted in Google becomes a cancel request; declined, the visit stays and Google is put back as booked', async () => {
    const { ticketId, eventId } = await w.visit('2026-11-05T09:00', '2026-11-05T10:00')
    await w.pass()
    w.remove(eventId)
    await w.pass()
    const [request] = await open()
    expect(request).toMatchObject({ ticket_id: ticketId, kind: 'cancel', proposed_start: null, status: 'open' })
    const before = (await w.sql('select sync_requested_at from google_connections where user_id = $1', [w.alice]))[0]
    const declined = await w.act('google', 'decline_change', { request_id: request.id, note: 'Customer confirmed by phone' })
    expect(declined.request).toMatchObject({ status: 'declined', note: 'Customer confirmed by phone' })
    expect((await ticket(ticketId)).status).toBe('scheduled')
    const after = (await w.sql('select sync_requested_at from google_connections where user_id = $1', [w.alice]))[0]
    expect(new Date(after.sync_requested_at).getTime()).toBeGreaterThan(new Date(before.sync_requested_at ?? 0).getTime())
    // The next pass writes the visit back into Google as booked, and reading it back asks nothing new.
    await w.pass()
    const back = w.google.fake.calendar.event(w.aliceEmail, 'primary', eventId)
    expect(back?.status).toBe('confirmed')
    expect(new Date(String(back?.start?.dateTime)).toISOString()).toBe('2026-11-05T15:00:00.000Z')
    await w.pass()
    expect(await open()).toEqual([])
    expect((await w.read('google_change_requests', { status: 'all', ticket_id: ticketId })).items).toHaveLength(1)
  })

  it('a 410 from Google reads the calendar in full, and changes already seen raise nothing twice', async () => {
    const { eventId } = await w.visit('2026-11-06T09:00', '2026-11-06T10:00')
    await w.pass()
    w.move(eventId, '2026-11-06T20:00:00Z', '2026-11-06T21:00:00Z')
    await w.pass()
    expect(await open()).toHaveLength(1)
    w.forgetTokens()
    const full = await w.pass()
    expect(full.failures).toEqual([])
    const step = full.synced[0].report.steps['calendar-in']
    expect(step.full_reads).toBe(1)
    expect(step.events).toBeGreaterThanOrEqual(3)
    expect(step.requested).toBe(0)
    expect(await open()).toHaveLength(1)
  })

  it('a read follows nextPageToken to the last page and keeps its nextSyncToken', async () => {
    for (let i = 0; i < 5; i++) w.busy(`2026-11-20T1${i}:00:00Z`, `2026-11-20T1${i}:30:00Z`)
    const caller = accountCaller(w.app.services, w.app.tenant.tenant_id, w.alice)
    const asked = w.google.fake.requests.length
    const read = await listChangedEvents(caller, 'primary', null, 2)
    expect(read.events.length).toBeGreaterThanOrEqual(5)
    expect(new Set(read.events.map((e) => e.id)).size).toBe(read.events.length)
    expect(read.nextSyncToken).toBeTruthy()
    const pages = w.google.fake.requests.slice(asked).filter((r) => r.path.endsWith('/events'))
    expect(pages.length).toBe(Math.ceil(read.events.length / 2))
    expect(pages.slice(1).every((r) => r.query.pageToken)).toBe(true)
    // Nothing changed since: the token gives an empty read.
    expect((await listChangedEvents(caller, 'primary', read.nextSyncToken)).events).toEqual([])
  })

  it('a completed visit never changes: its move in Google is kept as ignored, with words', async () => {
    const { ticketId, eventId } = await w.visit('2026-11-09T09:00', '2026-11-09T10:00')
    await w.pass()
    await w.sql(`update tickets set status = 'completed', closed_at = scheduled_end where id = $1`, [ticketId])
    w.move(eventId, '2026-11-09T20:00:00Z', '2026-11-09T21:00:00Z')
    await w.pass()
    expect((await open()).filter((r) => r.ticket_id === ticketId)).toEqual([])
    const [ignored] = (await w.read('google_change_requests', { status: 'ignored', ticket_id: ticketId })).items
    expect(ignored.note).toMatch(/completed: it never changes/)
    await expect(w.act('google', 'accept_change', { request_id: ignored.id })).rejects.toThrow(/ignored, not open/)
  })

  it('a change made in Google is seen by the next worker pass (a period of the worker later)', async () => {
    const { eventId } = await w.visit('2026-11-10T09:00', '2026-11-10T10:00')
    await w.pass()
    const changedAt = w.clock.now.getTime()
    w.move(eventId, '2026-11-10T21:00:00Z', '2026-11-10T22:00:00Z')
    // The first pass that is due reads it: the clock moved on by the worker's period only.
    await w.pass()
    const [request] = (await open()).filter((r) => r.proposed_start === '2026-11-10T21:00:00.000Z')
    expect(request).toBeDefined()
    const lag = new Date(request.seen_at).getTime() - changedAt
    expect(lag).toBeLessThanOrEqual(31_000)
  })

  it('a deleted event, listed with its id alone, is found by the id the visit was written under; read again, nothing more', async () => {
    const { ticketId, eventId } = await w.visit('2026-11-12T09:00', '2026-11-12T10:00')
    await w.pass()
    w.remove(eventId)
    const seen = await w.pass()
    expect(seen.synced[0].report.steps['calendar-in']).toMatchObject({ events: 1, requested: 1 })
    expect((await open()).filter((r) => r.ticket_id === ticketId)).toMatchObject([{ kind: 'cancel', status: 'open' }])
    // Read in full after a 410, the deleted event (with its id and etag only) raises nothing twice.
    w.forgetTokens()
    const full = await w.pass()
    expect(full.synced[0].report.steps['calendar-in']).toMatchObject({ full_reads: 1, requested: 0 })
    expect((await w.read('google_change_requests', { status: 'all', ticket_id: ticketId })).items).toHaveLength(1)
  })

  it('a deleted event Google gives with its id and status alone is asked about once per deletion', async () => {
    const { ticketId, eventId } = await w.visit('2026-11-13T09:00', '2026-11-13T10:00')
    const deleted = { id: eventId, status: 'cancelled' as const }
    const apply = () =>
      withTenant(w.app.t.db, { tenantId: w.app.tenant.tenant_id, actorType: 'system' }, async (tx) => {
        const place = {
          tenantId: w.app.tenant.tenant_id,
          userId: w.alice,
          calendarId: 'primary',
          timeZone: 'America/Chicago',
          now: w.clock.now,
        }
        const found = await visitOfEvent(tx, place, deleted)
        return found === ticketId ? applyVisitEvent(tx, place, deleted, found) : `found ${found}`
      })
    w.remove(eventId)
    expect(await apply()).toBe('requested')
    expect(await apply()).toBe('seen')
    const [request] = (await open()).filter((r) => r.ticket_id === ticketId)
    await w.act('google', 'decline_change', { request_id: request.id })
    // Written back as booked, then deleted again: another change, asked about again.
    await w.pass()
    expect(w.google.fake.calendar.event(w.aliceEmail, 'primary', eventId)?.status).toBe('confirmed')
    expect((await open()).filter((r) => r.ticket_id === ticketId)).toEqual([])
    w.remove(eventId)
    expect(await apply()).toBe('requested')
    expect(await apply()).toBe('seen')
  })
})
