import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectFields, made, newContact } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** The server's clock: Tuesday 2026-10-27, 10:15 in Chicago (CDT, UTC-5). */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)('availability (%s)', (engine) => {
  let app: TestApp
  let contact: string
  let tess: string, theo: string
  let windows: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    contact = await newContact(app, { display_name: 'Dora Diaz' })
  })
  afterAll(() => app.close())

  const read = async (params: Record<string, string | number>) => expectData(await app.query({ type: 'availability', ...params }))
  const lines = async (params: Record<string, string | number>) => (await read(params)).items.map((i: any) => i.slot)
  /** Every free start the filters allow (limit 100), as local wall-clock stamps, per technician id. */
  const startsOf = async (params: Record<string, string | number>) => {
    const all: Record<string, string[]> = {}
    for (const i of (await read({ limit: 100, ...params })).items) (all[i.technician_id] ??= []).push(i.start)
    return all
  }

  it('answers five times by default, one short line each, the owner while the business has no technicians', async () => {
    const page = await read({})
    expect(page.items).toEqual([
      {
        slot: 'Tue 2026-10-27 10:30–11:30 owner@sparkle.test',
        start: '2026-10-27T10:30:00-05:00',
        technician_id: app.tenant.owner_user_id,
      },
      {
        slot: 'Tue 2026-10-27 11:00–12:00 owner@sparkle.test',
        start: '2026-10-27T11:00:00-05:00',
        technician_id: app.tenant.owner_user_id,
      },
      {
        slot: 'Tue 2026-10-27 11:30–12:30 owner@sparkle.test',
        start: '2026-10-27T11:30:00-05:00',
        technician_id: app.tenant.owner_user_id,
      },
      {
        slot: 'Tue 2026-10-27 12:00–13:00 owner@sparkle.test',
        start: '2026-10-27T12:00:00-05:00',
        technician_id: app.tenant.owner_user_id,
      },
      {
        slot: 'Tue 2026-10-27 12:30–13:30 owner@sparkle.test',
        start: '2026-10-27T12:30:00-05:00',
        technician_id: app.tenant.owner_user_id,
      },
    ])
    expect(page.next_cursor).not.toBeNull()
    tess = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tran')
    theo = await addUser(app, 'theo@sparkle.test', 'technician', 'Theo Ruiz')
    // Earliest first across the team; each named by the first name that books them.
    expect(await lines({ limit: 3 })).toEqual([
      'Tue 2026-10-27 10:30–11:30 Tess',
      'Tue 2026-10-27 10:30–11:30 Theo',
      'Tue 2026-10-27 11:00–12:00 Tess',
    ])
  })

  it('pages on with next_cursor, never repeating or skipping a time', async () => {
    const whole = await lines({ limit: 7 })
    const first = await read({ limit: 3 })
    const second = await read({ limit: 4, cursor: first.next_cursor })
    expect([...first.items, ...second.items].map((i: any) => i.slot)).toEqual(whole)
    const end = await read({ from: '2026-10-27', to: '2026-10-27', part_of_day: 'afternoon', limit: 100 })
    expect(end.next_cursor).toBeNull()
    expectFields(await app.query({ type: 'availability', cursor: 'not-a-cursor' }), ['cursor'])
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
    const slots = await startsOf({ from: '2026-10-27', to: '2026-10-28', duration_minutes: 120, step_minutes: 60 })
    // Today (10:15 now): 11:00 .. 15:00 starts. Tomorrow Tess is busy 10:00-11:30 (08:00-10:00 just fits before it), and the
    // cancelled 13:00 ticket no longer holds her time.
    expect(slots[tess]).toEqual([
      '2026-10-27T11:00:00-05:00',
      '2026-10-27T12:00:00-05:00',
      '2026-10-27T13:00:00-05:00',
      '2026-10-27T14:00:00-05:00',
      '2026-10-27T15:00:00-05:00',
      '2026-10-28T08:00:00-05:00',
      '2026-10-28T12:00:00-05:00',
      '2026-10-28T13:00:00-05:00',
      '2026-10-28T14:00:00-05:00',
      '2026-10-28T15:00:00-05:00',
    ])
    expect(slots[theo]).toHaveLength(5 + 8)
    const onlyTheo = await read({ technician: theo, from: '2026-10-28', to: '2026-10-28', limit: 100 })
    expect(new Set(onlyTheo.items.map((i: any) => i.technician_id))).toEqual(new Set([theo]))
    expect(onlyTheo.items).toHaveLength(17)
  })

  it('keeps to a part of the day: morning starts before 12:00, afternoon 12:00 to 17:00, evening from 17:00', async () => {
    expectData(await app.action('settings', 'update', { business_hours: { thu: [['08:00', '20:00']] } }))
    const day = { from: '2026-10-29', to: '2026-10-29', technician: 'theo', step_minutes: 60, limit: 100 }
    const timesOf = async (part: string) => (await startsOf({ ...day, part_of_day: part }))[theo].map((s) => s.slice(11, 16))
    expect(await timesOf('morning')).toEqual(['08:00', '09:00', '10:00', '11:00'])
    expect(await timesOf('afternoon')).toEqual(['12:00', '13:00', '14:00', '15:00', '16:00'])
    expect(await timesOf('evening')).toEqual(['17:00', '18:00', '19:00'])
    expect(await lines({ ...day, part_of_day: 'evening', limit: 1 })).toEqual(['Thu 2026-10-29 17:00–18:00 Theo'])
    expectFields(await app.query({ type: 'availability', part_of_day: 'night' }), ['part_of_day'])
  })

  it('reads day and week words in the business time zone: next week is Monday to Sunday', async () => {
    const days = async (params: Record<string, string>) => [
      ...new Set(
        (await read({ technician: 'Theo Ruiz', step_minutes: 240, limit: 100, ...params })).items.map((i: any) => i.start.slice(0, 10)),
      ),
    ]
    // Tuesday 2026-10-27: this week runs to Sunday 11-01 (Wednesday to Friday left open after today), next week 11-02 to 11-08.
    expect(await days({ from: 'this week' })).toEqual(['2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30'])
    expect(await days({ from: 'next week' })).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'])
    expect(await days({ from: 'tomorrow', to: 'friday' })).toEqual(['2026-10-28', '2026-10-29', '2026-10-30'])
    expect(await days({ from: 'next week', to: 'next tuesday' })).toEqual(['2026-11-02', '2026-11-03'])
    expectFields(await app.query({ type: 'availability', from: 'someday' }), ['from'])
    expectFields(await app.query({ type: 'availability', from: 'next week', to: 'whenever' }), ['to'])
  })

  it('takes a service by name or id: its length decides which gaps fit; duration_minutes still wins', async () => {
    windows = (
      await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000, default_duration_minutes: 90 })
    ).id
    await made(app, 'service', 'create', { name: 'Gutter cleaning', pricing: 'fixed', price_cents: 9_000, default_duration_minutes: 45 })
    const one = { technician: 'Tess', from: '2026-10-27', to: '2026-10-27', limit: 1 }
    expect(await lines({ ...one, service: 'window' })).toEqual(['Tue 2026-10-27 10:30–12:00 Tess'])
    expect(await lines({ ...one, service: windows })).toEqual(['Tue 2026-10-27 10:30–12:00 Tess'])
    expect(await lines({ ...one, service: 'GUTTER CLEANING' })).toEqual(['Tue 2026-10-27 10:30–11:15 Tess'])
    expect(await lines({ ...one, service: 'window', duration_minutes: 30 })).toEqual(['Tue 2026-10-27 10:30–11:00 Tess'])
    // Tomorrow Tess is busy 10:00-11:30: a 90-minute morning visit fits 08:00 or 08:30 before it, or starts 11:30 after it.
    const tomorrow = await startsOf({
      technician: tess,
      from: '2026-10-28',
      to: '2026-10-28',
      service: 'Window cleaning',
      part_of_day: 'morning',
    })
    expect(tomorrow[tess].map((s) => s.slice(11, 16))).toEqual(['08:00', '08:30', '11:30'])
  })

  it('refuses an unknown or shared service or technician name, naming the field and the choices', async () => {
    const shared = await app.query({ type: 'availability', service: 'cleaning' })
    expectFields(shared, ['service'])
    expect(shared.body.error.details.choices).toEqual(['Gutter cleaning', 'Window cleaning'])
    const unknown = await app.query({ type: 'availability', service: 'roof' })
    expectFields(unknown, ['service'])
    expect(unknown.body.error.message).toMatch(
      /^service: no service named like "roof"; the catalog: Gutter cleaning, Window cleaning\. To add a new one: service\.create/,
    )
    expect((await app.query({ type: 'availability', service: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
    const nobody = await app.query({ type: 'availability', technician: 'Zed' })
    expectFields(nobody, ['technician'])
    expect(nobody.body.error.details.choices).toEqual(expect.arrayContaining(['Tess Tran', 'Theo Ruiz']))
    expect((await app.query({ type: 'availability', technician: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
    // By id, a team member's first free time; someone else's id is not found.
    expect(expectData(await app.query({ type: 'availability', id: tess })).slot).toBe('Tue 2026-10-27 10:30–11:30 Tess')
    expect((await app.query({ type: 'availability', id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
  })

  it("marks each time preferred by the customer's preferred days and time of day", async () => {
    expectData(
      await app.action('contact', 'update', { contact_id: contact, preferences: { preferred_days: ['thu'], time_of_day: 'afternoon' } }),
    )
    const marked = await read({
      contact_id: contact,
      technician: 'Theo',
      from: '2026-10-29',
      to: '2026-10-30',
      step_minutes: 240,
      limit: 100,
    })
    expect(marked.items.map((i: any) => [i.start.slice(0, 16), i.preferred])).toEqual([
      ['2026-10-29T08:00', false],
      ['2026-10-29T12:00', true],
      ['2026-10-29T16:00', true],
      ['2026-10-30T08:00', false],
      ['2026-10-30T12:00', false],
      ['2026-10-30T16:00', false],
    ])
  })

  it('names a technician by the whole name once a first name is shared, and include=technician adds it', async () => {
    await addUser(app, 'tess.ng@sparkle.test', 'technician', 'Tess Ng')
    const page = await read({ technician: 'Tess Tran', from: '2026-10-27', to: '2026-10-27', limit: 1, include: 'technician' })
    expect(page.items).toEqual([
      { slot: 'Tue 2026-10-27 10:30–11:30 Tess Tran', start: '2026-10-27T10:30:00-05:00', technician_id: tess, technician: 'Tess Tran' },
    ])
    const shared = await app.query({ type: 'availability', technician: 'tess' })
    expectFields(shared, ['technician'])
    expect(shared.body.error.message).toContain('"tess" could be Tess Ng or Tess Tran')
  })

  it('counts real time on the day clocks fall back (America/Chicago, 2026-11-01)', async () => {
    expectData(
      await app.action('settings', 'update', {
        business_hours: { sat: [['08:00', '10:00']], sun: [['00:00', '04:00']], mon: [['08:00', '10:00']] },
      }),
    )
    const slots = await read({ technician: tess, from: '2026-10-31', to: '2026-11-02', duration_minutes: 60, step_minutes: 60, limit: 100 })
    expect(slots.items.map((s: any) => s.start)).toEqual([
      '2026-10-31T08:00:00-05:00',
      '2026-10-31T09:00:00-05:00',
      // Midnight to 04:00 on the change is five real hours: 01:00 comes twice, first in CDT, then in CST.
      '2026-11-01T00:00:00-05:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T01:00:00-06:00',
      '2026-11-01T02:00:00-06:00',
      '2026-11-01T03:00:00-06:00',
      '2026-11-02T08:00:00-06:00',
      '2026-11-02T09:00:00-06:00',
    ])
    expect(slots.items[4].slot).toBe('Sun 2026-11-01 01:00–02:00 Tess Tran')
    expectData(
      await app.action('ticket', 'create', {
        contact_id: contact,
        scheduled_start: '2026-11-01T06:30:00Z',
        duration_minutes: 60,
        technician_ids: [tess],
      }),
    )
    const around = await read({ technician: tess, from: '2026-11-01', to: '2026-11-01', duration_minutes: 60, step_minutes: 60 })
    expect(around.items.map((s: any) => s.start)).toEqual([
      '2026-11-01T00:00:00-05:00',
      '2026-11-01T02:00:00-06:00',
      '2026-11-01T03:00:00-06:00',
    ])
  })

  it('refuses a range over 31 days, a reversed range and a duration out of bounds, naming the field', async () => {
    const long = await app.query({ type: 'availability', from: '2026-11-01', to: '2026-12-02' })
    expectFields(long, ['to'])
    expect(long.body.error.message).toMatch(/at most 31 days/)
    expect(expectData(await app.query({ type: 'availability', from: '2026-11-01', to: '2026-12-01' })).items).toHaveLength(5)
    expectFields(await app.query({ type: 'availability', from: '2026-11-05', to: '2026-11-01' }), ['to'])
    expectFields(await app.query({ type: 'availability', duration_minutes: 0, step_minutes: 'often' }), [
      'duration_minutes',
      'step_minutes',
    ])
  })
})
