import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

const DAY = '2031-03-04'

/** Tom's 09:00 at Gone's house cancelled; Nell, 0.5 km away, waits for a morning in March. */
async function anOpening(pages: PageApp): Promise<{ nell: string }> {
  const { app } = pages
  const windows = (
    await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000, default_duration_minutes: 60 })
  ).id
  const person = async (name: string, longitude: number) => {
    const contact = await made(app, 'contact', 'create', {
      display_name: `${name} Customer`,
      email: `${name.toLowerCase()}@gaps-page.test`,
    })
    const address = await made(app, 'address', 'add', {
      contact_id: contact.id,
      line1: `1 ${name} Rd`,
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35801',
    })
    await app.ownerAction('address', 'pin', { address_id: address.id, latitude: 34.7, longitude })
    return { contact: contact.id, address: address.id }
  }
  const gone = await person('Gone', -86.6)
  const nell = await person('Nell', -86.595)
  const visit = await made(app, 'ticket', 'create', {
    contact_id: gone.contact,
    address_id: gone.address,
    scheduled_start: `${DAY}T15:00:00Z`,
    technician_ids: [pages.techId],
    line_items: [{ service_id: windows }],
  })
  await made(app, 'waitlist', 'add', {
    contact_id: nell.contact,
    service_id: windows,
    earliest_date: '2031-03-01',
    latest_date: '2031-03-31',
  })
  await made(app, 'ticket', 'cancel', { ticket_id: visit.id, reason: 'moving' }, 'she called')
  return { nell: nell.contact }
}

describe.each(engines)("the owner's Openings, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  let nell: string
  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => new Date('2031-03-02T15:00:00Z') }, { technician: 'added' })
    ;({ nell } = await anOpening(pages))
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it('Home names the opening and its best candidate, and leads to the Openings page', async () => {
    const home = await pages.owner.get('/')
    expect(home.html).toContain('Openings the waitlist could fill')
    expect(home.html).toContain('Tuesday, March 4, 2031 at 9:00 AM–10:00 AM, Tom Tech: <b>Nell Customer</b>, 0.5 km from a visit that day')
    expect(home.html).toContain('href="/openings"')
  })

  it('offers the time by email in one press, and says who has it', async () => {
    const page = await pages.owner.get('/openings')
    expect(page.html).toContain('was cancelled')
    const sent = await pages.owner.submit(
      page.html,
      `/openings/${/action="\/openings\/([0-9a-f-]{36})\/offer"/.exec(page.html)?.[1]}/offer`,
    )
    expect(sent.status).toBe(303)
    const after = await pages.owner.get(sent.location as string)
    expect(after.html).toContain('Offered by email: the first to pick books it')
    expect(after.html).toContain('offered to Nell Customer')
    const [offer] = expectData(await pages.app.query({ type: 'slot_offers', contact_id: nell })).items
    expect(offer.slots.map((s: any) => s.start)).toEqual([`${DAY}T15:00:00.000Z`])
    expect(pages.app.email.sent.some((m) => m.subject.startsWith('Pick a time') && m.text.includes('Book it here'))).toBe(true)
  })

  it("the distance is the owner's, and a wrong one is refused naming the field", async () => {
    const page = await pages.owner.get('/openings')
    const bad = await pages.owner.submit(page.html, '/openings/distance', [['km', '0']])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Nothing was changed. data.km: expected at least 0.1 km')
    const ok = await pages.owner.submit(page.html, '/openings/distance', [['km', '0.3']])
    const after = await pages.owner.get(ok.location as string)
    expect(after.html).toContain('Distance saved.')
    expect(after.html).toContain('Nobody on the waitlist lives near enough or fits this time.')
  })

  it('leaves an opening free', async () => {
    const page = await pages.owner.get('/openings')
    const id = /action="\/openings\/([0-9a-f-]{36})\/dismiss"/.exec(page.html)?.[1]
    const left = await pages.owner.submit(page.html, `/openings/${id}/dismiss`)
    const after = await pages.owner.get(left.location as string)
    expect(after.html).toContain('Left free.')
    expect(after.html).toContain('No openings right now.')
  })
})

describe.skipIf(!browserAvailable)("the owner's Openings in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, { now: () => new Date('2031-03-02T15:00:00Z') }, { technician: 'added' })
    await anOpening(pages)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('Openings fits the phone and passes axe, and Offer this time sends the offer', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, pages.app, '/openings')
      await page.getByRole('button', { name: 'Offer the time to Nell Customer' }).click()
      await page.waitForURL(/done=offered/)
      expect(await page.locator('.ok, [role=status]').first().textContent()).toContain('Offered by email')
      await openOnPhone(tab, pages.app, '/')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
