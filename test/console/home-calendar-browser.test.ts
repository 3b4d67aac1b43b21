import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { homeFixture, type HomeFixture } from './home-fixture.js'
import { behaviourEngine } from '../helpers/databases.js'

describe.skipIf(!browserAvailable)("the owner's Home and Calendar in Chromium at 390 px", () => {
  let f: HomeFixture
  let browser: Browser
  beforeAll(async () => {
    f = await homeFixture(behaviourEngine)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await f?.app.close()
  })

  it('Home and each calendar view fit the phone and pass axe', async () => {
    // axe-core runs as a script in the page, so this tab keeps JavaScript on; the pages have none of their own.
    const tab = await phoneTab(browser, f.app)
    try {
      for (const path of ['/', '/schedule', '/schedule?view=week', '/schedule?view=month', `/schedule?view=week&technician=${f.techId}`]) {
        await openOnPhone(tab, f.app, path)
      }
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)

  it('Home shows every part, and its links lead where each thing is handled (no JavaScript)', async () => {
    const tab = await phoneTab(browser, f.app, { javaScript: false })
    const page = tab.page
    page.setDefaultTimeout(15_000)
    try {
      await page.goto(`${f.app.url}/`)
      await expectFitsPhone(page, 'home')
      const headings = await page.locator('h2').allTextContents()
      for (const part of [
        'Today, Thu 2026-11-05: 3 tickets',
        'Tomorrow, Fri 2026-11-06: 1 ticket',
        'Requests waiting for you: 1',
        "Customers' answers",
        'Money owed',
        'Work to close out or bill: 1',
        'Leads to follow up: 1',
      ])
        expect(headings).toContain(part)
      // The decline's link opens its ticket.
      await page.click(`a[href="/tickets/${f.tickets.future}"] >> nth=-1`)
      expect(page.url()).toBe(`${f.app.url}/tickets/${f.tickets.future}`)
      expect(await page.textContent('h1')).toContain(`#${f.ticketNumbers[f.tickets.future]}`)
      await page.goto(`${f.app.url}/`)
      await page.click('a:text("Answer the requests")')
      expect(new URL(page.url()).pathname).toBe('/review')
      expect(await page.content()).toContain('Delete customer Spare Customer')
      await page.goto(`${f.app.url}/`)
      await page.click('a:text("Tomorrow on the calendar")')
      expect(await page.textContent('h1')).toBe('Fri 2026-11-06')
      await page.goto(`${f.app.url}/`)
      expect(await page.locator('a[href="/invoices?status=overdue"]').count()).toBe(1)
      expect(await page.locator(`a[href="/invoices/${f.invoice.id}"]`).count()).toBe(1)
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)

  it('the calendar switches views, picks a date and a technician with its form, and opens a ticket, all without JavaScript', async () => {
    const tab = await phoneTab(browser, f.app, { javaScript: false })
    const page = tab.page
    page.setDefaultTimeout(15_000)
    try {
      await page.goto(`${f.app.url}/schedule`)
      expect(await page.textContent('h1')).toBe('Today, Thu 2026-11-05')
      await page.click('nav[aria-label="Views"] >> a:text("Week")')
      expect(await page.textContent('h1')).toBe('Week of Mon 2026-11-02')
      await expectFitsPhone(page, 'week')
      await page.click('nav[aria-label="Views"] >> a:text("Month")')
      expect(await page.textContent('h1')).toBe('November 2026')
      await expectFitsPhone(page, 'month')
      // The form: the day view of 2026-11-10, Olga only.
      await page.selectOption('select[name="view"]', 'day')
      await page.fill('input[name="date"]', '2026-11-10')
      await page.selectOption('select[name="technician"]', { label: 'Olga Other' })
      await page.click('button:text("Show")')
      expect(await page.textContent('h1')).toBe('Tue 2026-11-10')
      expect(new URL(page.url()).searchParams.get('technician')).toBe(f.otherTechId)
      await expectFitsPhone(page, 'day')
      await page.click(`a[href="/tickets/${f.extra.unanswered}"]`)
      expect(page.url()).toBe(`${f.app.url}/tickets/${f.extra.unanswered}`)
      // Unassigned on tomorrow's date: only the ticket nobody is on.
      await page.goto(`${f.app.url}/schedule`)
      await page.fill('input[name="date"]', '2026-11-06')
      await page.selectOption('select[name="technician"]', 'unassigned')
      await page.click('button:text("Show")')
      expect(await page.locator('a[href^="/tickets/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
        `/tickets/${f.extra.tomorrow}`,
      ])
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
