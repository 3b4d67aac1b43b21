import { existsSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import { createApp } from '../../api/app.js'
import { createSession } from '../../core/auth/sessions.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Services } from '../../core/kernel/context.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { performAction } from '../../core/kernel/operations.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { createServices } from '../../api/product.js'
import { createTenant } from '../../core/kernel/tenants.js'
import type { BenchRow, Scenario } from '../scenario.js'

/** One bar of LTE, as the DevTools protocol emulates it: 400 ms latency, 100 kbit/s down, 50 kbit/s up. */
export const THROTTLED = { offline: false, latency: 400, downloadThroughput: (100 * 1024) / 8, uploadThroughput: (50 * 1024) / 8 }

/** The close-out's pages, in order. */
export const CLOSEOUT_STEPS = ['work', 'notes', 'next', 'confirm', 'complete', 'payment'] as const

const SIZE_TARGET = 14 * 1024
const FLOW_TARGET_MS = 10_000
/** Timed close-outs, each of its own ticket in a new browser context; the median is the figure. */
const FLOW_RUNS = 5

/** Notes as a technician writes them at the door. */
export const FLOW_NOTES = 'Elderly woman, very nice. 20+ screens. Dog named Biscuit, keep gate closed.'

/** What to do around the final tap; `tap` presses "Complete ticket". */
export type CompleteTap = (tap: () => Promise<void>) => Promise<void>

/**
 * Closes out one ticket in a browser the way a technician does, from the ticket page to Today: adds 20 screens, writes
 * notes, chooses to reach out in 6 months, keeps every fact read, adds a gate code, completes and skips payment
 * (paid already). Works with JavaScript on or off.
 */
export async function closeOutInBrowser(
  page: Page,
  baseUrl: string,
  ticketId: string,
  opts: { aroundComplete?: CompleteTap } = {},
): Promise<void> {
  await page.goto(`${baseUrl}/tickets/${ticketId}`)
  await page.click(`a.btn[href^="/tickets/${ticketId}/closeout"]`)
  await page.waitForSelector('input[name=duration_minutes]')
  const screens = await page.locator('select[name=add_service] option', { hasText: 'Screen cleaning' }).getAttribute('value')
  await page.selectOption('select[name=add_service]', screens!)
  await page.fill('input[name=add_quantity]', '20')
  await page.click('button[value=update]')
  await page.waitForSelector('input[name=quantity_1]')
  await page.click('button[value=confirm]')
  await page.waitForSelector('textarea[name=notes]')
  await page.fill('textarea[name=notes]', FLOW_NOTES)
  await page.getByRole('button', { name: 'Save and continue' }).click()
  await page.waitForSelector('input[name=kind][value=reach_out]')
  await page.check('input[name=kind][value=reach_out]')
  await page.fill('input[name=months]', '6')
  await page.getByRole('button', { name: 'Save and continue' }).click()
  await page.waitForSelector('#extraction')
  for (const keep of await page.locator('input[type=radio][value=keep]').all()) await keep.check()
  await page.fill('input[name=man_key_0]', 'Gate code')
  await page.fill('input[name=man_value_0]', '4821')
  await page.getByRole('button', { name: 'Confirm', exact: true }).click()
  const complete = page.getByRole('button', { name: 'Complete ticket' })
  await complete.waitFor()
  if (opts.aroundComplete) await opts.aroundComplete(() => complete.click())
  else await complete.click()
  await page.waitForSelector('button[value=send_invoice]', { timeout: 60_000 })
  await page.selectOption('select[name=skip_reason]', 'paid_already')
  await page.click('button[value=skip]')
  await page.getByText('is closed out.').waitFor()
}

/** Headless Chromium (CHROMIUM_PATH, else Debian's /usr/bin/chromium), without background traffic. */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`)
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

/** Compressed size of each close-out page (loaded whole), and the whole close-out in Chromium on one bar of LTE (JavaScript on). */
export const closeoutPages: Scenario = {
  name: 'close-out pages',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    // One log line per page request would bury the table.
    setLogLevel('silent')
    const db = await openPglite(undefined)
    let server: Server | undefined
    let browser: Browser | undefined
    try {
      await migrate(db)
      const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), logLevel: 'silent' as const }
      // No model: extraction says it is off, so the figure is the pages' own time, not a model's.
      const services = createServices(config, db, { llm: null, integrations: { stripe: null } })
      const business = await seed(services)
      server = await new Promise<Server>((resolve) => {
        const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
      })
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      services.config.publicBaseUrl = url
      browser = await launchChromium()
      // Sizes: every step loaded as a whole page, as a phone without JavaScript gets it.
      const plain = await browser.newContext({ javaScriptEnabled: false })
      await plain.addCookies([{ name: 'crm_session', value: business.cookie, url }])
      const sizes = new Map<string, number>()
      const sizePage = await plain.newPage()
      sizePage.on('response', (res) => {
        const step = new URL(res.url()).pathname.match(/\/closeout\/(\w+)$/)?.[1]
        if (step && res.request().method() === 'GET' && res.status() === 200) {
          sizes.set(step, Math.max(sizes.get(step) ?? 0, Number(res.headers()['content-length'] ?? 0)))
        }
      })
      await closeOutInBrowser(sizePage, url, business.ticketIds[0])
      // Time: the whole close-out with JavaScript on one bar of LTE, FLOW_RUNS times, each with an empty cache.
      const times: number[] = []
      for (const ticketId of business.ticketIds.slice(1)) {
        const context = await browser.newContext()
        await context.addCookies([{ name: 'crm_session', value: business.cookie, url }])
        const page = await context.newPage()
        const cdp = await context.newCDPSession(page)
        await cdp.send('Network.enable')
        await cdp.send('Network.emulateNetworkConditions', THROTTLED)
        const started = performance.now()
        await closeOutInBrowser(page, url, ticketId)
        times.push(performance.now() - started)
        await context.close()
      }
      times.sort((a, b) => a - b)
      const ms = times[Math.floor(times.length / 2)]
      const rows: BenchRow[] = CLOSEOUT_STEPS.map((step) => {
        const bytes = sizes.get(step)
        return {
          measure: `${step} page, gzip bytes`,
          value: bytes ? String(bytes) : 'not seen',
          target: `<= ${SIZE_TARGET}`,
          met: bytes !== undefined && bytes <= SIZE_TARGET,
        }
      })
      rows.push({
        measure: `whole close-out, Chromium, 400 ms / 100 kbit/s down / 50 kbit/s up, s (median of ${times.length})`,
        value: (ms / 1000).toFixed(1),
        target: `<= ${FLOW_TARGET_MS / 1000}`,
        met: ms <= FLOW_TARGET_MS,
        note: `min ${(times[0] / 1000).toFixed(1)}, max ${(times[times.length - 1] / 1000).toFixed(1)}; ticket page to Today, JavaScript on, 8 submits; extraction off`,
      })
      return rows
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

/** A business with a technician signed in, a small catalog and tickets of the last hours assigned to the technician: one for the sizes, FLOW_RUNS timed. */
async function seed(services: Services): Promise<{ cookie: string; ticketIds: string[] }> {
  const tenant = await createTenant(services.db, { name: 'Bench Windows', owner_email: 'owner@bench.example' })
  const agent = { tenantId: tenant.tenant_id, actor: { type: 'agent' as const, id: tenant.tenant_id } }
  const act = async (domain: string, action: string, data: unknown) =>
    (await performAction(services, agent, { domain, action, data }, { requestId: 'bench-seed' })).result as Record<string, any>
  const tech = await services.db.query<{ id: string }>(
    `insert into users (tenant_id, email, name, role) values ($1, 'tech@bench.example', 'Tess', 'technician') returning id`,
    [tenant.tenant_id],
  )
  const window = await act('service', 'create', {
    name: 'Window cleaning',
    pricing: 'fixed',
    price_cents: 15000,
    default_duration_minutes: 60,
    taxable: true,
  })
  await act('service', 'create', { name: 'Screen cleaning', pricing: 'per_unit', price_cents: 500, unit_name: 'screen', taxable: true })
  const contact = await act('contact', 'create', { display_name: 'Jane Smith', phone: '(256) 555-0142', email: 'jane@example.com' })
  const ticketIds: string[] = []
  // Half an hour apart, so that no two overlap for the one technician.
  for (let n = 1 + FLOW_RUNS; n >= 1; n--) {
    const ticket = await act('ticket', 'create', {
      contact_id: contact.id,
      scheduled_start: new Date(services.now().getTime() - n * 30 * 60_000).toISOString(),
      duration_minutes: 20,
      technician_ids: [tech.rows[0].id],
      line_items: [{ service_id: window.id }],
    })
    ticketIds.push(ticket.id)
  }
  return { cookie: await createSession(services.db, tenant.tenant_id, tech.rows[0].id), ticketIds }
}
