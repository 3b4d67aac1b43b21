import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { made, person, type SignedIn } from '../../helpers/fixtures.js'

const DAY = '2031-03-04'

describe.each(engines)('openings filled from the waitlist (%s)', (engine) => {
  let app: TestApp
  let sam: SignedIn
  let windows: string
  const visits: Record<string, string> = {}
  const people: Record<string, string> = {}
  const addresses: Record<string, string> = {}

  /** A customer with an email and a pinned address on latitude 34.7 (or 34.9 far north). */
  async function customer(name: string, longitude: number, latitude = 34.7): Promise<string> {
    const contact = await made(app, 'contact', 'create', { display_name: `${name} Customer`, email: `${name.toLowerCase()}@gaps.test` })
    const address = await made(app, 'address', 'add', {
      contact_id: contact.id,
      line1: `1 ${name} Rd`,
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35801',
    })
    await app.ownerAction('address', 'pin', { address_id: address.id, latitude, longitude })
    people[name] = contact.id
    addresses[contact.id] = address.id
    return contact.id
  }
  const visit = async (name: string, contactId: string, hour: number) => {
    visits[name] = (
      await made(app, 'ticket', 'create', {
        contact_id: contactId,
        address_id: addresses[contactId],
        scheduled_start: `${DAY}T${hour}:00:00Z`,
        technician_ids: [sam.userId],
        line_items: [{ service_id: windows }],
      })
    ).id
  }
  const waitFor = (name: string, extra: Record<string, unknown> = {}) =>
    made(app, 'waitlist', 'add', {
      contact_id: people[name],
      service_id: windows,
      earliest_date: '2031-03-01',
      latest_date: '2031-03-31',
      ...extra,
    })

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => new Date('2031-03-02T15:00:00Z') })
    sam = await person(app, 'sam@gaps.test', 'technician')
    windows = (
      await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000, default_duration_minutes: 60 })
    ).id
    await visit('Before', await customer('Before', -86.5), 14)
    await visit('Cancelled', await customer('Gone', -86.6), 15)
    await visit('After', await customer('After', -86.45), 17)
    await customer('Near', -86.59)
    await customer('Nearer', -86.595)
    await customer('Far', -86.2, 34.9)
    await customer('Late', -86.6)
    await customer('Lunch', -86.6)
    await waitFor('Near')
    await waitFor('Nearer', { time_of_day: 'morning' })
    await waitFor('Far')
    await waitFor('Late', { earliest_date: '2031-03-10' })
    await waitFor('Lunch', { time_of_day: 'afternoon' })
  })
  afterAll(async () => {
    await app.close()
  })

  it('has no opening before anything is cancelled', async () => {
    expect(expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items).toEqual([])
  })

  it('a cancel leaves an opening, with the waitlisted customers who fit it and live near, nearest first', async () => {
    await made(app, 'ticket', 'cancel', { ticket_id: visits.Cancelled, reason: 'customer called' }, 'she called to cancel')
    const [gap] = expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items
    expect(gap).toMatchObject({
      ticket_id: visits.Cancelled,
      technician_id: sam.userId,
      reason: 'cancelled',
      starts_at: `${DAY}T15:00:00.000Z`,
      ends_at: `${DAY}T16:00:00.000Z`,
      offered_to: [],
    })
    expect(gap.slot).toBe('Tuesday, March 4, 2031 at 9:00 AM–10:00 AM, sam')
    // Nearer (0.5 km from the cancelled house) and Near (0.9 km); not Far (25 km), Late (not yet waiting for that day)
    // nor Lunch (afternoons only).
    expect(gap.candidates.map((c: any) => c.contact_name)).toEqual(['Nearer Customer', 'Near Customer'])
    expect(gap.candidates[0].meters).toBeGreaterThan(400)
    expect(gap.candidates[0].meters).toBeLessThan(500)
    expect(gap.candidates[0].near).toBe('0.5 km from a visit that day')
    expect(gap.candidates[0].offer).toEqual({
      contact_id: people.Nearer,
      service_ids: [windows],
      slots: [{ start: `${DAY}T15:00:00.000Z`, technician_id: sam.userId }],
    })
  })

  it('names the best in daily_briefing, through the real MCP client', async () => {
    const mcp = await connectMcp(app.url, app.tenant.agent_token)
    try {
      const briefing = toolJson(await mcp.callTool({ name: 'daily_briefing', arguments: {} })).json.briefing as string
      expect(briefing).toContain(
        'Openings the waitlist could fill: Tuesday, March 4, 2031 at 9:00 AM–10:00 AM, sam: Nearer Customer, 0.5 km from a visit that day',
      )
    } finally {
      await mcp.close()
    }
  })

  it("the owner's distance narrows who is named", async () => {
    expect((await app.action('schedule_opening', 'set_distance', { km: 0.6 })).status).toBe(422)
    expect(await made(app, 'schedule_opening', 'set_distance', { km: 0.6 }, 'the owner said half a kilometer')).toEqual({ km: 0.6 })
    expect(expectData(await app.query({ type: 'opening_settings' })).items).toEqual([{ km: 0.6 }])
    const [gap] = expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items
    expect(gap.candidates.map((c: any) => c.contact_name)).toEqual(['Nearer Customer'])
    expect(await app.ownerAction('schedule_opening', 'set_distance', { km: 8 })).toEqual({ km: 8 })
    const refused = await app.action('schedule_opening', 'set_distance', { km: 0 }, { reasoning: 'x' })
    expect(refused.status).toBe(400)
  })

  it('offered to two, the first to pick books it; the opening is gone once filled', async () => {
    const [gap] = expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items
    for (const c of gap.candidates) await app.ownerAction('slot_offer', 'send', c.offer)
    const [offered] = expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items
    expect(offered.offered_to).toEqual(['Near Customer', 'Nearer Customer'])
    await made(app, 'ticket', 'create', {
      contact_id: people.Near,
      scheduled_start: `${DAY}T15:00:00Z`,
      technician_ids: [sam.userId],
      line_items: [{ service_id: windows }],
    })
    expect(expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items).toEqual([])
  })

  it('a move leaves an opening too, which the owner may leave free', async () => {
    await made(app, 'ticket', 'reschedule', { ticket_id: visits.After, scheduled_start: `${DAY}T20:00:00Z` })
    const [gap] = expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items
    expect(gap).toMatchObject({ ticket_id: visits.After, reason: 'moved', starts_at: `${DAY}T17:00:00.000Z` })
    expect(expectData(await app.action('schedule_opening', 'dismiss', { opening_id: gap.id }))).toEqual({
      opening_id: gap.id,
      dismissed: true,
    })
    expect(expectData(await app.query({ type: 'schedule_openings', kind: 'left' })).items).toEqual([])
    expect((await app.action('schedule_opening', 'dismiss', { opening_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
  })
})
