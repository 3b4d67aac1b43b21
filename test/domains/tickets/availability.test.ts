import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectFields, newContact } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** The server's clock: Tuesday 2026-10-27, 10:15 in Chicago (CDT, UTC-5). */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)('availability (%s)', (engine) => {
  let app: TestApp
  let contact: string
  let tess: string, theo: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    contact = await newContact(app, { display_name: 'Dora Diaz' })
  })
  afterAll(() => app.close())

  const slotsOf = async (params: Record<string, string | number>) => {
    const page = expectData(await app.query({ type: 'availability', ...params }))
    return Object.fromEntries(page.items.map((i: any) => [i.name, i.slots]))
  }

  it('lists the owner while the business has no technicians, then only technicians', async () => {
    expect(Object.keys(await slotsOf({}))).toEqual(['owner@sparkle.test'])
    tess = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tran')
    theo = await addUser(app, 'theo@sparkle.test', 'technician', 'Theo Ruiz')
    expect(Object.keys(await slotsOf({}))).toEqual(['Tess Tran', 'Theo Ruiz'])
    const one = expectData(await app.query({ type: 'availability', id: theo }))
    expect(one).toMatchObject({ technician_id: theo, name: 'Theo Ruiz' })
  })

  it("gives free slots inside business hours, never in the past, around each technician's tickets", async () => {
    expectData(
      await app.action('ticket', 'create', {
        contact_id: contact,
        scheduled_start: '2026-10-28T10:00',
        scheduled_end: '2026-10-28T11:30',
        technician_ids: [tess],
      }),
    )
    const cancelled = expectData(
      await app.action('ticket', 'create', {
        contact_id: contact,
        scheduled_start: '2026-10-28T13:00',
        duration_minutes: 60,
        technician_ids: [tess],
      }),
    )
    expectData(await app.action('ticket', 'cancel', { ticket_id: cancelled.id, reason: 'Customer sick' }, { reasoning: 'Customer called' }))
    const slots = await slotsOf({ from: '2026-10-27', to: '2026-10-28', duration_minutes: 120, step_minutes: 60 })
    const local = (s: any[]) => s.map((x) => x.local_start)
    // Today (10:15 now): 11:00 .. 15:00 starts. Tomorrow Tess is busy 10:00-11:30 (08:00-10:00 just fits before it), and the
    // cancelled 13:00 ticket no longer holds her time.
    expect(local(slots['Tess Tran'])).toEqual([
      '2026-10-27T11:00-05:00',
      '2026-10-27T12:00-05:00',
      '2026-10-27T13:00-05:00',
      '2026-10-27T14:00-05:00',
      '2026-10-27T15:00-05:00',
      '2026-10-28T08:00-05:00',
      '2026-10-28T12:00-05:00',
      '2026-10-28T13:00-05:00',
      '2026-10-28T14:00-05:00',
      '2026-10-28T15:00-05:00',
    ])
    expect(slots['Theo Ruiz']).toHaveLength(5 + 8)
    expect(slots['Tess Tran'][0]).toEqual({
      start: '2026-10-27T16:00:00.000Z',
      end: '2026-10-27T18:00:00.000Z',
      local_start: '2026-10-27T11:00-05:00',
      local_end: '2026-10-27T13:00-05:00',
    })
    const onlyTheo = expectData(await app.query({ type: 'availability', technician_id: theo, from: '2026-10-28', to: '2026-10-28' }))
    expect(onlyTheo.items.map((i: any) => i.technician_id)).toEqual([theo])
    expect(onlyTheo.items[0].slots).toHaveLength(17)
  })

  it('counts real time on the day clocks fall back (America/Chicago, 2026-11-01)', async () => {
    expectData(
      await app.action('settings', 'update', {
        business_hours: { sat: [['08:00', '10:00']], sun: [['00:00', '04:00']], mon: [['08:00', '10:00']] },
      }),
    )
    const slots = (await slotsOf({ technician_id: tess, from: '2026-10-31', to: '2026-11-02', duration_minutes: 60, step_minutes: 60 }))[
      'Tess Tran'
    ]
    expect(slots.map((s: any) => [s.start, s.local_start])).toEqual([
      ['2026-10-31T13:00:00.000Z', '2026-10-31T08:00-05:00'],
      ['2026-10-31T14:00:00.000Z', '2026-10-31T09:00-05:00'],
      // Midnight to 04:00 on the change is five real hours: 01:00 comes twice, first in CDT, then in CST.
      ['2026-11-01T05:00:00.000Z', '2026-11-01T00:00-05:00'],
      ['2026-11-01T06:00:00.000Z', '2026-11-01T01:00-05:00'],
      ['2026-11-01T07:00:00.000Z', '2026-11-01T01:00-06:00'],
      ['2026-11-01T08:00:00.000Z', '2026-11-01T02:00-06:00'],
      ['2026-11-01T09:00:00.000Z', '2026-11-01T03:00-06:00'],
      ['2026-11-02T14:00:00.000Z', '2026-11-02T08:00-06:00'],
      ['2026-11-02T15:00:00.000Z', '2026-11-02T09:00-06:00'],
    ])
    expectData(
      await app.action('ticket', 'create', {
        contact_id: contact,
        scheduled_start: '2026-11-01T06:30:00Z',
        duration_minutes: 60,
        technician_ids: [tess],
      }),
    )
    const around = (await slotsOf({ technician_id: tess, from: '2026-11-01', to: '2026-11-01', duration_minutes: 60, step_minutes: 60 }))[
      'Tess Tran'
    ]
    expect(around.map((s: any) => s.local_start)).toEqual(['2026-11-01T00:00-05:00', '2026-11-01T02:00-06:00', '2026-11-01T03:00-06:00'])
  })

  it('refuses a range over 31 days, a reversed range and a duration out of bounds, naming the field', async () => {
    const long = await app.query({ type: 'availability', from: '2026-11-01', to: '2026-12-02' })
    expectFields(long, ['to'])
    expect(long.body.error.message).toMatch(/at most 31 days/)
    expect(expectData(await app.query({ type: 'availability', from: '2026-11-01', to: '2026-12-01' })).items).toHaveLength(2)
    expectFields(await app.query({ type: 'availability', from: '2026-11-05', to: '2026-11-01' }), ['to'])
    expectFields(await app.query({ type: 'availability', duration_minutes: 0, step_minutes: 'often' }), [
      'duration_minutes',
      'step_minutes',
    ])
    const nobody = await app.query({ type: 'availability', technician_id: '00000000-0000-4000-8000-000000000000' })
    expect(nobody.status).toBe(404)
  })
})
