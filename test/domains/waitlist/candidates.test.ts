import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { address, newContact } from '../../helpers/fixtures.js'

describe.each(engines)('waitlist candidates for a free slot (%s)', (engine) => {
  let app: TestApp
  const names: Record<string, string> = {}
  let gapAddress: string

  /** A contact with one address and one waitlist entry; returns the entry's id. */
  async function waiting(name: string, where: { city: string; postal_code: string }, entry: Record<string, unknown> = {}) {
    const c = await newContact(app, { display_name: name, phone: `(256) 555-01${String(Object.keys(names).length).padStart(2, '0')}` })
    await address(app, c, { line1: `${name.split(' ')[0]} Lane`, ...where })
    const r = await app.action('waitlist', 'add', { contact_id: c, earliest_date: '2026-03-10', latest_date: '2026-03-31', ...entry })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    names[r.body.data.id] = name
    return { contactId: c, id: r.body.data.id as string }
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => new Date('2026-03-10T16:00:00Z') })
    const huntsvilleDowntown = { city: 'Huntsville', postal_code: '35801' }
    await waiting('Ada Postal', huntsvilleDowntown)
    await waiting('Bea Madison', { city: 'Madison', postal_code: '35758' })
    await waiting('Cal City', { city: 'huntsville', postal_code: '35806' })
    await waiting('Dot Mondays', huntsvilleDowntown, { preferred_days: ['mon'] })
    await waiting('Eve Mornings', huntsvilleDowntown, { time_of_day: 'morning' })
    await waiting('Fay April', huntsvilleDowntown, { earliest_date: '2026-04-01', latest_date: '2026-04-30' })
    const gone = await waiting('Gus Removed', huntsvilleDowntown)
    await app.action('waitlist', 'remove', { waitlist_entry_id: gone.id })
    // Hal's entry is for his second property, in Madison, not his first address downtown.
    const hal = await waiting('Hal Afternoons', huntsvilleDowntown, { time_of_day: 'afternoon', preferred_days: ['tue', 'wed'] })
    const lakeHouse = await address(app, hal.contactId, { line1: '2 Lake Rd', city: 'Madison', postal_code: '35756' })
    await app.action('waitlist', 'update', { waitlist_entry_id: hal.id, address_id: lakeHouse })
    await waiting('Ivy Postal Plus Four', { city: 'Huntsville', postal_code: '35801-4410' })
    const gapOwner = await newContact(app, { display_name: 'Cancelled Customer' })
    gapAddress = await address(app, gapOwner, { line1: '7 Gap St', city: 'Huntsville', postal_code: '35801' })
  })
  afterAll(() => app.close())

  const ranked = async (params: Record<string, string>) => {
    const r = await app.query({ type: 'waitlist_candidates', limit: 100, ...params })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    return r.body.data.items.map((c: any) => `${names[c.id]}:${c.match}`)
  }

  it('ranks waiting entries for an afternoon gap: same postal code, then same city, then the rest', async () => {
    const afternoon = { date: '2026-03-17', start_time: '13:00', end_time: '15:00' }
    const expected = [
      'Ada Postal:postal_code',
      'Ivy Postal Plus Four:postal_code',
      'Cal City:city',
      'Bea Madison:other',
      'Hal Afternoons:other',
    ]
    expect(await ranked({ ...afternoon, postal_code: '35801', city: 'Huntsville' })).toEqual(expected)
    expect(await ranked({ ...afternoon, near_address_id: gapAddress })).toEqual(expected)
    expect(
      await ranked({ date: '2026-03-17', start_at: '2026-03-17T18:00:00Z', end_at: '2026-03-17T20:00:00Z', near_address_id: gapAddress }),
    ).toEqual(expected)
  })

  it('honours time of day, preferred days and the date range', async () => {
    const morning = await ranked({ date: '2026-03-17', start_time: '08:00', end_time: '10:00', postal_code: '35801' })
    expect(morning).toContain('Eve Mornings:postal_code')
    expect(morning).not.toContain('Hal Afternoons:other')
    const monday = await ranked({ date: '2026-03-16', postal_code: '35801' })
    expect(monday).toContain('Dot Mondays:postal_code')
    expect(monday).not.toContain('Hal Afternoons:other')
    const april = await ranked({ date: '2026-04-07' })
    expect(april).toEqual(['Fay April:other'])
    expect(await ranked({ date: '2026-03-17', postal_code: '35756' })).toEqual(expect.arrayContaining(['Hal Afternoons:postal_code']))
    expect((await ranked({ date: '2026-03-17' })).join()).not.toContain('Gus Removed')
  })

  it('defaults to today and gives each candidate the contact and the address matched', async () => {
    const r = await app.query({ type: 'waitlist_candidates', city: 'Madison', limit: 100 })
    const hal = r.body.data.items.find((c: any) => names[c.id] === 'Hal Afternoons')
    expect(hal).toMatchObject({
      contact_name: 'Hal Afternoons',
      contact_phone: expect.stringMatching(/^\(256\) 555-01\d\d$/),
      match: 'city',
      time_of_day: 'afternoon',
      address: { line1: '2 Lake Rd', city: 'Madison', postal_code: '35756' },
    })
    expect(r.body.data.items.map((c: any) => c.match).slice(0, 2)).toEqual(['city', 'city'])
  })

  it('pages through candidates in rank order', async () => {
    const all = await ranked({ date: '2026-03-17', postal_code: '35801', city: 'Huntsville' })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await app.query({
        type: 'waitlist_candidates',
        date: '2026-03-17',
        postal_code: '35801',
        city: 'Huntsville',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      })
      seen.push(...page.body.data.items.map((c: any) => `${names[c.id]}:${c.match}`))
      cursor = page.body.data.next_cursor
    } while (cursor)
    expect(seen).toEqual(all)
    expect(all.length).toBeGreaterThan(4)
  })

  it('refuses an inconsistent slot, naming the parameter', async () => {
    const field = async (params: Record<string, string>) => {
      const r = await app.query({ type: 'waitlist_candidates', ...params })
      expect(r.status).toBe(400)
      return r.body.error.details.issues[0].field
    }
    expect(await field({ start_time: '15:00', end_time: '13:00' })).toBe('end_time')
    expect(await field({ start_time: '9am' })).toBe('start_time')
    expect(await field({ start_time: '09:00', end_at: '2026-03-17T20:00:00Z' })).toBe('end_at')
    expect(await field({ date: '2026-03-18', start_at: '2026-03-17T18:00:00Z' })).toBe('date')
    expect(await field({ near_address_id: gapAddress, postal_code: '35801' })).toBe('near_address_id')
    const unknown = await app.query({ type: 'waitlist_candidates', near_address_id: '00000000-0000-4000-8000-000000000099' })
    expect(unknown.status).toBe(404)
  })
})
