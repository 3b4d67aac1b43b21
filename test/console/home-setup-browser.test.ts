import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

describe.skipIf(!browserAvailable)("the owner's Home of a business without services or a way to pay, in Chromium at 390 px", () => {
  let app: TestApp
  let browser: Browser
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine, { integrations: { stripe: null } })
    expectData(await app.action('contact', 'create', { display_name: 'Jane Imported', email: 'jane.imported@example.com' }))
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('says what is missing, fits the phone, passes axe, and its links lead to the price list and the settings', async () => {
    const tab = await phoneTab(browser, app)
    try {
      await openOnPhone(tab, app, '/')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
    const bare = await phoneTab(browser, app, { javaScript: false })
    const page = bare.page
    page.setDefaultTimeout(15_000)
    try {
      await page.goto(`${app.url}/`)
      await expectFitsPhone(page, 'home')
      const headings = await page.locator('h2').allTextContents()
      expect(headings).toContain('Your price list has no services')
      expect(headings).toContain('Your invoices carry no way to pay')
      await page.getByRole('link', { name: 'Add the services you offer' }).click()
      await page.waitForURL(`${app.url}/services`)
      expect(await page.locator('h1').textContent()).toContain('Services')
      await page.goto(`${app.url}/`)
      await page.getByRole('link', { name: 'Set payment instructions' }).click()
      await page.waitForURL(`${app.url}/settings`)
      expect(await page.locator('textarea[name="payment_instructions"]').count()).toBe(1)
    } finally {
      await bare.close()
    }
  }, 180_000)
})
