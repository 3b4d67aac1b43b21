import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_ROUTER_TOKEN, type FakeRoadRouter, startFakeRoadRouter } from '../../../bench/fake-road-router.js'
import { roadRouterFromEnv } from '../../../core/domains/route-plans/router-settings.js'
import { describeRouter } from '../../../core/domains/route-plans/capability.js'
import { metersBetween } from '../../../core/domains/routes/metric.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { newContact, newTicket, person } from '../../helpers/fixtures.js'
import { behaviourEngine } from '../../helpers/databases.js'

const DAY = '2031-03-04'
const SHOP = { latitude: 34.7, longitude: -86.6 }

/** A day of Sam's with three anytime visits booked out of order along one road, planned through a road router. */
async function samsDay(app: TestApp): Promise<void> {
  const sam = await person(app, 'sam@example.com', 'technician')
  await app.ownerAction('route', 'set_start', { label: 'The shop', ...SHOP })
  for (const [name, longitude, hour] of [
    ['Far', -86.2, 14],
    ['Near', -86.5, 15],
    ['Mid', -86.35, 16],
  ] as const) {
    const contact = await newContact(app, { display_name: `Customer ${name}` })
    const address = expectData(
      await app.action('address', 'add', {
        contact_id: contact,
        line1: `1 ${name} Rd`,
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
      }),
    )
    await app.ownerAction('address', 'pin', { address_id: address.id, latitude: 34.7, longitude })
    const t = await newTicket(app, contact, {
      address_id: address.id,
      scheduled_start: `${DAY}T${hour}:00:00Z`,
      duration_minutes: 45,
      technician_ids: [sam.userId],
    })
    await app.ownerAction('route', 'mark_anytime', { ticket_id: t.id })
  }
}

describe('a route planned by road', () => {
  let fake: FakeRoadRouter
  const apps: TestApp[] = []
  beforeAll(async () => {
    fake = await startFakeRoadRouter()
  })
  afterAll(async () => {
    for (const app of apps) await app.close()
    await fake.close()
  })

  async function appWith(env: Record<string, string>): Promise<TestApp> {
    const app = await startTestApp(behaviourEngine, { integrations: { 'route-plans': roadRouterFromEnv(env) } })
    apps.push(app)
    await samsDay(app)
    return app
  }

  it('measures and times the day by road with OSRM, and says so', async () => {
    const app = await appWith(fake.env.osrm)
    const asked = fake.requests.length
    const plan = expectData(await app.action('route', 'plan', { technician_id: 'Sam', date: DAY }))
    expect(fake.requests.slice(asked).map((r) => r.api)).toEqual(['osrm-table'])
    expect(plan).toMatchObject({ distances: 'road', applied: false })
    expect(plan.notes).toContain('Distances and driving times are by road, from the road router.')
    // The fake's roads are 1.3 times the straight line: the first leg, from the shop, says it.
    const first = plan.stops[0]
    const line = metersBetween(SHOP, { latitude: first.latitude, longitude: first.longitude })
    expect(first.meters_from_previous).toBe(Math.round(Math.round(line * 1.3 * 10) / 10))
    // Out along the road and back: the far visit first or last, never in the middle.
    expect(plan.stops[1].contact_name).toBe('Customer Mid')
    expect(plan.meters_after).toBeLessThan(plan.meters_before)
    expect(describeRouter({ integrations: { 'route-plans': roadRouterFromEnv(fake.env.osrm) } })).toBe(
      `OSRM at ${fake.url}: route.plan measures and times the day by road`,
    )
  })

  it('falls back to straight lines when the router fails, and says why in the notes', async () => {
    const app = await appWith(fake.env.mapbox)
    fake.failNext(429)
    const limited = expectData(await app.action('route', 'plan', { technician_id: 'Sam', date: DAY }))
    expect(limited.distances).toBe('straight_line')
    expect(limited.notes.join(' ')).toMatch(/The road router did not answer \(Mapbox at .* rate/i)
    const refused = await startTestApp(behaviourEngine, {
      integrations: { 'route-plans': roadRouterFromEnv({ ...fake.env.mapbox, CRM_MAPBOX_TOKEN: 'pk.wrong' }) },
    })
    apps.push(refused)
    await samsDay(refused)
    const plan = expectData(await refused.action('route', 'plan', { technician_id: 'Sam', date: DAY }))
    expect(plan.distances).toBe('straight_line')
    expect(plan.notes.join(' ')).toContain('refused the access token')
    expect(plan.notes.join(' ')).not.toContain('pk.wrong')
    expect(FAKE_ROUTER_TOKEN).not.toBe('pk.wrong')
  })

  it('says distances are straight lines when no router is set up', async () => {
    const app = await appWith({})
    const plan = expectData(await app.action('route', 'plan', { technician_id: 'Sam', date: DAY }))
    expect(plan.distances).toBe('straight_line')
    expect(plan.notes.join(' ')).toContain('A road router (CRM_ROUTER) gives road distances and times.')
    expect(describeRouter({ integrations: {}, config: { environment: {} } })).toBe('off (CRM_ROUTER=off): distances are straight lines')
  })
})
