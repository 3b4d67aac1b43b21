import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { addUser } from '../helpers/session-browser.js'
import { behaviourEngine } from '../helpers/databases.js'

/** Thursday 2026-11-05, 09:30 in Chicago (UTC-6). */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.skipIf(!browserAvailable)('the owner changes a visit and writes to a customer, in Chromium at 390 px', () => {
  let app: TestApp
  let browser: Browser
  let contactId: string
  let ticketId: string
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine, { now: () => NOW })
    await app.t.admin.query(`update users set name = 'Olivia Owner' where id = $1`, [app.tenant.owner_user_id])
    const techId = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    contactId = (await app.action('contact', 'create', { display_name: 'Vera Visit', email: 'vera@example.com' })).body.data.id
    ticketId = (
      await app.action('ticket', 'create', {
        contact_id: contactId,
        scheduled_start: '2026-11-06T09:00',
        duration_minutes: 60,
        technician_ids: [techId],
      })
    ).body.data.id
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('without JavaScript: moves a visit, then sends the customer an email for later', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, app, `/tickets/${ticketId}`)
      await page.getByLabel('Date').fill('2026-11-09')
      await page.getByLabel('Time').fill('10:30')
      await page.getByLabel('Length in minutes').fill('90')
      await page.getByRole('button', { name: 'Move the visit' }).click()
      await page.waitForURL(/\?done=moved$/)
      expect(await page.getByText('Visit moved.').count()).toBe(1)
      expect((await app.query({ type: 'tickets', id: ticketId })).body.data).toMatchObject({
        scheduled_start: '2026-11-09T16:30:00.000Z',
        scheduled_end: '2026-11-09T18:00:00.000Z',
      })
      await openOnPhone(tab, app, `/tickets/${ticketId}?done=moved`)

      await openOnPhone(tab, app, `/customers/${contactId}`)
      await page.getByLabel('Subject').fill('Your visit moved to Monday')
      await page.getByLabel('Message').fill('See you Monday at 10:30.')
      await page.getByLabel('Send later, at').check()
      await page.getByLabel('Date').fill('2026-11-06')
      await page.getByLabel('Time').fill('08:00')
      await page.getByRole('button', { name: 'Send the email' }).click()
      await page.waitForURL(/\?done=email#email$/)
      expect(await page.getByText('Your visit moved to Monday').count()).toBeGreaterThan(0)
      const queued = (await app.query({ type: 'scheduled_messages', contact_id: contactId, kind: 'custom' })).body.data.items
      expect(queued).toMatchObject([
        { subject: 'Your visit moved to Monday', body: 'See you Monday at 10:30.', send_at: '2026-11-06T14:00:00.000Z', status: 'pending' },
      ])
      await openOnPhone(tab, app, `/customers/${contactId}?done=email`)
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  })
})
