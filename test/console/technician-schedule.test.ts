import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createSession } from '../../core/auth/sessions.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

describe.each(engines)('technician schedule by date, week and month, and the calendar link (%s)', (engine) => {
  let f: TechFixture
  let tom: PageClient
  let owner: PageClient
  beforeAll(async () => {
    f = await techFixture(engine)
    tom = await pageClient(f.app, 'tom@sparkle.test')
    owner = await pageClient(f.app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })
  const num = (id: string) => f.ticketNumbers[id]

  it('?date= opens any day with links to the day before and after; only today has the one-tap action', async () => {
    const r = await tom.get('/today?date=2026-11-07')
    expect(r.status).toBe(200)
    expect(r.html).toContain('<h1>Sat 2026-11-07</h1>')
    expect(r.html).toContain(`#${num(f.tickets.future)} Jane Smith`)
    expect(r.html).not.toContain(`#${num(f.tickets.now)} `)
    expect(r.html).not.toContain('class="card now"')
    expect(r.html).toContain('href="/today?date=2026-11-06"')
    expect(r.html).toContain('href="/today?date=2026-11-08"')
    expect(r.html).toContain('href="/today?view=week&amp;date=2026-11-07"')
    const empty = await tom.get('/today?date=2026-11-08')
    expect(empty.html).toContain('No tickets on this day.')
    // Across a month's end.
    expect((await tom.get('/today?date=2026-11-30')).html).toContain('href="/today?date=2026-12-01"')
    const today = await tom.get('/today?date=2026-11-05')
    expect(today.html).toContain('Today, Thu 2026-11-05')
    expect(today.html).toContain('class="card now"')
  })

  it('a bad date or view is a clear 400 page, never a 500', async () => {
    for (const [query, words] of [
      ['date=2026-02-30', 'date: expected a real date'],
      ['date=tomorrow', 'date: expected a real date'],
      ['date=20261105', 'date: expected a real date'],
      ['view=year', 'view: expected day, week or month'],
      ['date=2026-11-05&date=2026-11-06', 'date:'],
    ]) {
      const r = await tom.get(`/today?${query}`)
      expect(r.status, query).toBe(400)
      expect(r.html, query).toContain('<!doctype html>')
      expect(r.html, query).toContain(words)
    }
  })

  it('the week view shows Monday to Sunday around the date, with the weeks before and after', async () => {
    const r = await tom.get('/today?view=week')
    expect(r.html).toContain('Week of Mon 2026-11-02')
    expect(r.html).toContain('Sat 2026-11-07')
    expect(r.html).toContain(`#${num(f.tickets.future)} Jane Smith`)
    expect(r.html).toContain('href="/today?view=week&amp;date=2026-10-26"')
    expect(r.html).toContain('href="/today?view=week&amp;date=2026-11-09"')
    const next = await tom.get('/today?view=week&date=2026-11-12')
    expect(next.html).toContain('Week of Mon 2026-11-09')
    expect(next.html).not.toContain(`#${num(f.tickets.future)} `)
    expect(next.html).toContain('href="/today?date=2026-11-15"')
  })

  it('the month view is a grid of days, each linking to its day with its count of tickets', async () => {
    const r = await tom.get('/today?view=month&date=2026-11-20')
    expect(r.status).toBe(200)
    expect(r.html).toContain('<h1>November 2026</h1>')
    expect(r.html).toContain('aria-label="5, Thu 2026-11-05: 2 tickets"')
    expect(r.html).toContain('aria-label="7, Sat 2026-11-07: 1 ticket"')
    expect(r.html).toContain('aria-label="6, Fri 2026-11-06: nothing booked"')
    expect(r.html).toContain('href="/today?date=2026-11-30"')
    expect(r.html).not.toContain('href="/today?date=2026-12-01"')
    expect(r.html).toContain('href="/today?view=month&amp;date=2026-10-01"')
    expect(r.html).toContain('href="/today?view=month&amp;date=2026-12-01"')
    expect(r.html).toContain('3 tickets this month')
    // November 2026 starts on a Sunday: six rows of seven days.
    const grid = r.html.slice(r.html.indexOf('<table class="month">'), r.html.indexOf('</table>'))
    expect(grid.match(/<tr>/g)).toHaveLength(7)
    expect(grid.match(/<td/g)).toHaveLength(42)
    const all = await owner.get('/today?view=month')
    expect(all.html).toContain('aria-label="5, Thu 2026-11-05: 3 tickets"')
    expect(gzipSync((await tom.get('/today?view=month')).html).length).toBeLessThanOrEqual(14 * 1024)
  })

  it('a cancelled ticket is not counted in the month', async () => {
    const extra = await f.book('2026-11-20T10:00', [f.techId])
    const before = (await tom.get('/today?view=month')).html
    expect(before).toContain('aria-label="20, Fri 2026-11-20: 1 ticket"')
    const r = await f.app.action('ticket', 'cancel', { ticket_id: extra.id, reason: 'Rain' }, { reasoning: 'Customer called' })
    expect(r.status).toBe(200)
    expect((await tom.get('/today?view=month')).html).toContain('aria-label="20, Fri 2026-11-20: nothing booked"')
  })

  it('from Today a technician makes their calendar link, sees it once, subscribes, and revokes it', async () => {
    expect((await tom.get('/today')).html).toContain('href="/calendar"')
    const page = await tom.get('/calendar')
    expect(page.status).toBe(200)
    expect(page.html).toContain('No calendar link yet.')
    expect(page.html).not.toContain('Business calendar')
    const made = await tom.submit(page.html, '/calendar')
    expect(made.status).toBe(200)
    expect(made.headers.get('cache-control')).toBe('no-store')
    const webcal = made.html.match(/href="(webcal:\/\/[^"]+\.ics)"/)?.[1]
    expect(webcal).toBeTruthy()
    const https = made.html.match(/value="(http:\/\/[^"]+\.ics)"/)?.[1]
    expect(https).toBe(webcal!.replace('webcal://', 'http://'))
    const feed = await fetch(https!)
    expect(feed.status).toBe(200)
    const text = await feed.text()
    expect(text).toContain(`UID:${f.tickets.now}@`)
    expect(text).not.toContain(`UID:${f.tickets.olgas}@`)
    const listed = await tom.get('/calendar')
    expect(listed.html).not.toContain(https!.split('/calendar/')[1])
    const revokeAction = listed.html.match(/action="(\/calendar\/[0-9a-f-]{36}\/revoke)"/)?.[1]
    expect(revokeAction).toBeTruthy()
    const revoked = await tom.submit(listed.html, revokeAction!)
    expect(revoked.status).toBe(303)
    expect(revoked.location).toBe('/calendar')
    expect((await fetch(https!)).status).toBe(404)
    expect((await tom.get('/calendar')).html).toContain('No calendar link yet.')
  })

  it("an owner makes the business calendar link there; a technician cannot revoke another's link", async () => {
    const page = await owner.get('/calendar')
    expect(page.html).toContain('Business calendar')
    const made = await owner.post('/calendar', [...hiddenOf(page.html), ['for', 'business']])
    const https = made.html.match(/value="(http:\/\/[^"]+\.ics)"/)?.[1]
    const text = await (await fetch(https!)).text()
    expect(text).toContain(`UID:${f.tickets.olgas}@`)
    const ownerList = await owner.get('/calendar')
    const feedId = ownerList.html.match(/action="\/calendar\/([0-9a-f-]{36})\/revoke"/)?.[1]
    const tomPage = await tom.get('/calendar')
    const refused = await tom.post(`/calendar/${feedId}/revoke`, hiddenOf(tomPage.html))
    expect(refused.status).toBe(403)
    expect((await fetch(https!)).status).toBe(200)
    expect((await tom.post('/calendar/not-an-id/revoke', hiddenOf(tomPage.html))).status).toBe(404)
  })
})

