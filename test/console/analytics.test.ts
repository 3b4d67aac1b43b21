import { brotliCompressSync } from 'node:zlib'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addUser } from '../helpers/session-browser.js'
import { engines } from '../helpers/databases.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { FORMULA_SERVICE, numbersFixture, type NumbersFixture } from './analytics-fixture.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

/** The figures of analytics_summary as {metric: [this period, compared period]}. */
function figures(
  items: Array<{ metric: string; this_period: number | null; compare_period: number | null }>,
): Record<string, [number | null, number | null]> {
  return Object.fromEntries(items.map((f) => [f.metric, [f.this_period, f.compare_period]]))
}

/** Rows of a sales report as [name, visits, sales, compared visits, compared sales]. */
function sales(items: Array<Record<string, any>>, name: string): Array<[string, number, number, number, number]> {
  return items.map((r) => [r[name], r.visits, r.sales_cents, r.compare_visits, r.compare_sales_cents])
}

/** The CSV behind a link on the page, as records by header. */
async function csvAt(owner: PageClient, page: string, label: string): Promise<Array<Record<string, string>>> {
  const href = new RegExp(`<a href="([^"]+)" download>${label}</a>`).exec(page)?.[1]
  expect(href, `a CSV link "${label}"`).toBeDefined()
  const res = await owner.get(href!.replace(/&amp;/g, '&'))
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
  return parse(res.html, { columns: true })
}

