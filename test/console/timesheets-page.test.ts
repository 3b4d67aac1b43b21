import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

/** Wednesday, March 5, 2031 in Chicago. */
const NOW = new Date('2031-03-05T23:00:00Z')

/** Tom's Monday: two visits clocked, 08:00-09:00 and 10:30-12:00 local. */
async function tomsMonday(pages: PageApp): Promise<void> {
  const customer = (await made(pages.app, 'contact', 'create', { display_name: 'Clock Customer' })).id
  for (const [inAt, outAt] of [
    ['2031-03-03T14:00:00Z', '2031-03-03T15:00:00Z'],
    ['2031-03-03T16:30:00Z', '2031-03-03T18:00:00Z'],
  ]) {
    const t = await made(pages.app, 'ticket', 'create', { contact_id: customer, scheduled_start: inAt, technician_ids: [pages.techId] })
    await pages.app.t.admin.query('update ticket_technicians set clock_in_at = $2, clock_out_at = $3 where ticket_id = $1', [
      t.id,
      inAt,
      outAt,
    ])
  }
}

describe.each(engines)("the owner's Timesheets, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => NOW }, { technician: 'added' })
    await tomsMonday(pages)
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it("shows this week's hours by day, by week, and a week with none, each with its CSV", async () => {
    const page = await pages.owner.get('/timesheets')
    expect(page.html).toContain('March 3, 2031 to March 9, 2031')
    expect(page.html).toContain('<b>Tom Tech</b> · Monday, March 3, 2031')
    expect(page.html).toContain('2 visits · 8:00 AM–12:00 PM')
    expect(page.html).toContain('2 h 30 min on visits · 4 h 00 min first in to last out')
    expect(page.html).toContain('href="/api/export?type=timesheets&amp;from=2031-03-03&amp;to=2031-03-09&amp;by=day"')
    const week = await pages.owner.get(`/timesheets?week=2031-03-05&by=week&technician=${pages.techId}`)
    expect(week.html).toContain('Week of March 3, 2031')
    expect(week.html).toContain('2 visits on 1 day')
    const none = await pages.owner.get('/timesheets?week=2031-02-26')
    expect(none.html).toContain('Nobody clocked in on a visit this week.')
    const csv = await pages.owner.get('/api/export?type=timesheets&from=2031-03-03&to=2031-03-09&by=day')
    expect(csv.html).toContain('Tom Tech,2031-03-03,2031-03-03,1,2,')
  })
})

describe.skipIf(!browserAvailable)("the owner's Timesheets in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, { now: () => NOW }, { technician: 'added' })
    await tomsMonday(pages)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('fits the phone and passes axe, and Show switches to weeks', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, pages.app, '/timesheets')
      await page.getByLabel('By').selectOption('week')
      await page.getByRole('button', { name: 'Show' }).click()
      await page.waitForURL(/by=week/)
      expect(await page.textContent('body')).toContain('Week of March 3, 2031')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
