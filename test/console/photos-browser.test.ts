import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { JPEG, PNG } from '../helpers/files.js'
import { techFixture, type TechFixture } from '../helpers/technician-fixture.js'
import { behaviourEngine } from '../helpers/databases.js'

describe.skipIf(!browserAvailable)('a technician adds photos at the door, in Chromium at 390 px', () => {
  let fx: TechFixture
  let browser: Browser
  const photosOf = async (ticketId: string) => (await fx.app.query({ type: 'documents', ticket_id: ticketId })).body.data.items

  beforeAll(async () => {
    fx = await techFixture(behaviourEngine)
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await fx?.app.close()
  })

  it('with JavaScript: a photo from a close-out step goes in the background, tried again after a dropped connection, while the step stays open', async () => {
    const tab = await phoneTab(browser, fx.app, { userId: fx.techId })
    try {
      const page = await openOnPhone(tab, fx.app, `/tickets/${fx.tickets.now}/closeout`)
      const step = page.url()
      expect(step).toMatch(/\/closeout\/work$/)
      // The first send finds no connection; the second gets through.
      let dropped = 0
      await page.route('**/photos', (route) => (dropped++ === 0 ? route.abort('internetdisconnected') : route.continue()))
      await page.locator('form[data-photo] input[type=file]').setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: JPEG })
      await page.getByRole('button', { name: 'Add photo' }).click()
      await expect.poll(() => page.getByRole('status').last().textContent(), { timeout: 20_000 }).toBe('Photo added.')
      expect(dropped).toBe(2)
      expect(page.url()).toBe(step)
      await expect.poll(async () => (await photosOf(fx.tickets.now)).length).toBe(1)
      // A second photo from the same form is a new one, not a repeat of the first.
      await page.locator('form[data-photo] input[type=file]').setInputFiles({ name: 'before.png', mimeType: 'image/png', buffer: PNG })
      await page.getByRole('button', { name: 'Add photo' }).click()
      await expect.poll(async () => (await photosOf(fx.tickets.now)).map((d: any) => d.name).sort()).toEqual(['after', 'before'])
      await expectFitsPhone(page, 'close-out step after two photos')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 120_000)

  it('without JavaScript: the photo form posts on its own and comes back to the ticket page, which shows the photo', async () => {
    const tab = await phoneTab(browser, fx.app, { userId: fx.techId, javaScript: false })
    try {
      const page = await openOnPhone(tab, fx.app, `/tickets/${fx.tickets.later}`)
      await page.locator('form[data-photo] input[type=file]').setInputFiles({ name: 'gate.png', mimeType: 'image/png', buffer: PNG })
      await page.getByRole('button', { name: 'Add photo' }).click()
      await page.waitForURL(/photo=added/)
      expect(await page.getByText('Photo added.').count()).toBe(1)
      const [photo] = await photosOf(fx.tickets.later)
      expect(photo.name).toBe('gate')
      expect(await page.locator(`img[src="/documents/${photo.id}/file?inline=1"]`).count()).toBe(1)
      await expectFitsPhone(page, 'ticket page with a photo')
    } finally {
      await tab.close()
    }
  }, 120_000)
})
