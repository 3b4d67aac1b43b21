import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { performAction } from '../../core/kernel/operations.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { pageReader } from '../page-fetch.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { launchChromium, THROTTLED } from './closeout-pages.js'

/** One round trip's worth: a page within the first 14 KB a server may send before it hears back. */
const SIZE_TARGET = 14 * 1024
const SUBMIT_TARGET_MS = 5_000

/** The public request page: its brotli size, and its submit in Chromium on the close-out's one bar of LTE, JavaScript off. */
export const requestPage: Scenario = {
  name: 'request page',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    setLogLevel('silent')
    const db = await openPglite(undefined)
    let server: Server | undefined
    let browser: Browser | undefined
    try {
      await migrate(db)
      const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), logLevel: 'silent' as const }
      const services = createServices(config, db, { llm: null, integrations: { stripe: null } })
      const tenant = await createTenant(services.db, { name: 'Bench Windows', owner_email: 'owner@bench.example' })
      const owner = { tenantId: tenant.tenant_id, actor: { type: 'user' as const, id: tenant.owner_user_id, role: 'owner' as const } }
      const act = (domain: string, action: string, data: unknown) =>
        performAction(services, owner, { domain, action, data }, { requestId: 'bench-seed' })
      await act('settings', 'update', { request_slug: 'bench-windows' })
      for (const name of ['Window cleaning', 'Screen cleaning', 'Gutter cleaning', 'Pressure washing'])
        await act('service', 'create', { name, pricing: 'flexible', bookable: true })
      server = await new Promise<Server>((resolve) => {
        const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
      })
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const form = await pageReader(url).get('/r/bench-windows')
      browser = await launchChromium()
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })
      const page = await context.newPage()
      const cdp = await context.newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', THROTTLED)
      const opened = performance.now()
      await page.goto(`${url}/r/bench-windows`)
      const openMs = performance.now() - opened
      await page.getByLabel('Your name').fill('Jane Roe')
      await page.getByLabel('Phone').fill('(256) 555-0142')
      await page.getByLabel('Address of the work').fill('12 Oak St, Huntsville, AL 35801')
      await page.getByLabel('Window cleaning').check()
      await page.getByLabel('Preferred days and times').fill('weekday mornings')
      // The form takes no submission sooner than a person could fill it in.
      await new Promise((r) => setTimeout(r, Math.max(0, opened + 3_500 - performance.now())))
      const sent = performance.now()
      await page.getByRole('button', { name: 'Send request' }).click()
      await page.getByText('Thank you: we have your request.').waitFor({ timeout: 60_000 })
      const submitMs = performance.now() - sent
      return [
        {
          measure: 'request form page, brotli bytes',
          value: form.encoding === 'br' ? String(form.wireBytes) : `not brotli (${form.encoding})`,
          target: `<= ${SIZE_TARGET}`,
          met: form.encoding === 'br' && form.wireBytes <= SIZE_TARGET,
          note: 'four bookable services',
        },
        {
          measure: 'request form, open on 400 ms / 100 kbit/s down / 50 kbit/s up, s',
          value: (openMs / 1000).toFixed(1),
          note: 'Chromium at 390 px, JavaScript off',
        },
        {
          measure: 'request form, send to thank-you page on the same, s',
          value: (submitMs / 1000).toFixed(1),
          target: `<= ${SUBMIT_TARGET_MS / 1000}`,
          met: submitMs <= SUBMIT_TARGET_MS,
          note: 'one POST, a 303 and the thank-you page',
        },
      ]
    } finally {
      await browser?.close()
      if (server) {
        server.closeAllConnections()
        await new Promise((r) => server!.close(r))
      }
      await db.close()
    }
  },
}
