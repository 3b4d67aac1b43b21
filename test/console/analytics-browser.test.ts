import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab, PHONE, type PhoneTab } from '../helpers/phone-page.js'
import { numbersFixture, type NumbersFixture } from './analytics-fixture.js'
import { behaviourEngine } from '../helpers/databases.js'

// Each test drives Chromium through several full pages with accessibility checks: generous on a busy machine.
const SLOW = 240_000

/** Pairs of text boxes in the same chart that overlap: labels and numbers must each stand clear. */
async function overlappingLabels(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('svg.chart')].flatMap((svg) => {
    const boxes = [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBoundingClientRect()])
    const out = []
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i], [b, q] = boxes[j]
      if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom) out.push(a + ' / ' + b)
    }
    return out
  })`)
}

describe.skipIf(!browserAvailable)('the numbers page in Chromium on a phone', () => {
  let f: NumbersFixture
  let browser: Browser
  let scripted: PhoneTab
  let plain: PhoneTab
  beforeAll(async () => {
    f = await numbersFixture(behaviourEngine)
    browser = await launchBrowser()
    // axe-core runs as a script in the page, so the accessibility check needs JavaScript; the owner's own steps are taken without it.
    scripted = await phoneTab(browser, f.app, { javaScript: true })
    plain = await phoneTab(browser, f.app, { javaScript: false })
  }, SLOW)
  afterAll(async () => {
    await scripted?.close()
    await plain?.close()
    await browser?.close()
    await f?.app.close()
  })

  it(
    'fits 390 px and passes the accessibility check, with charts that scale and labels that stand clear',
    async () => {
      for (const path of ['/analytics', '/analytics?month=2025-11&compare=previous_month&group_by=postal_code']) {
        const page = await openOnPhone(scripted, f.app, path)
        for (const chart of await page.locator('svg.chart').all()) {
          const box = (await chart.boundingBox())!
          expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width)
          expect(box.width).toBeGreaterThan(300)
        }
        expect(await overlappingLabels(page), path).toEqual([])
      }
      expect(await scripted.page.locator('svg.chart').count()).toBe(3)
      await scripted.page.goto(`${f.app.url}/analytics`)
      expect(await scripted.page.locator('svg.chart').count()).toBe(4)
      expect(await scripted.page.getByRole('img', { name: /^The month: Nov 2026 against Nov 2025/ }).count()).toBe(1)
      expect(scripted.problems).toEqual([])
    },
    SLOW,
  )

  it(
    'the period picker works without JavaScript',
    async () => {
      const page = plain.page
      await page.goto(`${f.app.url}/analytics`)
      await expectFitsPhone(page, '/analytics')
      expect(await page.locator('h1').textContent()).toBe('Numbers')
      await page.getByLabel('Month', { exact: true }).fill('2025-11')
      await page.getByLabel('Compare with').selectOption('previous_month')
      await page.getByLabel('Places by').selectOption('postal_code')
      await page.getByRole('button', { name: 'Show' }).click()
      await page.waitForURL(/month=2025-11/)
      const url = new URL(page.url())
      expect([url.searchParams.get('compare'), url.searchParams.get('group_by')]).toEqual(['previous_month', 'postal_code'])
      await expectFitsPhone(page, url.pathname + url.search)
      const month = page.getByRole('region', { name: 'The month' })
      expect(await month.locator('thead th').allTextContents()).toEqual(['Figure', 'Nov 2025', 'Oct 2025'])
      expect(
        await month
          .getByRole('row', { name: /^Sales \(completed visits\)/ })
          .locator('td')
          .allTextContents(),
      ).toEqual(['$260.00', '$0.00'])
      expect(await page.getByRole('heading', { name: 'Month to date' }).count()).toBe(0)
      const places = page.getByRole('region', { name: 'By postal code' })
      expect(await places.locator('tbody th').allTextContents()).toEqual(['35801', '35758'])
      expect(plain.problems).toEqual([])
    },
    SLOW,
  )

  it(
    'downloads each table as CSV with the numbers the data types give',
    async () => {
      const page = plain.page
      await page.goto(`${f.app.url}/analytics?month=2026-11`)
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download sales by service (CSV)' }).click(),
      ])
      const rows = parse(await readFile((await download.path())!, 'utf8'), { columns: true }) as Array<Record<string, string>>
      const api = (await f.app.query({ type: 'analytics_by_service', month: '2026-11' })).body.data.items as Array<Record<string, unknown>>
      expect(rows.map((r) => [r.service_id, Number(r.visits), Number(r.sales_cents), Number(r.compare_sales_cents)])).toEqual(
        api.map((r) => [r.service_id, r.visits, r.sales_cents, r.compare_sales_cents]),
      )
      expect(rows).toHaveLength(3)
      const [summary] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: "Download the month's figures (CSV)" }).click(),
      ])
      const figures = parse(await readFile((await summary.path())!, 'utf8'), { columns: true }) as Array<Record<string, string>>
      expect(figures.find((r) => r.metric === 'invoiced_cents')).toMatchObject({ this_period: '29000', compare_period: '14000' })
    },
    SLOW,
  )
})
