import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { PAYLOAD, SCRIPT } from '../helpers/hostile-markup.js'
import { expectAccessible, expectFitsPhone, openOnPhone, phoneTab, type PhoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

/** A busy two-core machine runs axe and Chromium slowly: a limit against hanging, not a speed check. */
const SLOW = 240_000

describe.skipIf(!browserAvailable)('the settings, templates, team and token pages on a phone in Chromium', () => {
  let app: TestApp
  let browser: Browser
  let tab: PhoneTab
  let checker: PhoneTab

  /**
   * Checks the page at a phone's width with axe in a tab with JavaScript (axe runs as a script: in a tab without it the
   * check never returns), then opens it in the tab without JavaScript where the test does the page's job.
   */
  async function openChecked(path: string) {
    await openOnPhone(checker, app, path)
    const answer = await tab.page.goto(app.url + path)
    expect(answer?.status(), `${path} answered`).toBeLessThan(400)
    await expectFitsPhone(tab.page, path)
    return tab.page
  }

  beforeAll(async () => {
    app = await startTestApp(behaviourEngine)
    browser = await launchBrowser()
    tab = await phoneTab(browser, app, { javaScript: false })
    checker = await phoneTab(browser, app, { javaScript: true })
  })
  afterAll(async () => {
    expect([...(tab?.problems ?? []), ...(checker?.problems ?? [])]).toEqual([])
    await tab?.close()
    await checker?.close()
    await browser?.close()
    await app?.close()
  })

  it(
    "changes the time zone and Monday's hours on the More page, without JavaScript",
    async () => {
      const page = await openChecked('/settings')
      await page.getByRole('link', { name: 'Email templates' }).waitFor()
      await page.getByLabel('Time zone').selectOption('America/New_York')
      await page.getByLabel('Monday').fill('08:00-12:00, 13:00-17:30')
      await page.getByLabel('Saturday').fill('')
      await page.getByRole('button', { name: 'Save settings' }).click()
      await page.getByText('Settings saved.').waitFor()
      await expectFitsPhone(page, 'settings after saving')
      const settings = (await app.query({ type: 'settings' })).body.data.items[0]
      expect(settings.timezone).toBe('America/New_York')
      expect(settings.business_hours.mon).toEqual([
        ['08:00', '12:00'],
        ['13:00', '17:30'],
      ])
      expect(settings.business_hours.sat).toEqual([])
    },
    SLOW,
  )

  it(
    'edits a template, sees the preview change before saving, then saves it',
    async () => {
      const page = await openChecked('/settings/templates')
      await page.getByRole('link', { name: 'Default reminder' }).click()
      await openOnPhone(checker, app, new URL(page.url()).pathname)
      const subject = page.locator('[data-preview-subject]')
      expect(await subject.textContent()).toMatch(/^Reminder: Sparkle Windows is coming on /)
      await page.getByLabel('Subject').fill('Your clean with {{business_name}} at {{appointment_time}}')
      await page.getByRole('button', { name: 'Preview without saving' }).click()
      expect(await subject.textContent()).toBe('Your clean with Sparkle Windows at 9:00 AM')
      await page.getByRole('button', { name: 'Save', exact: true }).click()
      await page.getByText('Template saved.').waitFor()
      const reminder = (await app.query({ type: 'templates', kind: 'reminder' })).body.data.items[0]
      expect(reminder.subject).toBe('Your clean with {{business_name}} at {{appointment_time}}')
      await openChecked('/settings/templates/new?kind=invoice')
    },
    SLOW,
  )

  it(
    'previews a template for a customer whose name is markup, as text',
    async () => {
      await app.action('contact', 'create', { display_name: `Mallory ${PAYLOAD}`, email: 'mallory@example.com' })
      const confirmation = (await app.query({ type: 'templates', kind: 'confirmation' })).body.data.items[0]
      const page = await openChecked(`/settings/templates/${confirmation.id}`)
      await page.getByLabel('Preview for a customer').fill('Mallory')
      await page.getByRole('button', { name: 'Show' }).click()
      await page.getByText('As Mallory').waitFor()
      expect(await page.locator('[data-preview-body]').textContent()).toContain(`Hi Mallory,`)
      expect(await page.locator('.card p.note').first().textContent()).toContain(`As Mallory ${SCRIPT}`)
      expect(await page.locator('main img, main script').count()).toBe(0)
      await expectFitsPhone(page, 'preview for Mallory')
    },
    SLOW,
  )

  it(
    'adds a technician on the team page',
    async () => {
      const page = await openChecked('/team')
      const add = page.locator('form[action="/team"]')
      await add.getByLabel('Name').fill('Rosa Ruiz')
      await add.getByLabel('Email they sign in with').fill('rosa@sparkle.test')
      await add.getByRole('button', { name: 'Add to the team' }).click()
      await page.getByText('Added.').waitFor()
      await expectFitsPhone(page, 'team with Rosa')
      const rosa = (await app.query({ type: 'users', role: 'technician' })).body.data.items
      expect(rosa).toEqual([expect.objectContaining({ name: 'Rosa Ruiz', email: 'rosa@sparkle.test', deactivated_at: null })])
    },
    SLOW,
  )

  it(
    'makes an agent token, uses it against the API, and disconnects it',
    async () => {
      const page = await openChecked('/review/connections')
      await page.getByLabel('What it is for').fill('Phone agent')
      await page.getByRole('button', { name: 'Make a token' }).click()
      await page.getByText('Copy it now').waitFor()
      await expectFitsPhone(page, 'new token')
      // The page that shows a token exists only as the answer to its form: make one in the checking tab too, for axe.
      await checker.page.getByLabel('What it is for').fill('Checked agent')
      await checker.page.getByRole('button', { name: 'Make a token' }).click()
      await checker.page.getByText('Copy it now').waitFor()
      await expectAccessible(checker.page, 'new token')
      const token = await page.locator('textarea[data-secret]').inputValue()
      expect(token).toMatch(/^crm_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/)
      expect((await app.query({ type: 'business' }, token)).status).toBe(200)
      await page.getByRole('link', { name: 'Back to connected apps' }).click()
      await page.locator('.card', { hasText: 'Phone agent' }).getByRole('button', { name: 'Disconnect' }).click()
      await page.getByText('Disconnected: it can no longer act').waitFor()
      expect((await app.query({ type: 'business' }, token)).status).toBe(401)
    },
    SLOW,
  )
})
