import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { insertService, insertTicket, made, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('neighborhoods and their year against the last (%s)', (engine) => {
  let app: TestApp
  let service: string
  const home: Record<string, { contact: string; address: string }> = {}

  /** A customer at an address, pinned when a point is given. */
  async function customer(name: string, postal: string, city: string, point?: [number, number]) {
    const contact = await made(app, 'contact', 'create', { display_name: `${name} Customer` })
    const address = await made(app, 'address', 'add', {
      contact_id: contact.id,
      line1: `1 ${name} St`,
      city,
      state: 'AL',
      postal_code: postal,
    })
    if (point) await app.ownerAction('address', 'pin', { address_id: address.id, latitude: point[0], longitude: point[1] })
    home[name] = { contact: contact.id, address: address.id }
  }
  const done = (name: string, start: string) =>
    insertTicket(app, home[name].contact, { start, completed: true, serviceId: service, addressId: home[name].address })

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => new Date('2026-11-27T15:00:00Z') })
    service = await insertService(app, 'Window cleaning')
    // Two houses 120 m apart near the middle of one cell downtown, one in Madison, one not yet on the map.
    await customer('Ann', '35801', 'Huntsville', [34.7279, -86.5929])
    await customer('Bob', '35801', 'Huntsville', [34.7284, -86.5917])
    await customer('Cy', '35758', 'Madison', [34.6993, -86.7483])
    await customer('Di', '35806', 'Huntsville')
    await done('Ann', '2026-03-02T15:00:00Z')
    await done('Bob', '2026-06-01T15:00:00Z')
    await done('Ann', '2025-05-01T15:00:00Z')
    await done('Cy', '2026-04-01T15:00:00Z')
    // After today's date a year ago: not in last year's same days.
    await done('Bob', '2025-12-01T15:00:00Z')
  })
  afterAll(async () => {
    await app.close()
  })

  it('groups addresses into hexagons by their points, named by ZIP code and town, the rest by ZIP code', async () => {
    const list = expectData(await app.query({ type: 'neighborhoods' })).items
    expect(list.map((n: any) => [n.name, n.on_map, n.addresses, n.customers])).toEqual([
      ['35801 Huntsville', true, 2, 2],
      ['35758 Madison', true, 1, 1],
      ['35806 Huntsville (not on the map)', false, 1, 1],
    ])
    expect(list[0].id).toMatch(/^h:-?\d+:-?\d+$/)
    expect(list[2].id).toBe('zip:35806')
    expect(list[0].latitude).toBeCloseTo(34.7281, 3)
  })

  it("says each one's visits, sales and average ticket this year, against the same days last year", async () => {
    const [downtown, madison] = expectData(await app.query({ type: 'neighborhoods' })).items
    expect(downtown).toMatchObject({
      visits: 2,
      sales_cents: 30_000,
      average_ticket_cents: 15_000,
      last_year_visits: 1,
      last_year_sales_cents: 15_000,
      sales_change_percent: 100,
      from: '2026-01-01',
      to: '2026-11-27',
    })
    expect(madison).toMatchObject({ visits: 1, last_year_visits: 0, sales_change_percent: null })
    const last = expectData(await app.query({ type: 'neighborhoods', year: '2025' })).items
    expect(last.find((n: any) => n.name === '35801 Huntsville')).toMatchObject({
      visits: 2,
      from: '2025-01-01',
      to: '2025-12-31',
      last_year_visits: 0,
    })
    const [one] = expectData(await app.query({ type: 'neighborhoods', neighborhood: downtown.id })).items
    expect(one.name).toBe('35801 Huntsville')
    expect(validationFieldsOf(await app.query({ type: 'neighborhoods', year: 'last' }))).toEqual(['year'])
  })

  it('moves an address with its pin', async () => {
    const before = expectData(await app.query({ type: 'neighborhoods' })).items
    const madison = before.find((n: any) => n.name === '35758 Madison').id
    await app.ownerAction('address', 'pin', { address_id: home.Bob.address, latitude: 34.6993, longitude: -86.7483 })
    const [moved] = expectData(await app.query({ type: 'neighborhoods', neighborhood: madison })).items
    expect(moved).toMatchObject({ addresses: 2, customers: 2 })
  })
})
