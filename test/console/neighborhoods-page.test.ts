import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { insertService, insertTicket, made } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

const NOW = new Date('2026-11-27T15:00:00Z')

/** Two customers downtown (one cell), one not on the map; visits this year and last. */
async function aTown(pages: PageApp): Promise<void> {
  const { app } = pages
  const service = await insertService(app, 'Window cleaning')
  for (const [name, zip, point] of [
    ['Ann', '35801', [34.7279, -86.5929]],
    ['Bob', '35801', [34.7284, -86.5917]],
    ['Di', '35806', null],
  ] as const) {
    const contact = await made(app, 'contact', 'create', { display_name: `${name} Customer` })
    const address = await made(app, 'address', 'add', {
      contact_id: contact.id,
      line1: `1 ${name} St`,
      city: 'Huntsville',
      state: 'AL',
      postal_code: zip,
    })
    if (point) await app.ownerAction('address', 'pin', { address_id: address.id, latitude: point[0], longitude: point[1] })
    await insertTicket(app, contact.id, { start: '2026-03-02T15:00:00Z', completed: true, serviceId: service, addressId: address.id })
    if (name === 'Ann')
      await insertTicket(app, contact.id, { start: '2025-03-02T15:00:00Z', completed: true, serviceId: service, addressId: address.id })
  }
}

describe.each(engines)("the owner's Neighborhoods page (%s)", (engine) => {
  let pages: PageApp
  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => NOW })
    await aTown(pages)
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it('lists each neighborhood with its year against the last, and is reached from Numbers', async () => {
    expect((await pages.owner.get('/analytics')).html).toContain('href="/neighborhoods"')
    const r = await pages.owner.get('/neighborhoods')
    expect(r.status).toBe(200)
    expect(r.html).toContain('2026-01-01 to 2026-11-27, against the same days of 2025')
    expect(r.html).toContain('<b>35801 Huntsville</b><div class="muted">2 customers · 2 addresses')
    expect(r.html).toContain('Sales $300.00 (+100% on last year) · 2 visits (1 last year) · average ticket $150.00')
    expect(r.html).toContain('<b>35806 Huntsville (not on the map)</b>')
    const last = await pages.owner.get('/neighborhoods?year=2025')
    expect(last.html).toContain('2025-01-01 to 2025-12-31, against the same days of 2024')
    expect(last.html).toContain('Sales $150.00 · 1 visit (0 last year)')
  })
})

describe.skipIf(!browserAvailable)("the owner's Neighborhoods in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, { now: () => NOW })
    await aTown(pages)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('fits the phone and passes axe', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      await openOnPhone(tab, pages.app, '/neighborhoods')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
