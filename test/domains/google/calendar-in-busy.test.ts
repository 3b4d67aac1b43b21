import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import { scheduleAppointment } from '../../../mcp/workflows/schedule-appointment.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { type CalendarInWorld, calendarInWorld } from './calendar-in-fixtures.js'

describe.each(engines)("busy times from a technician's Google calendar (%s)", (engine) => {
  let w: CalendarInWorld
  let service: string

  beforeAll(async () => {
    w = await calendarInWorld(engine)
    service = (
      await w.act('service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
  })
  afterAll(() => w?.close())

  /** Alice's free starts on Wednesday 2026-11-04, as HH:MM in Chicago. */
  const freeStarts = async () => {
    const page = expectData(
      await w.app.query({ type: 'availability', from: '2026-11-04', to: '2026-11-04', technician: w.alice, limit: 100 }),
    )
    return page.items.map((s: any) => s.start.slice(11, 16))
  }
  const schedule = async (time: string) => {
    const agent = await authenticateAgentToken(w.app.services.db, w.app.tenant.agent_token)
    return scheduleAppointment.run({ services: w.app.services, principal: agent!, requestId: randomUUID() }, {
      contact_id: w.jane,
      services: [{ service_id: service }],
      date: '2026-11-04',
      time,
      technician: w.alice,
    } as never) as Promise<any>
  }

  it('a busy event she adds in Google takes its time out of availability and schedule_appointment, without its title', async () => {
    await w.pass()
    expect(await freeStarts()).toContain('10:00')
    // 10:00-11:00 in Chicago (16:00-17:00 UTC), and a free-marked event that blocks nothing.
    const dentist = w.busy('2026-11-04T16:00:00Z', '2026-11-04T17:00:00Z')
    w.busy('2026-11-04T20:00:00Z', '2026-11-04T21:00:00Z', { transparency: 'transparent' })
    await w.pass()
    const blocks = await w.sql('select * from google_busy_blocks where user_id = $1', [w.alice])
    expect(blocks).toHaveLength(1)
    expect(Object.keys(blocks[0]).sort()).toEqual(
      ['calendar_id', 'created_at', 'ends_at', 'event_id', 'series_event_id', 'starts_at', 'tenant_id', 'updated_at', 'user_id'].sort(),
    )
    const free = await freeStarts()
    expect(free).not.toContain('10:00')
    expect(free).not.toContain('09:30')
    expect(free).not.toContain('10:30')
    expect(free).toContain('11:00')
    expect(free).toContain('14:00')

    const out = await schedule('10:00')
    expect(out.status).toBe('unavailable')
    expect(out.nearest.map((s: any) => `${s.date} ${s.time}`)).not.toContain('2026-11-04 10:00')
    // The owner's booking refuses the time too, saying why.
    await expect(
      w.act('ticket', 'create', {
        contact_id: w.jane,
        scheduled_start: '2026-11-04T10:00',
        duration_minutes: 60,
        technician_ids: [w.alice],
      }),
    ).rejects.toThrow(/busy in their Google calendar/)

    // Moved in Google, the block follows; deleted, the time is free again.
    w.move(dentist, '2026-11-04T19:00:00Z', '2026-11-04T20:00:00Z')
    await w.pass()
    expect(await freeStarts()).toContain('10:00')
    expect(await freeStarts()).not.toContain('13:00')
    w.remove(dentist)
    await w.pass()
    expect(await freeStarts()).toContain('13:00')
    expect((await schedule('10:00')).status).toBe('booked')
  })

  it('while her connection needs reconnecting, each of her free times says her Google busy time is not known', async () => {
    const ask = () =>
      w.app.query({ type: 'availability', from: '2026-11-04', to: '2026-11-04', technician: w.alice, limit: 3 }).then(expectData)
    expect((await ask()).items.every((s: any) => s.busy_unknown === undefined)).toBe(true)
    await w.sql(
      `update google_connections set status = 'needs_reconnect', status_reason = 'Google refused the refresh token' where user_id = $1`,
      [w.alice],
    )
    try {
      const unsure = await ask()
      expect(unsure.items.length).toBeGreaterThan(0)
      for (const slot of unsure.items) {
        expect(slot.busy_unknown).toMatch(
          /^their Google calendar needs reconnecting \(Google refused the refresh token\): busy time added there since \d{4}-\d\d-\d\d is not known, so a free time may not be free$/,
        )
      }
      // Spread over the parts of the day, the times picked say so too.
      const spread = expectData(
        await w.app.query({ type: 'availability', from: '2026-11-04', to: '2026-11-04', technician: w.alice, spread: 'days', limit: 3 }),
      )
      expect(spread.items).toHaveLength(3)
      for (const slot of spread.items) expect(slot.busy_unknown).toBe(unsure.items[0].busy_unknown)
    } finally {
      await w.sql(`update google_connections set status = 'connected', status_reason = null where user_id = $1`, [w.alice])
    }
  })

  it('a recurring event of her own blocks each occurrence a year ahead, follows one changed alone, and frees them all when deleted', async () => {
    const calendar = w.google.fake.calendar
    const primary = calendar.store.primary(w.aliceEmail)
    const blocks = () =>
      w.sql<{ event_id: string; starts_at: Date; series_event_id: string | null }>(
        'select event_id, starts_at, series_event_id from google_busy_blocks where user_id = $1 order by starts_at',
        [w.alice],
      )
    const at = (rows: Array<{ starts_at: Date }>) => rows.map((r) => new Date(r.starts_at).toISOString())
    // Every Wednesday 13:00-14:00 in Chicago, from 2026-11-04 on, with no end.
    const call = calendar.store.insert(primary, {
      summary: 'Team call',
      start: { dateTime: '2026-11-04T13:00:00-06:00', timeZone: 'America/Chicago' },
      end: { dateTime: '2026-11-04T14:00:00-06:00', timeZone: 'America/Chicago' },
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=WE'],
    })
    const reads = () => w.google.fake.requests.filter((r) => r.path.endsWith(`/events/${call.id}/instances`)).length
    await w.pass()
    expect(reads()).toBe(1)
    const first = await blocks()
    const own = first.filter((b) => b.series_event_id === call.id)
    expect(own.length).toBeGreaterThanOrEqual(52)
    expect(at(own).slice(0, 2)).toEqual(['2026-11-04T19:00:00.000Z', '2026-11-11T19:00:00.000Z'])
    // Daylight saving keeps the wall clock: 13:00 in Chicago in June is 18:00 UTC.
    expect(at(own)).toContain('2027-06-02T18:00:00.000Z')
    expect(await freeStarts()).not.toContain('13:00')
    await expect(
      w.act('ticket', 'create', {
        contact_id: w.jane,
        scheduled_start: '2027-06-02T13:00',
        duration_minutes: 60,
        technician_ids: [w.alice],
      }),
    ).rejects.toThrow(/busy in their Google calendar/)

    // One occurrence moved alone, one cancelled alone: the blocks follow; nothing else is read again.
    calendar.patchInstance(w.aliceEmail, 'primary', call.id, new Date('2026-11-11T19:00:00Z'), {
      start: { dateTime: '2026-11-11T15:00:00-06:00', timeZone: 'America/Chicago' },
      end: { dateTime: '2026-11-11T16:00:00-06:00', timeZone: 'America/Chicago' },
    })
    calendar.patchInstance(w.aliceEmail, 'primary', call.id, new Date('2026-11-18T19:00:00Z'), { status: 'cancelled' })
    await w.pass()
    expect(reads()).toBe(1)
    const changed = at(await blocks())
    expect(changed).toContain('2026-11-11T21:00:00.000Z')
    expect(changed).not.toContain('2026-11-11T19:00:00.000Z')
    expect(changed).not.toContain('2026-11-18T19:00:00.000Z')
    expect(changed).toContain('2026-11-25T19:00:00.000Z')

    // A full read after a 410 keeps every occurrence's block (none is listed on its own).
    w.forgetTokens()
    await w.pass()
    expect(at(await blocks())).toEqual(changed)

    // A month on, the occurrences are read again so the year ahead stays covered.
    const last = changed.at(-1) as string
    w.clock.now = new Date(w.clock.now.getTime() + 40 * 86_400_000)
    await w.pass()
    expect(reads()).toBe(3)
    const later = at(await blocks())
    expect((later.at(-1) as string) > last).toBe(true)
    expect(later).not.toContain('2026-11-04T19:00:00.000Z')

    // Shown as free, it blocks nothing; deleted, nothing is left of it.
    calendar.patchEvent(w.aliceEmail, 'primary', call.id, { transparency: 'transparent' })
    await w.pass()
    expect((await blocks()).filter((b) => b.series_event_id === call.id)).toEqual([])
    calendar.patchEvent(w.aliceEmail, 'primary', call.id, { transparency: 'opaque' })
    await w.pass()
    expect((await blocks()).filter((b) => b.series_event_id === call.id).length).toBeGreaterThan(40)
    calendar.deleteEvent(w.aliceEmail, 'primary', call.id)
    await w.pass()
    expect((await blocks()).filter((b) => b.series_event_id === call.id)).toEqual([])
    expect(await w.sql('select * from google_busy_series where user_id = $1', [w.alice])).toEqual([])
  })
})
