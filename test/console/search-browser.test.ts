import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../helpers/session-browser.js'
import { made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

describe.skipIf(!browserAvailable)('the search everywhere in Chromium at phone size', () => {
  let app: TestApp
  let browser: Browser
  let margaretId: string
  let techId: string

  beforeAll(async () => {
    app = await startTestApp(behaviourEngine)
    browser = await launchBrowser()
    techId = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Reyes')
    margaretId = (await made(app, 'contact', 'create', { display_name: 'Margaret Oakley', phone: '(256) 555-0199' })).id
    await made(app, 'contact', 'create', {
      display_name: 'Margaret Oakhurst-Wellington of the Long Avenue Residences',
      phone: '(256) 555-0177',
    })
    await made(app, 'lead', 'create', { raw_notes: 'Asked about screens', name: 'Margo Oakes' })
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('without JavaScript: the nav box and Enter list the customer first, one Tab from the box; "void invoice" leads to where it is done', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      // axe-core runs inside the page, so without JavaScript only the fit is checked here; the test below runs axe on the same pages.
      const page = tab.page
      await page.goto(`${app.url}/review`)
      await expectFitsPhone(page, 'an owner page')
      await page.getByRole('searchbox', { name: 'Search everything' }).fill('Margaret Oakley')
      await page.getByRole('searchbox', { name: 'Search everything' }).press('Enter')
      await page.waitForURL(/\/search\?q=Margaret\+Oakley$/)
      await expectFitsPhone(page, 'results for a name')
      const first = page.locator('#hits a').first()
      expect(await first.textContent()).toBe('Margaret Oakley')
      expect(await first.getAttribute('href')).toBe(`/customers/${margaretId}`)
      await page.locator('#q').focus()
      await page.keyboard.press('Tab')
      expect(await page.evaluate('document.activeElement.getAttribute("href")')).toBe(`/customers/${margaretId}`)

      const box = page.locator('#q')
      await box.fill('void invoice')
      await box.press('Enter')
      await page.waitForURL(/q=void\+invoice$/)
      await expectFitsPhone(page, 'results for void invoice')
      const action = page.locator('#hits li').first()
      expect(await action.locator('a').textContent()).toBe('Void an invoice')
      expect(await action.locator('a').getAttribute('href')).toBe('/invoices?status=open')
      expect(await action.locator('small').textContent()).toBe('Action · pick the invoice, then Void')
      await action.locator('a').click()
      await page.waitForURL(/\/invoices\?status=open$/)
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  })

  it('with JavaScript: "/" focuses the nav box, Enter searches, "/" and ArrowDown + Enter open the first result', async () => {
    const tab = await phoneTab(browser, app, { javaScript: true })
    try {
      const page = await openOnPhone(tab, app, '/review')
      await page.keyboard.press('/')
      expect(await page.evaluate('document.activeElement.name')).toBe('q')
      await page.keyboard.type('Margaret Oakley')
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/search\?q=Margaret\+Oakley$/)
      await expectFitsPhone(page, 'results with JavaScript')
      await page.keyboard.press('/')
      expect(await page.evaluate('document.activeElement.id')).toBe('q')
      await page.keyboard.press('ArrowDown')
      expect(await page.evaluate('document.activeElement.getAttribute("href")')).toBe(`/customers/${margaretId}`)
      await page.keyboard.press('Enter')
      await page.waitForURL(new RegExp(`/customers/${margaretId}$`))
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  })

  it('with JavaScript: results come as you type, and Esc clears the box', async () => {
    const tab = await phoneTab(browser, app, { javaScript: true })
    try {
      const page = await openOnPhone(tab, app, '/search?q=Margaret')
      await page.locator('#q').fill('')
      await page.locator('#q').pressSequentially('void invoice')
      await page.locator('#hits a', { hasText: 'Void an invoice' }).waitFor()
      expect(page.url()).toMatch(/q=Margaret$/)
      await page.keyboard.press('ArrowDown')
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Void an invoice')
      await page.keyboard.press('/')
      await page.keyboard.press('Escape')
      expect(await page.locator('#q').inputValue()).toBe('')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  })

  it("the empty box, results, no result and a technician's search fit the phone and pass axe; a technician sees no owner-only action", async () => {
    const tab = await phoneTab(browser, app)
    try {
      const start = await openOnPhone(tab, app, '/search')
      expect(await start.locator('#hits a').allTextContents()).toContain('Margaret Oakley')
      for (const q of ['Margaret', 'void invoice', '5550']) await openOnPhone(tab, app, `/search?q=${encodeURIComponent(q)}`)
      const none = await openOnPhone(tab, app, '/search?q=xqzvw')
      expect(await none.locator('#hits').textContent()).toContain('Nothing matches')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
    const techTab = await phoneTab(browser, app, { userId: techId })
    try {
      const page = await openOnPhone(techTab, app, '/search?q=void%20invoice')
      for (const href of await page.locator('#hits a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
        expect(href).toMatch(/^\/(today|calendar)\b/)
      }
      const close = await openOnPhone(techTab, app, '/search?q=close%20out')
      expect(await close.locator('#hits a').first().getAttribute('href')).toBe('/today')
      await openOnPhone(techTab, app, '/search')
    } finally {
      await techTab.close()
    }
  })
})
