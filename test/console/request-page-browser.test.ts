import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { JPEG } from '../helpers/files.js'

describe.skipIf(!browserAvailable)('a customer asks for work on the request page, in Chromium at 390 px', () => {
  let app: TestApp
  let browser: Browser
  let clock = new Date('2026-11-24T15:00:00Z')
  const later = () => {
    clock = new Date(clock.getTime() + 3_600_000)
  }
  const leadNamed = async (name: string) =>
    ((await app.query({ type: 'leads', q: name })).body.data.items as any[]).find((l) => l.name === name)

  beforeAll(async () => {
    app = await startTestApp('pglite', { now: () => clock })
    await app.ownerAction('settings', 'update', { request_slug: 'sparkle' })
    await app.action('service', 'create', { name: 'Window cleaning', pricing: 'flexible', bookable: true })
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  for (const javaScript of [false, true]) {
    it(`${javaScript ? 'with' : 'without'} JavaScript: fills in the form, with a photo, and lands on the thank-you page`, async () => {
      later()
      const tab = await phoneTab(browser, app, { javaScript })
      try {
        const page = await openOnPhone(tab, app, '/r/sparkle')
        const name = javaScript ? 'Script Person' : 'Plain Person'
        await page.getByLabel('Your name').fill(name)
        await page.getByLabel('Phone').fill('(256) 555-0123')
        await page.getByLabel('Address of the work').fill('5 Birch Ln, Madison, AL 35758')
        await page.getByLabel('Window cleaning').check()
        await page.getByLabel('Preferred days and times').fill('Friday afternoon')
        await page.getByLabel('A photo (optional)').setInputFiles({ name: 'house.jpg', mimeType: 'image/jpeg', buffer: JPEG })
        // A person takes longer than the form's few seconds to fill it in.
        clock = new Date(clock.getTime() + 20_000)
        await page.getByRole('button', { name: 'Send request' }).click()
        await page.getByText('Thank you: we have your request.').waitFor()
        await expectFitsPhone(page, 'thank-you page')
        const lead = await leadNamed(name)
        expect(lead.service_interest).toBe('Window cleaning')
        const [request] = (await app.query({ type: 'lead_requests', lead_id: lead.id })).body.data.items
        expect(request).toMatchObject({ preferred_times: 'Friday afternoon', photo: { content_type: 'image/jpeg' } })
        expect(tab.problems).toEqual([])
      } finally {
        await tab.close()
      }
    }, 120_000)
  }

  it("the owner's form pasted on the business's own site posts across sites, comes back to be checked, and is sent", async () => {
    later()
    const owner = await phoneTab(browser, app)
    let site: Server | undefined
    try {
      const settings = await openOnPhone(owner, app, '/settings/request-page')
      const snippet = (await settings.locator('#snippet').textContent()) ?? ''
      expect(snippet).toContain(`action="${app.url}/r/sparkle"`)
      // The business's own site: another origin serving the pasted HTML.
      site = await new Promise<Server>((resolve) => {
        const s = createServer((_req, res) => {
          res.setHeader('content-type', 'text/html; charset=utf-8')
          res.end(`<!doctype html><html lang="en"><title>Our site</title><body>${snippet}</body></html>`)
        }).listen(0, 'localhost', () => resolve(s))
      })
      const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } })
      const page = await visitor.newPage()
      await page.goto(`http://localhost:${(site.address() as AddressInfo).port}/`)
      await page.getByLabel('Your name').fill('Site Visitor')
      await page.getByLabel('Email').fill('visitor@example.com')
      await page.getByLabel('Address of the work').fill('9 Cedar Ct')
      await page.getByLabel('What do you need?').fill('Gutters, front and back')
      await page.getByRole('button', { name: 'Send request' }).click()
      await page.getByText('Check your request and press Send request.').waitFor()
      expect(page.url()).toBe(`${app.url}/r/sparkle`)
      expect(await page.getByLabel('Your name').inputValue()).toBe('Site Visitor')
      expect(await leadNamed('Site Visitor')).toBeUndefined()
      clock = new Date(clock.getTime() + 20_000)
      await page.getByRole('button', { name: 'Send request' }).click()
      await page.getByText('Thank you: we have your request.').waitFor()
      expect((await leadNamed('Site Visitor')).service_interest).toBe('Gutters, front and back')
      await visitor.close()
    } finally {
      await owner.close()
      site?.closeAllConnections()
      await new Promise((r) => (site ? site.close(r) : r(null)))
    }
  }, 120_000)
})
