import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

/** Monday, March 3, 2031, 09:00 in Chicago. */
const NOW = new Date('2031-03-03T15:00:00Z')

/** A customer with a visit every two weeks on Wednesdays at 10:00, Tom doing them. */
async function fortnightly(pages: PageApp): Promise<{ contact: string; series: string }> {
  const contact = (await made(pages.app, 'contact', 'create', { display_name: 'Ruth Regular', email: 'ruth@series.test' })).id
  const series = await made(pages.app, 'series', 'create', {
    contact_id: contact,
    rule: 'FREQ=WEEKLY;INTERVAL=2',
    start_date: '2031-03-05',
    start_time: '10:00',
    technician_ids: [pages.techId],
    line_items: [{ description: 'Windows', unit_price_cents: 9_000 }],
  })
  return { contact, series: series.id }
}

describe.each(engines)("the owner's page of recurring visits, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  let ids: { contact: string; series: string }
  const visitsOf = async (series: string) => expectData(await pages.app.query({ type: 'series', id: series })).next_visits
  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => NOW }, { technician: 'added' })
    ids = await fortnightly(pages)
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it("is linked from the customer's page and shows the rule, who does them and the next visits", async () => {
    const customer = await pages.owner.get(`/customers/${ids.contact}`)
    expect(customer.html).toContain(`href="/series/${ids.series}"`)
    const page = await pages.owner.get(`/series/${ids.series}`)
    expect(page.html).toContain('every 2 weeks at 10:00')
    expect(page.html).toContain('Tom Tech · Active')
    expect(page.html).toContain('Move this visit')
    expect((await pages.owner.get('/series/00000000-0000-4000-8000-000000000009')).status).toBe(404)
  })

  it('moves one visit, and skips another, the rest keeping their times', async () => {
    const [first, second] = await visitsOf(ids.series)
    const page = await pages.owner.get(`/series/${ids.series}`)
    const moved = await pages.owner.post(`/series/${ids.series}/move`, [
      ...hidden(page.html),
      ['ticket_id', first.id],
      ['start_date', '2031-03-06'],
      ['start_time', '14:00'],
    ])
    expect(
      moved.location,
      moved.html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 600),
    ).toMatch(/done=moved/)
    expect((await pages.owner.get(moved.location as string)).html).toContain('That visit moved')
    const ticket = expectData(await pages.app.query({ type: 'tickets', id: first.id }))
    expect(ticket.scheduled_start).toBe('2031-03-06T20:00:00.000Z')
    const skipped = await pages.owner.post(`/series/${ids.series}/skip`, [...hidden(page.html), ['ticket_id', second.id]])
    expect((await pages.owner.get(skipped.location as string)).html).toContain('That visit is skipped; the series goes on.')
    expect(expectData(await pages.app.query({ type: 'tickets', id: second.id })).status).toBe('cancelled')
  })

  it('changes every visit, then this visit and the ones after (a new series continues), and a wrong length is refused', async () => {
    const page = await pages.owner.get(`/series/${ids.series}`)
    const bad = await pages.owner.post(`/series/${ids.series}/all`, [...hidden(page.html), ['duration_minutes', 'long']])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Nothing was changed.')
    const all = await pages.owner.post(`/series/${ids.series}/all`, [
      ...hidden(page.html),
      ['start_time', '11:00'],
      ['duration_minutes', '90'],
    ])
    expect((await pages.owner.get(all.location as string)).html).toContain('Every visit still to come follows the change.')
    const [, later] = await visitsOf(ids.series)
    const split = await pages.owner.post(`/series/${ids.series}/changed`, [
      ...hidden(page.html),
      ['ticket_id', later.id],
      ['start_time', '08:00'],
    ])
    const landed = split.location as string
    expect(landed).toMatch(/^\/series\/[0-9a-f-]{36}\?done=changed$/)
    expect(landed).not.toContain(ids.series)
    const next = await pages.owner.get(landed)
    expect(next.html).toContain('at 08:00')
    expect(next.html).toContain(`href="/series/${ids.series}"`)
  })

  it('pauses, resumes and ends, with a reason', async () => {
    const page = await pages.owner.get(`/series/${ids.series}`)
    const paused = await pages.owner.post(`/series/${ids.series}/paused`, hidden(page.html))
    expect((await pages.owner.get(paused.location as string)).html).toContain('Paused')
    const resumed = await pages.owner.post(`/series/${ids.series}/resumed`, hidden(page.html))
    expect((await pages.owner.get(resumed.location as string)).html).toContain('Resumed')
    const ended = await pages.owner.post(`/series/${ids.series}/ended`, [...hidden(page.html), ['reason', 'Moving away']])
    const after = await pages.owner.get(ended.location as string)
    expect(after.html).toContain('Ended: no visit after the last day.')
    expect(after.html).not.toContain('Move this visit')
  })
})

/** The page's CSRF token, as its forms carry it. */
function hidden(page: string): Array<[string, string]> {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
  return [['_csrf', token]]
}

describe.skipIf(!browserAvailable)("the owner's page of recurring visits in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  let ids: { contact: string; series: string }
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, { now: () => NOW }, { technician: 'added' })
    ids = await fortnightly(pages)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('fits the phone and passes axe, and Skip this visit works without JavaScript', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, pages.app, `/series/${ids.series}`)
      await page
        .getByRole('button', { name: /^Skip visit #/ })
        .first()
        .click()
      await page.waitForURL(/done=skipped/)
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
