import { randomBytes } from 'node:crypto'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { quickbooksClientFromEnv } from '../../core/domains/quickbooks/client/quickbooks.js'
import { withTenant } from '../../core/db/tenant.js'
import { createSecretBox } from '../../core/kernel/secret-box.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { startFakeQuickBooks, type FakeQuickBooks } from '../helpers/fake-quickbooks.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

// A long, unbroken error of QuickBooks' own, as it writes some: the pages must still fit the phone.
const LONG_ERROR = `Invalid Reference Id: Item assigned to this line is not valid: ItemRef=SalesItemLineDetail.ItemRef.value.${'x'.repeat(80)}`

describe.skipIf(!browserAvailable)('the QuickBooks pages in Chromium at 390 px', () => {
  let app: TestApp
  let fake: FakeQuickBooks
  let browser: Browser
  let customerId: string
  let invoiceId: string
  const asBusiness = (sql: string, params: unknown[] = []) =>
    withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) => tx.query(sql, params))

  beforeAll(async () => {
    fake = await startFakeQuickBooks()
    app = await startTestApp(behaviourEngine, {
      integrations: { quickbooks: quickbooksClientFromEnv(fake.env) },
      secrets: createSecretBox(randomBytes(32)),
    })
    customerId = (await app.action('contact', 'create', { display_name: 'Dana Duplicate' })).body.data.id
    invoiceId = (
      await app.action('invoice', 'create', { contact_id: customerId, line_items: [{ description: 'Gutters', unit_price_cents: 5000 }] })
    ).body.data.id
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await fake?.close()
  })

  it('the settings page before any connect, and with a company whose records failed, fits the phone and passes axe', async () => {
    const tab = await phoneTab(browser, app)
    try {
      await openOnPhone(tab, app, '/settings/quickbooks')
      await asBusiness(
        `insert into quickbooks_connections (tenant_id, realm_id, company_name, access_token, refresh_token, last_sync_error)
         values ($1, $2, 'Sparkle Windows LLC', 'v1.a', 'v1.b', $3)`,
        [app.tenant.tenant_id, fake.realmId, LONG_ERROR],
      )
      await asBusiness(
        `insert into quickbooks_records (tenant_id, kind, record_id, realm_id, state, error)
         values ($1, 'customer', $2, $3, 'failed', $4), ($1, 'invoice', $5, $3, 'failed', $4)`,
        [app.tenant.tenant_id, customerId, fake.realmId, LONG_ERROR, invoiceId],
      )
      for (const path of ['/settings/quickbooks', '/', `/customers/${customerId}`, `/invoices/${invoiceId}`]) {
        await openOnPhone(tab, app, path)
      }
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)

  it('Retry works without JavaScript, from the invoice page back to it', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      await tab.page.goto(`${app.url}/invoices/${invoiceId}`)
      await tab.page.getByRole('button', { name: 'Retry invoice' }).click()
      await tab.page.waitForURL(`${app.url}/invoices/${invoiceId}`)
      expect(await tab.page.textContent('body')).toContain('QuickBooks: pending, sent at the next sync.')
    } finally {
      await tab.close()
    }
  }, 60_000)
})
