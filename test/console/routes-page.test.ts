import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeCensusGeocoder, type FakeCensusGeocoder } from '../../bench/fake-census-geocoder.js'
import { geocoderFromEnv } from '../../core/domains/geocoding/settings.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

const DAY = '2031-03-04'

/** The card of one visit on the Routes page, with its forms. */
function cardOf(html: string, number: number): string {
  return html.split('<li class="card">').find((card) => card.includes(`#${number} `)) ?? ''
}

/** Tom's day: a visit at Jane's at 09:00, then three booked in a poor order: far east, west, then between. */
async function tomsDay(pages: PageApp): Promise<Record<string, { id: string; number: number }>> {
  const { app } = pages
  const made: Record<string, { id: string; number: number }> = {}
  for (const [name, longitude, hour] of [
    ['Jane', -86.5, 15],
    ['East', -86.2, 17],
    ['West', -86.55, 19],
    ['Mid', -86.35, 21],
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
    made[name] = expectData(
      await app.action('ticket', 'create', {
        contact_id: contact.id,
        address_id: address.id,
        scheduled_start: `${DAY}T${hour}:00:00Z`,
        duration_minutes: 45,
        technician_ids: [pages.techId],
        line_items: [{ description: 'Windows', unit_price_cents: 10_000 }],
      }),
    )
  }
  return made
}

describe.each(engines)("the owner's Routes page, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  let fake: FakeCensusGeocoder
  let visits: Record<string, { id: string; number: number }>
  const at = `/routes?technician=&date=${DAY}`
  beforeAll(async () => {
    fake = await startFakeCensusGeocoder()
    pages = await startPageApp(engine, { integrations: { geocoding: geocoderFromEnv(fake.env) } }, { technician: 'added' })
    visits = await tomsDay(pages)
  })
  afterAll(async () => {
    await pages.app.close()
    await fake.close()
  })
  const page = () => pages.owner.get(at.replace('technician=', `technician=${pages.techId}`))
  /** Submits a form of the page and follows its redirect, as a browser does. */
  const submitted = async (html: string, action: string, fields: Array<[string, string]> = []) => {
    const r = await pages.owner.submit(html, action, fields)
    return r.status === 303 ? pages.owner.get(r.location as string) : r
  }

  it("shows a technician's day in order, and asks for a home base until there is one", async () => {
    const r = await page()
    expect(r.status).toBe(200)
    expect(r.html).toContain('No home base yet')
    const order = ['Jane', 'East', 'West'].map((n) => r.html.indexOf(`#${visits[n].number} ${n} Customer`))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(r.html).toContain(`aria-label="Anytime for #${visits.East.number}"`)
  })

  it('sets the home base from a street the geocoder finds, and says which field is wrong when it cannot', async () => {
    fake.place('100 Church St SW', '35801', {
      latitude: 34.7,
      longitude: -86.6,
      matched: '100 CHURCH ST SW, HUNTSVILLE, AL, 35801',
      exact: true,
    })
    const home = await page()
    const saved = await submitted(home.html, '/routes/start', [
      ['label', 'The shop'],
      ['line1', '100 Church St SW'],
      ['city', 'Huntsville'],
      ['state', 'AL'],
      ['postal_code', '35801'],
    ])
    expect(saved.html).toContain('Home base saved.')
    expect(saved.html).toContain('Routes start and end at <b>The shop</b> (34.70000, -86.60000)')
    const lost = await submitted(saved.html, '/routes/start', [
      ['label', 'Nowhere'],
      ['line1', '1 Nowhere Ln'],
    ])
    expect(lost.status).toBe(400)
    expect(lost.html).toContain('Nothing was changed. line1:')
    const half = await submitted(saved.html, '/routes/start', [
      ['label', 'Half'],
      ['latitude', '34.7'],
    ])
    expect(half.status).toBe(400)
    expect(half.html).toContain('longitude: give latitude and longitude together')
  })

  it('marks visits anytime, then plans the day and says the distance saved', async () => {
    let r = await page()
    for (const name of ['East', 'West', 'Mid']) {
      r = await submitted(cardOf(r.html, visits[name].number), '/routes/anytime')
      expect(r.html).toContain('Marked anytime')
    }
    expect(r.html).toContain(`aria-label="Keep #${visits.West.number}"`)
    const preview = await submitted(r.html, '/routes/plan')
    // The plan first, nothing changed: the driving it saves, each time it changes, and what Apply does.
    expect(preview.html).toMatch(/\d+\.\d km, \d+\.\d km less than now \(straight lines\)\./)
    expect(preview.html).toContain('Distances are straight lines between points, not the roads')
    const moves = preview.html.match(/<b>\d\d:\d\d → \d\d:\d\d<\/b>/g) ?? []
    expect(moves.length).toBeGreaterThan(0)
    expect(preview.html).toContain(`Apply: move ${moves.length === 1 ? 'one visit' : `${moves.length} visits`} and email`)
    expect(expectData(await pages.app.query({ type: 'tickets', id: visits.East.id })).scheduled_start).toBe(`${DAY}T17:00:00.000Z`)
    const planned = await submitted(preview.html, '/routes/apply')
    expect(planned.html).toMatch(
      /Planned: \d+\.\d km, \d+\.\d km less than before\. (One visit moved; its customer is|\d visits moved; their customers are) emailed the new time\./,
    )
    const stops = expectData(await pages.app.query({ type: 'route_stops', technician_id: pages.techId, date: DAY })).items
    const places = stops.map((stop: any) => planned.html.indexOf(`#${stop.number} `))
    expect(places.every((i: number) => i > 0)).toBe(true)
    expect(places).toEqual([...places].sort((a: number, b: number) => a - b))
    // West before Jane's fixed 09:00 (the hour before it holds the visit), then east along the road and back.
    expect(stops.map((stop: any) => stop.number)).toEqual(['West', 'Jane', 'Mid', 'East'].map((n) => visits[n].number))
    expect(stops.find((s: any) => s.number === visits.West.number).anytime).toBe(true)
  })

  it('sets the window of the day a visit may move within, and shows it', async () => {
    const shown = await page()
    const fixed = await submitted(cardOf(shown.html, visits.West.number), '/routes/anytime')
    expect(fixed.html).toContain('Back at its booked time.')
    const r = await submitted(cardOf(fixed.html, visits.West.number), '/routes/anytime', [
      ['from', '08:00'],
      ['to', '12:00'],
    ])
    expect(r.html).toContain('Anytime 08:00–12:00 (booked')
  })

  it('refuses a visit done since the page was shown, changing nothing', async () => {
    const shown = await page()
    await pages.app.t.admin.query(`update tickets set status = 'cancelled', cancelled_at = now() where id = $1`, [visits.Jane.id])
    const r = await pages.owner.submit(cardOf(shown.html, visits.Jane.number), '/routes/anytime')
    expect(r.status).toBe(409)
    expect(r.html).toContain(`Nothing was changed. ticket #${visits.Jane.number} is cancelled`)
  })
})

describe.skipIf(!browserAvailable)("the owner's Routes page in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, {}, { technician: 'added' })
    const visits = await tomsDay(pages)
    await pages.app.ownerAction('route', 'set_start', { label: 'The shop', latitude: 34.7, longitude: -86.6 })
    await pages.app.ownerAction('route', 'mark_anytime', { ticket_id: visits.East.id })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('fits the phone and passes axe, and its Plan route button shows the plan, which Apply saves', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, pages.app, `/routes?technician=${pages.techId}&date=${DAY}`)
      await page.getByRole('button', { name: 'Plan route' }).click()
      await page.getByRole('region', { name: 'The plan' }).waitFor()
      await page.getByRole('button', { name: /^Apply/ }).click()
      await page.waitForURL(/done=planned/)
      expect(await page.locator('.ok, [role=status]').first().textContent()).toMatch(/Planned: /)
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
