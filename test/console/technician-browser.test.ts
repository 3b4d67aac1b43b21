import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { FLOW_NOTES, THROTTLED, closeOutInBrowser } from '../../bench/scenarios/closeout-pages.js'
import { createSession } from '../../core/auth/sessions.js'
import { createLlmClient } from '../../core/clients/llm.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm.js'
import { techFixture, type TechFixture } from '../helpers/technician-fixture.js'
import { behaviourEngine } from '../helpers/databases.js'

const FACTS = JSON.stringify({
  attributes: [
    { key: 'customer_demographic', value: 'elderly', confidence: 0.9 },
    { key: 'pet_name', value: 'Biscuit', confidence: 0.95 },
  ],
})

describe.skipIf(!browserAvailable)('technician close-out in Chromium', () => {
  let f: TechFixture
  let llm: FakeLlm
  let browser: Browser
  let cookie: string
  const contexts: BrowserContext[] = []
  let slot = 0
  const rows = async (sql: string, args: unknown[] = []) => (await f.app.t.admin.query<any>(sql, args)).rows

  beforeAll(async () => {
    llm = await startFakeLlm()
    f = await techFixture(behaviourEngine, {
      llm: createLlmClient({ baseUrl: llm.baseUrl, apiKey: 'test', model: 'test-model', timeoutMs: 5000 }),
    })
    cookie = await createSession(f.app.t.db, f.app.tenant.tenant_id, f.techId)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
    await f?.app.close()
    await llm?.close()
  })

  /** A signed-in tab for the technician; the page's own JavaScript on or off. */
  const tab = async (javaScriptEnabled = true): Promise<Page> => {
    const context = await browser.newContext({ javaScriptEnabled })
    contexts.push(context)
    await context.addCookies([{ name: 'crm_session', value: cookie, url: f.app.url }])
    return context.newPage()
  }
  /** Another of Tom's tickets today, each at its own time. */
  const ticket = async () => (await f.book(`2026-11-05T${String(14 + slot++).padStart(2, '0')}:00`, [f.techId])).id
  /** Loads of whole close-out pages (not fetches) while the flow runs. */
  const documentLoads = (page: Page) => {
    const loads: string[] = []
    page.on('request', (r) => {
      if (r.resourceType() === 'document' && /\/closeout\//.test(r.url())) loads.push(r.url())
    })
    return loads
  }
  /** Exactly one close, one reach-out queued for the customer, the facts kept and the payment decided. */
  const closedOnce = async (id: string) => {
    expect((await rows('select status from tickets where id = $1', [id]))[0].status).toBe('completed')
    expect(await rows(`select 1 from audit_log where entity_id = $1 and action = 'close'`, [id])).toHaveLength(1)
    // One reach-out per customer: the first close of this customer's visits queued it, later closes find it queued.
    expect(
      await rows(
        `select 1 from scheduled_messages where kind = 'reach_out' and status = 'pending'
      and contact_id = (select contact_id from tickets where id = $1)`,
        [id],
      ),
    ).toHaveLength(1)
    expect((await rows('select skip_reason from closeouts where ticket_id = $1', [id]))[0].skip_reason).toBe('paid_already')
    expect((await rows(`select key from attributes where source_ticket_id = $1 order by key`, [id])).map((r: any) => r.key)).toContain(
      'gate_code',
    )
  }

  it('with JavaScript: from Today, clock in, then every step switches without a page load', async () => {
    const page = await tab()
    await page.goto(`${f.app.url}/today`)
    await page.locator('.card.now').getByRole('button', { name: 'Clock in' }).click()
    await page.getByRole('button', { name: 'Clock out' }).waitFor()
    llm.answer({ content: FACTS })
    const loads = documentLoads(page)
    await closeOutInBrowser(page, f.app.url, f.tickets.now)
    expect(loads).toEqual([`${f.app.url}/tickets/${f.tickets.now}/closeout/work`])
    expect(page.url()).toBe(`${f.app.url}/today?closed=${f.ticketNumbers[f.tickets.now]}`)
    await closedOnce(f.tickets.now)
    const facts = await rows(`select key, value from attributes where source_ticket_id = $1 order by key`, [f.tickets.now])
    expect(facts.map((a: any) => [a.key, a.value])).toEqual([
      ['customer_demographic', 'elderly'],
      ['gate_code', '4821'],
      ['pet_name', 'Biscuit'],
    ])
  })

  it('without JavaScript: the same flow with plain form posts', async () => {
    const id = await ticket()
    const page = await tab(false)
    llm.answer({ content: FACTS })
    const loads = documentLoads(page)
    await closeOutInBrowser(page, f.app.url, id)
    expect(loads.length).toBeGreaterThan(6)
    await closedOnce(id)
  })

  it('on one bar of LTE, with the connection cut as Complete is tapped and then restored: one close', async () => {
    const id = await ticket()
    const page = await tab()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', THROTTLED)
    llm.answer({ content: FACTS })
    await closeOutInBrowser(page, f.app.url, id, {
      aroundComplete: async (tap) => {
        await cdp.send('Network.emulateNetworkConditions', { ...THROTTLED, offline: true })
        await tap()
        await page.locator('#offline').waitFor({ state: 'visible' })
        expect(await rows('select 1 from tickets where id = $1 and closed_at is not null', [id])).toHaveLength(0)
        expect(await page.evaluate(() => JSON.parse((globalThis as any).localStorage.getItem('closeout-queue') ?? '[]').length)).toBe(1)
        await cdp.send('Network.emulateNetworkConditions', THROTTLED)
      },
    })
    await closedOnce(id)
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('closeout-queue'))).toBeNull()
  })

  it('when the server completed but the answer was lost, the retry with the same token replays: one close', async () => {
    const id = await ticket()
    const page = await tab()
    llm.answer({ content: FACTS })
    const completes: string[] = []
    await closeOutInBrowser(page, f.app.url, id, {
      aroundComplete: async (tap) => {
        let first = true
        await page.route('**/closeout/complete', async (route) => {
          completes.push(route.request().postData() ?? '')
          if (!first) return route.continue()
          first = false
          await route.fetch()
          await route.abort('connectionreset')
        })
        await tap()
      },
    })
    expect(completes.length).toBeGreaterThanOrEqual(2)
    expect(new Set(completes).size).toBe(1)
    await closedOnce(id)
  })

  it('a card number typed into the notes is flagged on blur, and a half-filled form survives a reload', async () => {
    const id = await ticket()
    const page = await tab()
    await page.goto(`${f.app.url}/tickets/${id}/closeout`)
    await page.click('button[value=confirm]')
    await page.waitForSelector('textarea[name=notes]')
    await page.fill('textarea[name=notes]', `${FLOW_NOTES} Paid with 4111-1111-1111-1111 exp 12/27, SSN 123-45-6789. Call 256-555-0142.`)
    await page.locator('textarea[name=notes]').blur()
    const value = await page.inputValue('textarea[name=notes]')
    expect(value).toBe(`${FLOW_NOTES} Paid with [REDACTED] exp 12/27, SSN [REDACTED]. Call 256-555-0142.`)
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('was removed and replaced by [REDACTED]')
    expect(await page.inputValue('input[name=page_redactions_card]')).toBe('1')
    expect(await page.inputValue('input[name=page_redactions_ssn]')).toBe('1')
    await page.reload()
    expect(await page.inputValue('textarea[name=notes]')).toBe(value)
    llm.answer({ content: FACTS })
    await page.getByRole('button', { name: 'Save and continue' }).click()
    await page.waitForSelector('input[name=kind]')
    const events = await rows(`select kind, layer, detail from security_events where entity_id = $1 order by kind`, [id])
    expect(events.map((e: any) => [e.kind, e.layer, e.detail.count])).toEqual([
      ['card', 'page', 1],
      ['ssn', 'page', 1],
    ])
  })
})