/** The CSRF and one-time hidden fields of the first POST form on a page (the owner's search box is a GET form). */
function hiddenOf(html: string): Array<[string, string]> {
  const start = html.indexOf('<form method="post"')
  const form = html.slice(start, html.indexOf('</form>', start))
  return [...form.matchAll(/<input type="hidden" name="(_csrf|_once)" value="([^"]*)">/g)].map((m) => [m[1], m[2]])
}

describe.skipIf(!browserAvailable)('technician month and day pages in Chromium at 390 px, without JavaScript', () => {
  let f: TechFixture
  let browser: Browser
  let cookie: string
  beforeAll(async () => {
    f = await techFixture(behaviourEngine)
    cookie = await createSession(f.app.t.db, f.app.tenant.tenant_id, f.techId)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await f?.app.close()
  })

  it('the month fits the screen, and tapping a day then "next" walks the days', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })
    await context.addCookies([{ name: 'crm_session', value: cookie, url: f.app.url }])
    const page = await context.newPage()
    await page.goto(`${f.app.url}/today?view=month&date=2026-11-01`)
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
    await page.click('a[aria-label="7, Sat 2026-11-07: 1 ticket"]')
    expect(page.url()).toBe(`${f.app.url}/today?date=2026-11-07`)
    expect(await page.textContent('h1')).toBe('Sat 2026-11-07')
    await page.click('a[href="/today?date=2026-11-08"]')
    expect(await page.textContent('h1')).toBe('Sun 2026-11-08')
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
    await context.close()
  })
})
