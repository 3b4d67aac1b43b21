import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { JPEG } from '../helpers/files.js'
import { behaviourEngine } from '../helpers/databases.js'

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
    app = await startTestApp(behaviourEngine, { now: () => clock })
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

  it("the owner's form pasted on the business's own site posts across sites: a whole request is taken at once, one lacking a field says which", async () => {
    later()
    const owner = await phoneTab(browser, app)
    let site: Server | undefined
    try {
      const settings = await openOnPhone(owner, app, '/settings/request-page')
      const snippet = (await settings.locator('#snippet').textContent()) ?? ''
      expect(snippet).toContain(`action="${app.url}/r/sparkle"`)
      expect(snippet).toMatch(/<input type="hidden" name="stamp" value="pasted\.[\w-]{43}">/)
      // The business's own site: another origin serving the pasted HTML.
      site = await new Promise<Server>((resolve) => {
        const s = createServer((req, res) => {
          res.setHeader('content-type', 'text/html; charset=utf-8')
          // /old: a copy pasted before the form carried its stamp.
          const form = req.url === '/old' ? snippet.replace(/\s*<input type="hidden" name="stamp"[^>]*>/, '') : snippet
          res.end(`<!doctype html><html lang="en"><title>Our site</title><body>${form}</body></html>`)
        }).listen(0, 'localhost', () => resolve(s))
      })
      const siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`
      const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } })
      const page = await visitor.newPage()
      await page.goto(siteUrl)
      await page.getByLabel('Your name').fill('Site Visitor')
      await page.getByLabel('Email').fill('visitor@example.com')
      await page.getByLabel('Address of the work').fill('9 Cedar Ct')
      await page.getByLabel('What do you need?').fill('Gutters, front and back')
      await page.getByRole('button', { name: 'Send request' }).click()
      // Received: the first line the customer reads says so.
      await page.getByText('Thank you: we have your request.').waitFor()
      expect(await page.locator('main p').first().textContent()).toBe('Thank you: we have your request.')
      expect(await page.getByRole('alert').count()).toBe(0)
      await expectFitsPhone(page, 'thank-you page after the pasted form')
      expect((await leadNamed('Site Visitor')).service_interest).toBe('Gutters, front and back')

      // No email and no phone: the request page says exactly what to add, next to the field, with the rest kept.
      await page.goto(siteUrl)
      await page.getByLabel('Your name').fill('Second Visitor')
      await page.getByLabel('Address of the work').fill('11 Cedar Ct')
      await page.getByLabel('What do you need?').fill('Windows')
      await page.getByRole('button', { name: 'Send request' }).click()
      await page.getByRole('alert').waitFor()
      expect(page.url()).toBe(`${app.url}/r/sparkle`)
      expect(await page.getByRole('alert').textContent()).toBe(
        'Your request was not sent yet. Please fix: Email or phone (give an email address or a phone number).',
      )
      expect(await page.getByLabel('Your name').inputValue()).toBe('Second Visitor')
      await expectFitsPhone(page, 'the request page saying what is missing')
      expect(await leadNamed('Second Visitor')).toBeUndefined()
      await page.getByLabel('Phone', { exact: true }).fill('(256) 555-0177')
      clock = new Date(clock.getTime() + 20_000)
      await page.getByRole('button', { name: 'Send request' }).click()
      await page.getByText('Thank you: we have your request.').waitFor()
      expect((await leadNamed('Second Visitor')).phone).toBe('(256) 555-0177')

      // An older copy without the stamp: the page says the request is not sent yet and what to press, not in red.
      await page.goto(`${siteUrl}old`)
      await page.getByLabel('Your name').fill('Old Copy Visitor')
      await page.getByLabel('Email').fill('old@example.com')
      await page.getByLabel('Address of the work').fill('13 Cedar Ct')
      await page.getByLabel('What do you need?').fill('Windows')
      await page.getByRole('button', { name: 'Send request' }).click()
      await page.getByRole('status').waitFor()
      expect(await page.getByRole('status').textContent()).toBe(
        'Almost done: your request is not sent yet. Check it below and press Send request.',
      )
      expect(await page.getByRole('alert').count()).toBe(0)
      clock = new Date(clock.getTime() + 20_000)
      await page.getByRole('button', { name: 'Send request' }).click()
      await page.getByText('Thank you: we have your request.').waitFor()
      expect(await leadNamed('Old Copy Visitor')).toBeDefined()
      await visitor.close()
    } finally {
      await owner.close()
      site?.closeAllConnections()
      await new Promise((r) => (site ? site.close(r) : r(null)))
    }
  }, 120_000)
})