describe.each(engines)("the owner's numbers (%s)", (engine) => {
  let f: NumbersFixture
  let owner: PageClient
  let tech: PageClient

  beforeAll(async () => {
    f = await numbersFixture(engine)
    await addUser(f.app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    owner = await pageClient(f.app, 'owner@sparkle.test')
    tech = await pageClient(f.app, 'tom@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })

  const read = async (params: Record<string, string | number>) => {
    const r = await f.app.query(params)
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    return r.body.data.items as Array<Record<string, any>>
  }

  it('counts the month against the same month last year: completed visits in Chicago days, invoices and payments that stand', async () => {
    const items = await read({ type: 'analytics_summary', month: '2026-11' })
    expect(items[0]).toMatchObject({ from: '2026-11-01', to: '2026-11-30', compare_from: '2025-11-01', compare_to: '2025-11-30' })
    expect(figures(items as any)).toEqual({
      // Nov 3, Nov 10 and Nov 30 at 23:30 local; not the one still scheduled, nor Oct 31 at 23:30 local (Nov 1 in UTC).
      sales_cents: [31000, 26000],
      // Issued in the month, not draft, void or archived.
      invoiced_cents: [29000, 14000],
      // Received in the month (one at 23:30 local on the 30th), not on the void or archived invoice.
      paid_cents: [22000, 14000],
      visits: [3, 2],
      customers: [2, 2],
      // Bob's first visit ever; last year both Ann's and Cy's.
      new_customers: [1, 2],
      average_per_visit_cents: [10333, 13000],
      average_per_customer_cents: [15500, 13000],
    })
  })

  it('counts month to date against the same days last year, and the current month when none is named', async () => {
    const toDate = await read({ type: 'analytics_summary', through_day: 22 })
    expect(toDate[0]).toMatchObject({ from: '2026-11-01', to: '2026-11-22', compare_from: '2025-11-01', compare_to: '2025-11-22' })
    const got = figures(toDate as any)
    expect([got.sales_cents, got.paid_cents, got.visits, got.new_customers]).toEqual([
      [28000, 26000],
      [17000, 14000],
      [2, 2],
      [1, 2],
    ])
    const empty = figures((await read({ type: 'analytics_summary', month: '2024-02', through_day: 30 })) as any)
    expect(empty.visits).toEqual([0, 0])
    expect(empty.average_per_visit_cents).toEqual([null, null])
  })

  it('splits sales by service and by town or postal code, largest first, with the other business left out', async () => {
    expect(sales(await read({ type: 'analytics_by_service', month: '2026-11' }), 'service')).toEqual([
      ['Window cleaning', 2, 27000, 2, 24000],
      [PAYLOAD, 2, 4000, 0, 0],
      [FORMULA_SERVICE, 0, 0, 1, 2000],
    ])
    expect(sales(await read({ type: 'analytics_by_place', month: '2026-11' }), 'place')).toEqual([
      ['Huntsville, AL', 2, 19000, 1, 14000],
      [`${PAYLOAD}, AL`, 1, 12000, 0, 0],
      ['Madison, AL', 0, 0, 1, 12000],
    ])
    expect(sales(await read({ type: 'analytics_by_place', month: '2026-11', group_by: 'postal_code' }), 'place')).toEqual([
      ['35801', 2, 19000, 1, 14000],
      ['35802', 1, 12000, 0, 0],
      ['35758', 0, 0, 1, 12000],
    ])
    const againstOctober = await read({ type: 'analytics_by_place', month: '2026-11', compare: 'previous_month' })
    expect(againstOctober.find((r) => r.place === 'Madison, AL')).toMatchObject({
      compare_visits: 1,
      compare_sales_cents: 99900,
      compare_from: '2026-10-01',
    })
  })

  it("pages a long report with its cursor, and reads one service by id but never another business's", async () => {
    const first = await f.app.query({ type: 'analytics_by_service', month: '2026-11', limit: 2 })
    expect(first.body.data.items.map((r: any) => r.service)).toEqual(['Window cleaning', PAYLOAD])
    const rest = await f.app.query({ type: 'analytics_by_service', month: '2026-11', limit: 2, cursor: first.body.data.next_cursor })
    expect(rest.body.data.items.map((r: any) => r.service)).toEqual([FORMULA_SERVICE])
    expect(rest.body.data.next_cursor).toBeNull()
    const one = await f.app.query({ type: 'analytics_by_service', month: '2026-11', id: f.services.windows })
    expect(one.body.data).toMatchObject({ service: 'Window cleaning', sales_cents: 27000 })
    const foreign = await f.app.query({ type: 'analytics_by_service', month: '2026-11', id: f.otherService })
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'NOT_FOUND'])
  })

  it('refuses a malformed month, naming the field and what it takes', async () => {
    const r = await f.app.query({ type: 'analytics_summary', month: '2026-13' })
    expect(r.status).toBe(400)
    expect(r.body.error.details.issues).toEqual([{ field: 'month', message: 'must be a month as YYYY-MM, e.g. 2026-11' }])
  })

  it('shows the owner every table with a chart and a CSV link; the CSVs hold the same numbers', async () => {
    const page = await owner.get('/analytics?month=2026-11')
    expect(page.status).toBe(200)
    expect(page.html).toContain('$310.00')
    expect(page.html).toContain('$260.00')
    expect(page.html.match(/<svg class="chart"/g)).toHaveLength(4)
    // One round trip on a weak connection: the page as the server sends it compressed.
    expect(brotliCompressSync(page.html).length).toBeLessThan(14 * 1024)
    expect(page.html).toContain('<h2 id="to-date">Month to date</h2>')
    const month = await csvAt(owner, page.html, 'Download the month&#39;s figures \\(CSV\\)')
    expect(month.find((r) => r.metric === 'paid_cents')).toMatchObject({ this_period: '22000', compare_period: '14000' })
    const toDate = await csvAt(owner, page.html, 'Download the month-to-date figures \\(CSV\\)')
    expect(toDate.find((r) => r.metric === 'sales_cents')).toMatchObject({ this_period: '28000', to: '2026-11-22' })
    const byService = await csvAt(owner, page.html, 'Download sales by service \\(CSV\\)')
    expect(byService.map((r) => [r.service, r.sales_cents, r.compare_sales_cents])).toEqual([
      ['Window cleaning', '27000', '24000'],
      [PAYLOAD, '4000', '0'],
      [`'${FORMULA_SERVICE}`, '0', '2000'],
    ])
    const byTown = await csvAt(owner, page.html, 'Download sales by town \\(CSV\\)')
    expect(byTown.map((r) => [r.place, r.visits])).toEqual([
      ['Huntsville, AL', '2'],
      [`${PAYLOAD}, AL`, '1'],
      ['Madison, AL', '0'],
    ])
  })

  it("a past month has no month-to-date table; the period picker's choices come back selected", async () => {
    const page = await owner.get('/analytics?month=2025-11&compare=previous_month&group_by=postal_code')
    expect(page.status).toBe(200)
    expect(page.html).not.toContain('Month to date')
    expect(page.html).toContain('value="2025-11"')
    expect(page.html).toContain('<option value="previous_month" selected>')
    expect(page.html).toContain('<option value="postal_code" selected>')
    expect(page.html).toContain('<h2 id="places">By postal code</h2>')
    expect(page.html).toContain('Oct 2025')
  })

  it('answers a bad choice on the page with a 400 that says what was expected', async () => {
    const page = await owner.get('/analytics?month=last+week')
    expect(page.status).toBe(400)
    expect(page.html).toContain('role="alert"')
    expect(page.html).toMatch(/month.*YYYY-MM/)
    expect(page.html).toContain('value="last week"')
  })

  it('escapes service and town names in tables and charts, and whatever the address carries', async () => {
    const page = await owner.get('/analytics?month=2026-11')
    expectEscaped(page, 'the numbers page')
    const chart = page.html.slice(page.html.indexOf('<svg class="chart" viewBox="0 0 360', page.html.indexOf('id="services"')))
    expect(chart).toContain('<text x="0" y="')
    expect(chart.slice(0, chart.indexOf('</svg>'))).toContain('&lt;script&gt;alert(document)&lt;/script&gt;')
    for (const field of ['month', 'compare', 'group_by']) {
      expectEscaped(
        await owner.get(`/analytics?month=2026-11&${field}=${encodeURIComponent(PAYLOAD)}`),
        `${field} in the address`,
        field === 'month',
      )
    }
  })

  it('refuses a technician (page and data) and sends a signed-out visitor to sign in', async () => {
    const page = await tech.get('/analytics')
    expect(page.status).toBe(403)
    expect(page.html).not.toContain('Window cleaning')
    for (const type of ['analytics_summary', 'analytics_by_service', 'analytics_by_place']) {
      const r = await tech.get(`/api/data?type=${type}`)
      expect([type, r.status]).toEqual([type, 403])
    }
    const visitor = await fetch(`${f.app.url}/analytics`, { redirect: 'manual' })
    expect(visitor.status).toBe(303)
    expect(visitor.headers.get('location')).toBe('/')
  })
})
