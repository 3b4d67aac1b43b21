import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

describe.skipIf(!browserAvailable)('relationships and referrals in Chromium at 390 px', () => {
  let app: TestApp
  let browser: Browser
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine, { integrations: { stripe: null } })
    const create = async (data: Record<string, unknown>) => (await app.action('contact', 'create', data)).body.data.id as string
    ids.org = await create({
      kind: 'organization',
      display_name: 'Northwestern Regional Property Management Associates',
      legal_name: 'Northwestern Regional Property Management Associates Incorporated',
      industry: 'residential and commercial property management',
      website: 'https://northwestern-regional-property-management-associates.example/contact-us/offices',
      tax_id: '12-3456789',
      billing_address: {
        line1: '4000 Commerce Boulevard Northwest',
        line2: 'Accounts Payable Department, Suite 1200',
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
      },
    })
    ids.jane = await create({ display_name: 'Jane Miller' })
    ids.max = await create({ display_name: 'Max Stone' })
    await app.action('contact', 'link', { contact_id: ids.jane, to_contact_id: ids.org, link_type: 'works_at', strength: 'strong' })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('without JavaScript: adds a referral from the customer page and reads the referrals page; each page fits and passes axe', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    const checker = await phoneTab(browser, app, { javaScript: true })
    try {
      await openOnPhone(checker, app, `/customers/${ids.org}`)
      await openOnPhone(checker, app, `/customers/${ids.jane}`)
      const page = tab.page
      await page.goto(`${app.url}/customers/${ids.jane}`)
      await expectFitsPhone(page, 'the customer page')
      await page.getByText('Add a relationship').click()
      await page.getByLabel('Relationship').selectOption('referred')
      await page.getByLabel('Other customer (name, email or phone)').fill('Max Stone')
      await page.getByLabel('Strength').selectOption('strong')
      await page.getByRole('button', { name: 'Add relationship' }).click()
      await page.waitForURL(/done=linked/)
      expect(await page.textContent('body')).toContain('Referred Max Stone (strong)')
      await page.getByRole('link', { name: 'Referrals: who they brought, who brought them' }).click()
      await page.waitForURL(/\/referrals$/)
      await expectFitsPhone(page, 'the referrals page')
      expect(await page.textContent('body')).toContain('1 directly, 1 in all')
      await openOnPhone(checker, app, `/customers/${ids.jane}/referrals`)
    } finally {
      await tab.close()
      await checker.close()
    }
  }, 120_000)
})
