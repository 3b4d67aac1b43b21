import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeNws, type FakeNws } from '../../../bench/fake-nws.js'
import { describeWeather } from '../../../core/domains/weather/capability.js'
import { forecasterFromEnv } from '../../../core/domains/weather/settings.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { made, person, type SignedIn } from '../../helpers/fixtures.js'
import { pageClient } from '../../helpers/technician-fixture.js'

/** Wednesday 2031-03-05, 09:00 in Chicago: tomorrow is Thursday the 6th. */
const NOW = new Date('2031-03-05T15:00:00Z')

describe.each(engines)("tomorrow's rain and the visits it touches (%s)", (engine) => {
  let app: TestApp
  let fake: FakeNws
  let sam: SignedIn
  const outlook = async (date?: string) => expectData(await app.query({ type: 'weather_outlook', ...(date ? { date } : {}) })).items[0]

  beforeAll(async () => {
    fake = await startFakeNws('2031-03-05')
    app = await startTestApp(engine, { now: () => NOW, integrations: { weather: forecasterFromEnv(fake.env) } })
    sam = await person(app, 'sam@weather.test', 'technician')
    const contact = await made(app, 'contact', 'create', { display_name: 'Wet Customer' })
    await made(app, 'ticket', 'create', { contact_id: contact.id, scheduled_start: '2031-03-06T15:00:00Z', technician_ids: [sam.userId] })
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  const briefing = async () => {
    const mcp = await connectMcp(app.url, app.tenant.agent_token)
    try {
      return toolJson(await mcp.callTool({ name: 'daily_briefing', arguments: {} })).json.briefing as string
    } finally {
      await mcp.close()
    }
  }

  it('without a home base says there is nothing to read the forecast for, never that it stays dry', async () => {
    expect(await outlook()).toMatchObject({
      date: '2031-03-06',
      forecast: null,
      forecast_status: 'not_set_up',
      rain_likely: null,
      note: expect.stringContaining('no home base'),
    })
    expect(await briefing()).toContain(
      'Weather for 2031-03-06 unknown, with 1 visit booked: the business has no home base to read it for (route.set_start).',
    )
  })

  it('reads the daytime forecast at the home base, names the visits, and proposes moving them to the first dry open day', async () => {
    await app.ownerAction('route', 'set_start', { label: 'The shop', latitude: 34.7304, longitude: -86.5861 })
    fake.day('2031-03-06', 80, 'Showers Likely')
    fake.day('2031-03-07', 70, 'Rain')
    // Saturday the 8th is dry but closed; Monday the 10th is the first dry open day.
    const o = await outlook()
    expect(o).toMatchObject({
      date: '2031-03-06',
      forecast: 'Showers Likely',
      forecast_status: 'known',
      precipitation_percent: 80,
      rain_likely: true,
    })
    expect(o.visits.map((v: any) => [v.contact_name, v.technician_id])).toEqual([['Wet Customer', sam.userId]])
    expect(o.moves).toEqual([
      {
        technician_id: sam.userId,
        date: '2031-03-06',
        to_date: '2031-03-10',
        message: 'Rain is forecast for the day of your visit (80% chance, "Showers Likely").',
      },
    ])
    expect(fake.requests.find((r) => r.path.startsWith('/points/'))).toMatchObject({
      path: '/points/34.7304,-86.5861',
      userAgent: expect.stringMatching(/^service-crm \(/),
    })
    const dry = await outlook('2031-03-10')
    expect(dry).toMatchObject({ forecast: 'Sunny', precipitation_percent: 0, rain_likely: false, moves: [] })
    expect(await outlook('2031-03-30')).toMatchObject({
      forecast_status: 'beyond_forecast',
      rain_likely: null,
      note: expect.stringContaining('forecasts about a week ahead'),
    })
  })

  it('names the rain in daily_briefing with the move, through the real MCP client, and the move is ticket.move_day as it is', async () => {
    const mcp = await connectMcp(app.url, app.tenant.agent_token)
    try {
      const briefing = toolJson(await mcp.callTool({ name: 'daily_briefing', arguments: {} })).json.briefing as string
      expect(briefing).toContain(
        'Rain likely 2031-03-06 (80%, Showers Likely) on 1 visit (crm_query type=weather_outlook); to move them: ticket.move_day',
      )
    } finally {
      await mcp.close()
    }
    const [move] = (await outlook()).moves
    const asked = await app.action('ticket', 'move_day', move, { reasoning: 'rain tomorrow' })
    expect(asked.status, JSON.stringify(asked.body)).toBe(202)
    expect(asked.body.data).toMatchObject({ status: 'pending_authorization' })
  })

  it("shows the rain on the owner's Home, with where to move the day", async () => {
    const owner = await pageClient(app, 'owner@sparkle.test')
    const home = await owner.get('/')
    expect(home.html).toContain('<h2>Rain likely tomorrow</h2>')
    expect(home.html).toContain('Showers Likely, 80% chance, on 1 visit: #1 Wet Customer.')
    expect(home.html).toContain("The forecast is dry on 2031-03-10: sam's day could move there, customers told.")
    expect(home.html).toContain('href="/team">Move a day')
  })

  it("says the service's own words when it has no forecast for the point, and is off without CRM_WEATHER", async () => {
    fake.outside = true
    expect(await outlook()).toMatchObject({
      forecast: null,
      forecast_status: 'unavailable',
      rain_likely: null,
      note: expect.stringContaining('the National Weather Service answered HTTP 404: Unable to provide data for requested point'),
    })
    expect(await briefing()).toContain(
      'Weather for 2031-03-06 unknown, with 1 visit booked: the National Weather Service answered HTTP 404',
    )
    fake.outside = false
    expect(forecasterFromEnv({})).toBeNull()
    expect(describeWeather({ integrations: {} })).toMatch(/^off \(CRM_WEATHER=off\)/)
    expect(() => forecasterFromEnv({ CRM_WEATHER: 'accuweather' })).toThrow('CRM_WEATHER must be nws or off')
  })
})
