import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { made, person, type SignedIn } from '../../helpers/fixtures.js'
import { callChecked, connectMcp } from '../../helpers/mcp-client.js'

// A Tuesday; the business is in Central time (UTC-6), open 8:00 to 17:00 on weekdays.
const DAY = '2031-03-04'
const MONDAY = '2031-03-03'

describe.each(engines)('never-booked time filled from the waitlist (%s)', (engine) => {
  let app: TestApp
  let client: Client
  let sam: SignedIn
  let windows: string
  const people: Record<string, string> = {}
  const addresses: Record<string, string> = {}
  const visits: string[] = []

  /** A customer with a pinned address on latitude 34.7. */
  async function customer(name: string, longitude: number): Promise<string> {
    const contact = await made(app, 'contact', 'create', { display_name: `${name} Customer`, email: `${name.toLowerCase()}@free.test` })
    const address = await made(app, 'address', 'add', {
      contact_id: contact.id,
      line1: `1 ${name} Rd`,
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35801',
    })
    await app.ownerAction('address', 'pin', { address_id: address.id, latitude: 34.7, longitude })
    people[name] = contact.id
    addresses[contact.id] = address.id
    return contact.id
  }
  const waitFor = (name: string, day: string, extra: Record<string, unknown> = {}) =>
    made(app, 'waitlist', 'add', { contact_id: people[name], service_id: windows, earliest_date: day, latest_date: day, ...extra })
  const gaps = (filters: Record<string, string>) => callChecked(client, 'crm_query', { type: 'schedule_openings', filters })

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => new Date('2031-03-02T15:00:00Z') })
    sam = await person(app, 'sam@free.test', 'technician')
    windows = (
      await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000, default_duration_minutes: 60 })
    ).id
    // Sam's Tuesday morning is booked, 8:00 to 12:00, at one house; the afternoon nobody ever booked.
    const morning = await customer('Morning', -86.6)
    for (const hour of [14, 15, 16, 17]) {
      visits.push(
        (
          await made(app, 'ticket', 'create', {
            contact_id: morning,
            address_id: addresses[morning],
            scheduled_start: `${DAY}T${hour}:00:00Z`,
            technician_ids: [sam.userId],
            line_items: [{ service_id: windows }],
          })
        ).id,
      )
    }
    await customer('Near', -86.595)
    await customer('Far', -86.545)
    await customer('Monday', -86.7)
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  it('says why when nothing is found or nobody waits, rather than a bare list', async () => {
    const openings = await gaps({ kind: 'left' })
    expect(openings.items).toEqual([])
    expect(openings.note).toBe('Nothing in the next 14 days: no time a cancel, a no-show or a move left is still free.')
    const free = await gaps({ kind: 'free' })
    expect(free.items.length).toBeGreaterThan(0)
    expect(free.items.every((g: any) => g.candidates.length === 0)).toBe(true)
    expect(free.note).toBe('Nobody on the waitlist is waiting for a day in the next 14 days (waitlist.add puts a customer on it).')
  })

  it('a never-booked afternoon comes back with the waitlisted customers near the morning visits, nearest first, through the MCP client', async () => {
    await waitFor('Far', DAY)
    await waitFor('Near', DAY)
    const answer = await gaps({ kind: 'free' })
    expect(answer.note).toBeUndefined()
    const afternoon = answer.items.find((g: any) => g.starts_at === `${DAY}T18:00:00.000Z`)
    expect(afternoon).toMatchObject({
      id: null,
      ticket_id: null,
      ticket_number: null,
      reason: 'free',
      technician_id: sam.userId,
      ends_at: `${DAY}T23:00:00.000Z`,
      slot: 'Tuesday, March 4, 2031 at 12:00 PM–5:00 PM, sam',
    })
    // Near lives 0.5 km from the morning's house, Far 5 km: the near one first.
    expect(afternoon.candidates.map((c: any) => c.contact_name)).toEqual(['Near Customer', 'Far Customer'])
    expect(afternoon.candidates[0].near).toBe('0.5 km from a visit that day')
    expect(afternoon.candidates[1].meters).toBeGreaterThan(4_000)
    expect(afternoon.candidates[0].offer).toEqual({
      contact_id: people.Near,
      service_ids: [windows],
      slots: [{ start: `${DAY}T18:00:00.000Z`, technician_id: sam.userId }],
    })
    // The booked morning is no free time, and nothing starts in the past.
    const tuesday = answer.items.filter((g: any) => g.starts_at.startsWith(DAY))
    expect(tuesday.map((g: any) => g.starts_at)).toEqual([`${DAY}T18:00:00.000Z`])
    expect(answer.items.every((g: any) => g.starts_at >= '2031-03-02T15:00:00.000Z')).toBe(true)
  })

  it('an empty day is measured from the home base, and an afternoon entry is offered from noon', async () => {
    await app.ownerAction('route', 'set_start', { label: 'The shop', latitude: 34.7, longitude: -86.72 })
    await waitFor('Monday', MONDAY, { time_of_day: 'afternoon' })
    const [monday] = (await gaps({ kind: 'free' })).items
    expect(monday).toMatchObject({ starts_at: `${MONDAY}T14:00:00.000Z`, ends_at: `${MONDAY}T23:00:00.000Z`, reason: 'free' })
    expect(monday.candidates.map((c: any) => c.contact_name)).toEqual(['Monday Customer'])
    expect(monday.candidates[0].near).toBe('1.8 km from the home base')
    expect(monday.candidates[0].offer.slots).toEqual([{ start: `${MONDAY}T18:00:00.000Z`, technician_id: sam.userId }])
  })

  it('pages by limit, earliest first', async () => {
    const first = expectData(await app.query({ type: 'schedule_openings', kind: 'free', limit: 2, candidates: 0 }))
    expect(first.items).toHaveLength(2)
    const next = expectData(
      await app.query({ type: 'schedule_openings', kind: 'free', limit: 2, candidates: 0, cursor: first.next_cursor }),
    )
    expect(next.items[0].starts_at > first.items[1].starts_at).toBe(true)
  })

  it('the waitlist says where each customer is and how far from the home base', async () => {
    const entries = expectData(await app.query({ type: 'waitlist' })).items
    const near = entries.find((e: any) => e.contact_id === people.Near)
    expect(near.place).toBe('1 Near Rd, Huntsville 35801')
    // 0.125 degrees of longitude east of the shop at latitude 34.7: about 11.4 km.
    expect(near.meters_from_base).toBeGreaterThan(11_000)
    expect(near.meters_from_base).toBeLessThan(12_000)
  })

  it('a cancelled morning visit is answered once, as an opening, never again as free time', async () => {
    await made(app, 'ticket', 'cancel', { ticket_id: visits[1], reason: 'customer called' }, 'she called to cancel')
    const tuesday = (await gaps({ kind: 'all' })).items.filter((g: any) => g.starts_at.startsWith(DAY))
    expect(tuesday.map((g: any) => [g.starts_at, g.reason])).toEqual([
      [`${DAY}T15:00:00.000Z`, 'cancelled'],
      [`${DAY}T18:00:00.000Z`, 'free'],
    ])
  })
})
