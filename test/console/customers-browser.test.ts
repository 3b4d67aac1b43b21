import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab, type PhoneTab } from '../helpers/phone-page.js'
import { addUser } from '../helpers/session-browser.js'
import { behaviourEngine } from '../helpers/databases.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.skipIf(!browserAvailable)('the customers pages in Chromium at 390 px', () => {
  let app: TestApp
  let browser: Browser
  let serviceId: string
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine, { now: () => NOW })
    await app.t.admin.query(`update users set name = 'Olivia Owner' where id = $1`, [app.tenant.owner_user_id])
    await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    serviceId = (
      await app.action('service', 'create', {
        name: 'Window cleaning',
        pricing: 'fixed',
        price_cents: 15000,
        default_duration_minutes: 60,
        taxable: true,
      })
    ).body.data.id
    await app.action('contact', 'create', { display_name: 'Zed Other', tags: ['commercial'] })
    browser = await launchBrowser()
  })
  /**
   * Opens the path without JavaScript and checks it fits the phone; the same page is checked for accessibility in a tab
   * with JavaScript, which axe needs to run (the pages have no script of their own, so both tabs see the same page).
   */
  async function open(tab: PhoneTab, checker: PhoneTab, path: string): Promise<Page> {
    await openOnPhone(checker, app, path)
    const answer = await tab.page.goto(app.url + path)
    expect(answer?.status(), path).toBeLessThan(400)
    await expectFitsPhone(tab.page, path)
    return tab.page
  }

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('without JavaScript: adds a customer with an address, edits the phone, books a visit, adds a note, and finds the customer', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    const checker = await phoneTab(browser, app, { javaScript: true })
    try {
      const page = await open(tab, checker, '/customers/new')
      await page.getByLabel('Name', { exact: true }).fill('Carla Client')
      await page.getByLabel('Phone (optional)').fill('(256) 555-0120')
      await page.getByLabel('Tags, separated by commas (optional)').fill('vip')
      await page.getByLabel('Street address').fill('8 Lake Drive')
      await page.getByLabel('Town or city').fill('Madison')
      await page.getByLabel('State').fill('AL')
      await page.getByLabel('Postal code').fill('35758')
      await page.getByLabel('Access notes: gate code, dog, parking (optional)').fill('Gate code 1234')
      await page.getByRole('button', { name: 'Add customer' }).click()
      await page.waitForURL(/\/customers\/[0-9a-f-]{36}\?done=created$/)
      const id = new URL(page.url()).pathname.split('/')[2]
      const created = (await app.query({ type: 'contacts', id, include: 'addresses' })).body.data
      expect(created).toMatchObject({ display_name: 'Carla Client', phone: '(256) 555-0120', tags: ['vip'] })
      expect(created.addresses).toMatchObject([{ line1: '8 Lake Drive', access_notes: 'Gate code 1234' }])

      await open(tab, checker, `/customers/${id}`)
      await page.getByRole('link', { name: 'Edit' }).click()
      await open(tab, checker, `/customers/${id}/edit`)
      await page.getByLabel('Phone (optional)').fill('(256) 555-0199')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await page.waitForURL(/\?done=saved$/)
      expect((await app.query({ type: 'contacts', id })).body.data.phone).toBe('(256) 555-0199')

      await page.getByRole('link', { name: 'Book a visit' }).click()
      await open(tab, checker, `/customers/${id}/book?date=2026-11-06`)
      await page.getByRole('link', { name: '10:00 with Tom Tech' }).click()
      await page.getByLabel('Window cleaning').check()
      await page.getByLabel('Notes for the visit (optional)').fill('Ring twice')
      await page.getByRole('button', { name: 'Book the visit' }).click()
      await page.waitForURL(/\/tickets\/[0-9a-f-]{36}\?done=booked$/)
      const ticketId = new URL(page.url()).pathname.split('/')[2]
      const ticket = (await app.query({ type: 'tickets', id: ticketId, include: 'technicians,line_items,notes' })).body.data
      expect(ticket).toMatchObject({
        contact_id: id,
        address_id: created.addresses[0].id,
        scheduled_start: '2026-11-06T16:00:00.000Z',
        notes: 'Ring twice',
      })
      expect(ticket.technicians.map((t: any) => t.name)).toEqual(['Tom Tech'])
      expect(ticket.line_items.map((l: any) => l.service_id)).toEqual([serviceId])

      await open(tab, checker, `/customers/${id}`)
      await page.getByLabel('New note').fill('Likes the blinds left open')
      await page.getByRole('button', { name: 'Add note' }).click()
      await page.waitForURL(/\?done=note$/)
      const notes = (await app.query({ type: 'notes', contact_id: id })).body.data.items
      expect(notes.map((n: any) => n.content)).toEqual(['Likes the blinds left open'])
      await open(tab, checker, `/customers/${id}?done=note`)
      const history = await page.locator('ul.history').innerText()
      expect(history).toContain('Olivia Owner changed the customer: phone from (256) 555-0120 to (256) 555-0199')
      expect(history).toMatch(/Olivia Owner added ticket #\d+/)
      expect(history).toContain('Olivia Owner added a note')
      expect(await page.getByRole('link', { name: /Fri, Nov 6, 10:00 AM/ }).getAttribute('href')).toBe(`/tickets/${ticketId}`)

      await open(tab, checker, '/customers')
      expect(await page.locator('ul.customers li').count()).toBe(2)
      await page.getByLabel('Name, email, phone or address').fill('Lake Drive')
      await page.getByRole('button', { name: 'Show customers' }).click()
      await page.waitForURL(/q=Lake\+Drive/)
      expect(await page.locator('ul.customers li').allInnerTexts()).toEqual([expect.stringContaining('Carla Client')])
      await open(tab, checker, '/customers?tag=commercial&kind=person')
      expect(await page.locator('ul.customers li').allInnerTexts()).toEqual([expect.stringContaining('Zed Other')])
      expect([...tab.problems, ...checker.problems]).toEqual([])
    } finally {
      await tab.close()
      await checker.close()
    }
  }, 240_000)

  it('shows a refused field next to it, readable at phone size', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      const page = tab.page
      await page.goto(`${app.url}/customers/new`)
      await page.getByLabel('Name', { exact: true }).fill('Wrong Postal')
      await page.getByLabel('Street address').fill('1 Road')
      await page.getByLabel('Town or city').fill('Madison')
      await page.getByLabel('State').fill('AL')
      await page.getByLabel('Postal code').fill('!!')
      await page.getByRole('button', { name: 'Add customer' }).click()
      await expect.poll(() => page.locator('#e_address\\.postal_code').textContent()).toContain('expected a postal code')
      await expectFitsPhone(page, 'the refused form')
      expect((await app.query({ type: 'contacts', q: 'Wrong Postal' })).body.data.items).toEqual([])
    } finally {
      await tab.close()
    }
  })
})
