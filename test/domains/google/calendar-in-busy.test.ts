import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import { scheduleAppointment } from '../../../mcp/workflows/schedule-appointment.js'
import { engines } from '../../helpers/databases.js'
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
    const page = await w.read('availability', { from: '2026-11-04', to: '2026-11-04', technician_id: w.alice })
    return page.items[0].slots.map((s: any) => s.local_start.slice(11, 16))
  }
  const schedule = async (time: string) => {
    const agent = await authenticateAgentToken(w.app.services.db, w.app.tenant.agent_token)
    return scheduleAppointment.run({ services: w.app.services, principal: agent!, requestId: randomUUID() }, {
      contact_id: w.jane,
      services: [{ service_id: service }],
      date: '2026-11-04',
      time,
      technician_id: w.alice,
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
      ['calendar_id', 'created_at', 'ends_at', 'event_id', 'starts_at', 'tenant_id', 'updated_at', 'user_id'].sort(),
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
})
