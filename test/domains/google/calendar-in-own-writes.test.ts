import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../helpers/databases.js'
import { type CalendarInWorld, calendarInWorld } from './calendar-in-fixtures.js'

const MINUTES = 60_000

describe.each(engines)("our own writes read back are told from a person's changes whatever Google's clock says (%s)", (engine) => {
  let w: CalendarInWorld
  let skew = 0

  beforeAll(async () => {
    w = await calendarInWorld(engine)
  })
  afterAll(() => w?.close())
  afterEach(() => {
    w.google.fake.advance(-skew)
    skew = 0
  })

  /** Google's clock runs this far ahead of ours (behind when negative). */
  const skewGoogle = (ms: number) => {
    skew += ms
    w.google.fake.advance(ms)
  }
  const requestsFor = async (ticketId: string): Promise<any[]> =>
    (await w.read('google_change_requests', { status: 'all', ticket_id: ticketId })).items
  const book = async (start: string, end: string) =>
    (await w.act('ticket', 'create', { contact_id: w.jane, scheduled_start: start, scheduled_end: end, technician_ids: [w.alice] })).id

  it("a person's move is asked about when Google's clock is minutes behind ours", async () => {
    skewGoogle(-10 * MINUTES)
    const { ticketId, eventId } = await w.visit('2026-11-16T09:00', '2026-11-16T10:00')
    // Within the ten minutes, so Google's change time is still before our write by our clock.
    w.move(eventId, '2026-11-16T19:00:00Z', '2026-11-16T20:00:00Z')
    expect((await w.pass()).synced[0].report.steps['calendar-in']).toMatchObject({ requested: 1 })
    expect(await requestsFor(ticketId)).toMatchObject([{ kind: 'reschedule', proposed_start: '2026-11-16T19:00:00.000Z', status: 'open' }])
  })

  it("our own write read back after the visit moved here asks nothing when Google's clock is minutes ahead of ours", async () => {
    skewGoogle(10 * MINUTES)
    const ticketId = await book('2026-11-17T09:00', '2026-11-17T10:00')
    expect(await w.step('calendar-out')).toMatchObject({ created: 1 })
    // The visit moves here before its event is read back: the event still shows our earlier write.
    await w.act('ticket', 'reschedule', { ticket_id: ticketId, scheduled_start: '2026-11-17T11:00', scheduled_end: '2026-11-17T12:00' })
    expect(await w.step('calendar-in')).toMatchObject({ requested: 0 })
    expect(await requestsFor(ticketId)).toEqual([])
    // The next sync writes the new time, and reading it back asks nothing either.
    await w.pass()
    await w.pass()
    expect(await requestsFor(ticketId)).toEqual([])
  })

  it('words changed in Google (a new etag, the same sequence) over our write ask nothing, though the visit moved here since', async () => {
    const { ticketId, eventId } = await w.visit('2026-11-18T09:00', '2026-11-18T10:00')
    await w.act('ticket', 'reschedule', { ticket_id: ticketId, scheduled_start: '2026-11-18T13:00', scheduled_end: '2026-11-18T14:00' })
    const before = w.google.fake.calendar.event(w.aliceEmail, 'primary', eventId)
    const edited = w.google.fake.calendar.patchEvent(w.aliceEmail, 'primary', eventId, { description: 'Bring the long ladder' })
    expect(edited.etag).not.toBe(before?.etag)
    expect(edited.sequence).toBe(before?.sequence)
    expect(await w.step('calendar-in')).toMatchObject({ events: 1, requested: 0 })
    expect(await requestsFor(ticketId)).toEqual([])
    // Moved in Google (a higher sequence), it is asked about.
    w.move(eventId, '2026-11-18T20:00:00Z', '2026-11-18T21:00:00Z')
    expect(await w.step('calendar-in')).toMatchObject({ requested: 1 })
    expect(await requestsFor(ticketId)).toMatchObject([{ kind: 'reschedule', proposed_start: '2026-11-18T20:00:00.000Z' }])
  })
})
