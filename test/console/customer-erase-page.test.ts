import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { expectAccessible, expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

/** Tuesday 2026-10-27, 10:15 in Chicago. */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)('the owner\'s "Erase this customer" page (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  const contact = async (name: string) =>
    (await app.action('contact', 'create', { display_name: name, email: `${name.split(' ')[0].toLowerCase()}@erase.test` })).body.data.id
  const nameOf = async (id: string) => (await app.query({ type: 'contacts', id })).body.data.display_name

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('is linked from the customer page, asks for the name typed, and erases only once it matches', async () => {
    const id = await contact('Wanda Wipe')
    expect((await owner.get(`/customers/${id}`)).html).toContain(`href="/customers/${id}/erase"`)
    const page = (await owner.get(`/customers/${id}/erase`)).html
    expect(page).toContain('Type the name to confirm: Wanda Wipe')
    const wrong = await owner.submit(page, `/customers/${id}/erase`, [['name', 'Wanda']])
    expect(wrong.status).toBe(400)
    expect(wrong.html).toContain('Type the customer&#39;s name exactly as shown: Wanda Wipe')
    expect(await nameOf(id)).toBe('Wanda Wipe')
    const done = await owner.submit(page, `/customers/${id}/erase`, [['name', 'wanda wipe']])
    expect(done.status).toBe(200)
    expect(done.html).toContain('personal data was erased')
    expect(await nameOf(id)).toBe('Erased customer')
  })

  it('with a visit still to come, says so and erases only when the owner ticks the box too', async () => {
    const id = await contact('Victor Visit')
    const visit = (
      await app.action('ticket', 'create', {
        contact_id: id,
        scheduled_start: '2026-11-10T15:00:00Z',
        duration_minutes: 60,
        line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
      })
    ).body.data
    const page = (await owner.get(`/customers/${id}/erase`)).html
    const refused = await owner.submit(page, `/customers/${id}/erase`, [['name', 'Victor Visit']])
    expect(refused.status).toBe(409)
    expect(refused.html).toContain(`visit(s) still to come (#${visit.number})`)
    expect(refused.html).toContain('name="confirm"')
    expect(await nameOf(id)).toBe('Victor Visit')
    const done = await owner.submit(refused.html, `/customers/${id}/erase`, [
      ['name', 'Victor Visit'],
      ['confirm', 'on'],
    ])
    expect(done.status).toBe(200)
    expect(await nameOf(id)).toBe('Erased customer')
    expect((await app.query({ type: 'tickets', id: visit.id })).body.data.status).toBe('cancelled')
  })

  it("is the owner's alone: a technician is refused the page and the form", async () => {
    const id = await contact('Tina Kept')
    await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    const tech = await pageClient(app, 'tom@sparkle.test')
    expect((await tech.get(`/customers/${id}/erase`)).status).toBe(403)
    const page = (await owner.get(`/customers/${id}/erase`)).html
    expect((await tech.submit(page, `/customers/${id}/erase`, [['name', 'Tina Kept']])).status).toBe(403)
    expect(await nameOf(id)).toBe('Tina Kept')
  })
})

describe.skipIf(!browserAvailable)('the erase page on a phone, without JavaScript', () => {
  let app: TestApp
  let browser: Browser
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine, { now: () => NOW, integrations: { stripe: null } })
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('fits 390 px and passes axe, through the refusal and the confirmation, and erases', async () => {
    const id = (await app.action('contact', 'create', { display_name: 'Bartholomew Longname-Featherstonehaugh' })).body.data.id
    await app.action('ticket', 'create', {
      contact_id: id,
      scheduled_start: '2026-11-10T15:00:00Z',
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
    })
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, app, `/customers/${id}/erase`)
      await page.getByLabel(/Type the name to confirm/).fill('Bartholomew Longname-Featherstonehaugh')
      await page.getByRole('button', { name: 'Erase this customer' }).click()
      expect(await page.textContent('body')).toContain('Nothing was erased')
      await expectFitsPhone(page, 'the refusal')
      await expectAccessible(page, 'the refusal')
      await page.getByLabel(/Type the name to confirm/).fill('Bartholomew Longname-Featherstonehaugh')
      await page.getByLabel('Erase even with unpaid invoices or visits to come').check()
      await page.getByRole('button', { name: 'Erase this customer' }).click()
      expect(await page.textContent('body')).toContain('personal data was erased')
      await expectFitsPhone(page, 'the erased page')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 120_000)
})
