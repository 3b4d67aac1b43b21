import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { expectFields, newContact } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** The server's clock: Thursday 2026-10-29, 10:15 in Chicago; next week (Monday 11-02 to Sunday 11-08) is on CST, UTC-6. */
const NOW = new Date('2026-10-29T15:15:00Z')

describe.each(engines)('availability spread=days: a few times to offer (%s)', (engine) => {
  let app: TestApp
  let tess: string, theo: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    tess = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tran')
    theo = await addUser(app, 'theo@sparkle.test', 'technician', 'Theo Ruiz')
    const contact = await newContact(app, { display_name: 'Dora Diaz' })
    const book = async (start: string, end: string, technician_ids: string[]) =>
      expectData(await app.action('ticket', 'create', { contact_id: contact, scheduled_start: start, scheduled_end: end, technician_ids }))
    // Monday both are out all morning, Tuesday Tess is out all day, Wednesday both are; Friday the business stays open to 20:00.
    await book('2026-11-02T08:00', '2026-11-02T12:00', [tess, theo])
    await book('2026-11-03T08:00', '2026-11-03T17:00', [tess])
    await book('2026-11-04T08:00', '2026-11-04T17:00', [tess, theo])
    expectData(await app.action('settings', 'update', { business_hours: { fri: [['08:00', '20:00']] } }))
  })
  afterAll(() => app?.close())

  const read = async (params: Record<string, string | number>) => expectData(await app.query({ type: 'availability', ...params }))
  const lines = async (params: Record<string, string | number>) => (await read(params)).items.map((i: any) => i.slot)

  it('offers three times next week on three different days, each its earliest free time, in time order, without a next page', async () => {
    const page = await read({ from: 'next week', spread: 'days', limit: 3 })
    // Monday is free only from noon; Wednesday not at all.
    expect(page.items.map((i: any) => i.slot)).toEqual([
      'Mon 2026-11-02 12:00–13:00 Tess',
      'Tue 2026-11-03 08:00–09:00 Theo',
      'Thu 2026-11-05 08:00–09:00 Tess',
    ])
    expect(page.items[1]).toEqual({ slot: 'Tue 2026-11-03 08:00–09:00 Theo', start: '2026-11-03T08:00:00-06:00', technician_id: theo })
    expect(page.next_cursor).toBeNull()
  })

  it('asked without spread, answers the earliest times as always, with a next page', async () => {
    const page = await read({ from: 'next week', limit: 3 })
    expect(page.items.map((i: any) => i.slot)).toEqual([
      'Mon 2026-11-02 12:00–13:00 Tess',
      'Mon 2026-11-02 12:00–13:00 Theo',
      'Mon 2026-11-02 12:30–13:30 Tess',
    ])
    expect(page.next_cursor).not.toBeNull()
  })

  it('when the days run out, spreads over the parts of the day, then keeps a second time in one part far from the first', async () => {
    expect(await lines({ from: '2026-11-06', to: '2026-11-06', spread: 'days', limit: 3 })).toEqual([
      'Fri 2026-11-06 08:00–09:00 Tess',
      'Fri 2026-11-06 12:00–13:00 Tess',
      'Fri 2026-11-06 17:00–18:00 Tess',
    ])
    // Tuesday closes at 17:00: morning and afternoon, then the afternoon's time farthest from 12:00.
    expect(await lines({ from: '2026-11-03', to: '2026-11-03', spread: 'days', limit: 3 })).toEqual([
      'Tue 2026-11-03 08:00–09:00 Theo',
      'Tue 2026-11-03 12:00–13:00 Theo',
      'Tue 2026-11-03 16:00–17:00 Theo',
    ])
    // Monday has only its afternoon: Tuesday's second part comes before a second Monday afternoon.
    expect(await lines({ from: 'next monday', to: 'next tuesday', spread: 'days', limit: 3 })).toEqual([
      'Mon 2026-11-02 12:00–13:00 Tess',
      'Tue 2026-11-03 08:00–09:00 Theo',
      'Tue 2026-11-03 12:00–13:00 Theo',
    ])
  })

  it('never gives two times in one part of a day while another day or part is free', async () => {
    // Next week's free parts: Monday afternoon, Tuesday and Thursday morning and afternoon, Friday all three.
    const starts = (await read({ from: 'next week', spread: 'days', limit: 8 })).items.map((i: any) => i.start)
    const part = (start: string) => (start.slice(11, 16) < '12:00' ? 'morning' : start.slice(11, 16) < '17:00' ? 'afternoon' : 'evening')
    expect(starts).toEqual([...starts].sort())
    expect(new Set(starts.map((s: string) => `${s.slice(0, 10)} ${part(s)}`)).size).toBe(8)
  })

  it('keeps every other filter: mornings only, one technician, a longer visit', async () => {
    expect(await lines({ from: 'next week', part_of_day: 'morning', spread: 'days', limit: 3 })).toEqual([
      'Tue 2026-11-03 08:00–09:00 Theo',
      'Thu 2026-11-05 08:00–09:00 Tess',
      'Fri 2026-11-06 08:00–09:00 Tess',
    ])
    expect(await lines({ from: 'next week', technician: 'Tess', duration_minutes: 120, spread: 'days', limit: 3 })).toEqual([
      'Mon 2026-11-02 12:00–14:00 Tess',
      'Thu 2026-11-05 08:00–10:00 Tess',
      'Fri 2026-11-06 08:00–10:00 Tess',
    ])
    expectFields(await app.query({ type: 'availability', spread: 'weeks' }), ['spread'])
  })
})
