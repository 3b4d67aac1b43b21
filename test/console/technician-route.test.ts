import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

describe.each(engines)("a technician's Today in route order (%s)", (engine) => {
  let f: TechFixture
  let tom: PageClient
  let plan: any
  const extra: Record<string, { id: string; number: number }> = {}

  beforeAll(async () => {
    f = await techFixture(engine)
    tom = await pageClient(f.app, 'tom@sparkle.test')
    const { app } = f
    const jane = expectData(await app.query({ type: 'addresses', contact_id: f.contactId })).items[0]
    await app.ownerAction('address', 'pin', { address_id: jane.id, latitude: 34.7, longitude: -86.5 })
    await app.ownerAction('route', 'set_start', { label: 'The shop', latitude: 34.7, longitude: -86.6 })
    // Two customers Tom may see at any time today: one west, booked between his two visits at Jane's; one far east, booked last.
    for (const [name, longitude, start] of [
      ['East', -86.2, '2026-11-05T15:00'],
      ['West', -86.55, '2026-11-05T10:15'],
    ] as const) {
      const contact = expectData(await app.action('contact', 'create', { display_name: `${name} Customer` }))
      const address = expectData(
        await app.action('address', 'add', {
          contact_id: contact.id,
          line1: `1 ${name} Rd`,
          city: 'Huntsville',
          state: 'AL',
          postal_code: '35801',
        }),
      )
      await app.ownerAction('address', 'pin', { address_id: address.id, latitude: 34.7, longitude })
      extra[name] = await f.book(start, [f.techId], { contact_id: contact.id, address_id: address.id, duration_minutes: 45 })
      await app.ownerAction('route', 'mark_anytime', { ticket_id: extra[name].id })
    }
    plan = await app.ownerAction('route', 'plan', { technician_id: f.techId, date: '2026-11-05', apply: true })
  })
  afterAll(async () => {
    await f?.app.close()
  })

  it('the plan moved the anytime visits, each to a time the driving allows, and saved driving', () => {
    expect(plan.applied).toBe(true)
    expect(plan.meters_saved).toBeGreaterThan(0)
    expect(plan.stops.some((s: any) => s.order_changed)).toBe(true)
    // East goes out after the 09:00 visit ends (10:00) and the drive there; West fits after the 13:00 visit and its drive.
    expect(plan.times_changed.map((c: any) => [c.number, c.words.slice(c.words.indexOf(':') + 2)])).toEqual([
      [extra.East.number, 'Thu 2026-11-05 15:00 → 10:55'],
      [extra.West.number, 'Thu 2026-11-05 10:15 → 14:10'],
    ])
  })

  it("lists the day's visits in the plan's order, anytime ones said so, each with directions, and the whole day in Maps", async () => {
    const r = await tom.get('/today')
    expect(r.status).toBe(200)
    expect(r.html).toContain('In route order')
    const list = r.html.slice(r.html.indexOf('In route order'))
    const rest = plan.stops.map((s: any) => s.number).filter((n: number) => list.includes(`#${n} `))
    const places = rest.map((n: number) => list.indexOf(`#${n} `))
    expect(rest.length).toBeGreaterThanOrEqual(3)
    expect(places).toEqual([...places].sort((a, b) => a - b))
    expect(list).toContain('Anytime<div class="muted">booked 10:55</div>')
    expect(r.html).toContain(`aria-label="Directions to #${extra.East.number}"`)
    expect(r.html).toContain('href="https://www.google.com/maps/dir/?api=1&amp;destination=34.700000%2C-86.200000&amp;travelmode=driving"')
    expect(r.html).toMatch(
      /<a href="https:\/\/www\.google\.com\/maps\/dir\/\?api=1&amp;origin=34\.700000%2C-86\.600000[^"]*" rel="noopener">Open the day's route in Maps<\/a>/,
    )
    // The card on top, the visit of now, carries its own directions.
    const now = r.html.indexOf('class="card now"')
    expect(r.html.slice(now, r.html.indexOf('In route order'))).toContain('rel="noopener">Directions</a>')
  })

  it("the technician reads their own route, never another's", async () => {
    const own = await tom.get('/api/data?type=route_stops&date=2026-11-05')
    expect(JSON.parse(own.html).data.items.map((s: any) => s.number)).toEqual(plan.stops.map((s: any) => s.number))
    const other = await tom.get(`/api/data?type=route_stops&date=2026-11-05&technician_id=${f.otherTechId}`)
    expect(other.status).toBe(403)
    expect(JSON.parse(other.html).error.code).toBe('FORBIDDEN')
  })
})
