import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../core/vocabulary/time.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { okOf } from '../helpers/page-app.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { expectAccessible, expectFitsPhone, openOnPhone, phoneTab, type PhoneTab } from '../helpers/phone-page.js'
import { addUser } from '../helpers/session-browser.js'
import { SLOW_MS } from '../../console/technician/offline/service-worker.js'
import { behaviourEngine } from '../helpers/databases.js'

// The phone and the server share the machine's real clock here: copies end with their day, and a press's time is checked against now.
const TZ = 'America/Chicago'

describe.skipIf(!browserAvailable)('technician pages without signal, in Chromium at phone size', () => {
  let server: TestApp
  let proxy: TcpProxy
  // The phone reaches the app through a relay the test can cut: Chromium's offline switch alone lets some posts of a
  // page under a service worker through.
  let app: TestApp
  let browser: Browser
  let techId: string
  let otherTechId: string
  const tickets = { today: '', tomorrow: '', later: '' }
  let book: (start: string, techs: string[]) => Promise<string>
  const today = localDate(new Date(), TZ)
  const tomorrow = addDays(today, 1)

  const ok = okOf(() => app)
  /** The paths the phone keeps copies of now. */
  const savedPaths = async (page: Page): Promise<string[]> =>
    (
      (await page.evaluate(`(async () => {
    const out = []
    for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname + new URL(req.url).search)
    return out
  })()`)) as string[]
    ).sort()
  /** Opens Today online with the service worker in charge, and waits until the phone has saved the two days and their tickets. */
  const saveForOffline = async (tab: PhoneTab, expected: string[]) => {
    await openOnPhone(tab, app, '/today')
    await tab.page.evaluate('navigator.serviceWorker.ready.then(() => true)')
    // The first load registered the worker; from this load on it sees the pages and keeps them.
    await tab.page.reload()
    await expect.poll(() => savedPaths(tab.page), { timeout: 20_000 }).toEqual(expect.arrayContaining(expected))
  }
  /** No signal: the phone says it is offline and nothing reaches the server. */
  let cut = false
  const signal = async (tab: PhoneTab, on: boolean) => {
    if (on && cut) await proxy.accept()
    if (!on && !cut) await proxy.refuse()
    cut = !on
    await tab.context.setOffline(!on)
  }
  const ticket = async (id: string) => (await app.query({ type: 'tickets', id, include: 'technicians,audit_trail' })).body.data

  beforeAll(async () => {
    server = await startTestApp(behaviourEngine)
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) })
    app = { ...server, url: `http://127.0.0.1:${proxy.port}` }
    browser = await launchBrowser()
    techId = await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    otherTechId = await addUser(app, 'olga@sparkle.test', 'technician', 'Olga Other')
    const service = (
      await ok('service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    ).id
    const contact = (await ok('contact', 'create', { display_name: 'Jane Smith', phone: '(256) 555-0142' })).id
    const address = (
      await ok('address', 'add', {
        contact_id: contact,
        line1: '12 Oak Street',
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
        access_notes: 'Gate code 4821',
      })
    ).id
    book = async (start: string, techs: string[]) =>
      (
        await ok('ticket', 'create', {
          contact_id: contact,
          address_id: address,
          scheduled_start: start,
          duration_minutes: 60,
          technician_ids: techs,
          line_items: [{ service_id: service }],
        })
      ).id
    tickets.today = await book(`${today}T00:30`, [techId])
    tickets.tomorrow = await book(`${tomorrow}T10:00`, [techId])
    tickets.later = await book(`${addDays(today, 3)}T10:00`, [techId])
    await book(`${today}T11:00`, [otherTechId])
  })
  beforeEach(async () => {
    if (cut) await proxy.accept()
    cut = false
  })
  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
    await server?.close()
  })

  it('the address is on a secure-context origin, where a service worker may run', () => {
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('keeps today, tomorrow and their tickets: readable offline with the saved-at line; a page never saved says so', async () => {
    const tab = await phoneTab(browser, app, { userId: techId })
    try {
      const saved = [`/today?date=${today}`, `/today?date=${tomorrow}`, `/tickets/${tickets.today}`, `/tickets/${tickets.tomorrow}`]
      await saveForOffline(tab, saved)
      expect(await savedPaths(tab.page)).toEqual(saved.sort())
      // A ticket given to someone else leaves the phone with the next Today.
      const handedOver = await book(`${today}T01:30`, [techId])
      await tab.page.goto(`${app.url}/today`)
      await expect.poll(() => savedPaths(tab.page), { timeout: 20_000 }).toContain(`/tickets/${handedOver}`)
      await ok('ticket', 'assign_technicians', { ticket_id: handedOver, technician_ids: [otherTechId] })
      await tab.page.goto(`${app.url}/today`)
      await expect.poll(() => savedPaths(tab.page), { timeout: 20_000 }).toEqual(saved)
      await openOnPhone(tab, app, `/tickets/${tickets.today}`)
      expect(await tab.page.textContent('main')).not.toContain('no connection')

      await signal(tab, false)
      await tab.page.reload()
      await expect.poll(() => tab.page.textContent('main')).toContain('Gate code 4821')
      const main = await tab.page.textContent('main')
      expect(main).toMatch(/Saved at \d\d:\d\d on \w{3} \d{4}-\d\d-\d\d — no connection/)
      expect(main).toContain('12 Oak Street')
      await expectFitsPhone(tab.page, 'the offline copy of a ticket')
      await expectAccessible(tab.page, 'the offline copy of a ticket')

      await tab.page.goto(`${app.url}/today`)
      expect(await tab.page.textContent('main')).toMatch(/Today.*Saved at .* no connection.*12 Oak Street/s)
      await expectFitsPhone(tab.page, 'the offline copy of Today')
      await expectAccessible(tab.page, 'the offline copy of Today')
      await tab.page.goto(`${app.url}/today?date=${tomorrow}`)
      expect(await tab.page.textContent('main')).toContain('Saved at')
      // Tomorrow's ticket was never opened: the phone saved it along with Today.
      await tab.page.goto(`${app.url}/tickets/${tickets.tomorrow}`)
      expect(await tab.page.textContent('main')).toMatch(/Saved at .* no connection.*Gate code 4821/s)

      const never = await tab.page.goto(`${app.url}/tickets/${tickets.later}`)
      expect(never?.status()).toBe(503)
      expect(await tab.page.textContent('main')).toContain('Not saved on this phone')
      expect(await tab.page.content()).not.toContain('Oak Street')
      await expectFitsPhone(tab.page, 'the page not saved on this phone')
      await expectAccessible(tab.page, 'the page not saved on this phone')
      await tab.page.goto(`${app.url}/today?view=week`)
      expect(await tab.page.textContent('main')).toContain('Not saved on this phone')
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  })

  it('one bar of signal: a kept page that has not arrived within a few seconds shows the copy, saying the connection is slow', async () => {
    const tab = await phoneTab(browser, app, { userId: techId })
    try {
      await saveForOffline(tab, [`/tickets/${tickets.today}`])
      proxy.pause()
      try {
        const started = Date.now()
        await tab.page.goto(`${app.url}/tickets/${tickets.today}`)
        const main = await tab.page.textContent('main')
        expect(main).toMatch(
          /Saved at \d\d:\d\d on \w{3} \d{4}-\d\d-\d\d — slow connection\. This is a copy kept on this phone; reload for the latest\./,
        )
        expect(main).toContain('Gate code 4821')
        // The copy waits its turn: the network had SLOW_MS to answer first.
        expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 500)
        // A page never kept has no copy to fall back on: it keeps waiting for the network.
        const never = tab.page.goto(`${app.url}/tickets/${tickets.later}`, { timeout: 30_000 })
        await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 1500))
        proxy.resume()
        await never
        expect(await tab.page.textContent('main')).not.toContain('Saved at')
      } finally {
        proxy.resume()
      }
      await tab.page.goto(`${app.url}/tickets/${tickets.today}`)
      expect(await tab.page.textContent('main')).not.toContain('slow connection')
    } finally {
      await tab.close()
    }
  })

  it('clock in and out with no signal: kept with the pressed times, sent once and in order when back online', async () => {
    const tab = await phoneTab(browser, app, { userId: techId })
    try {
      await saveForOffline(tab, [`/tickets/${tickets.today}`])
      await tab.page.goto(`${app.url}/tickets/${tickets.today}`)
      await signal(tab, false)
      await tab.page.reload()
      await tab.page.getByText('Saved at').waitFor()

      const beforeIn = Date.now()
      await tab.page.getByRole('button', { name: 'Clock in' }).click()
      await expect.poll(() => tab.page.textContent('main')).toMatch(/Clocked in at \d\d:\d\d — will be sent when back online/)
      const afterIn = Date.now()
      await tab.page.getByRole('button', { name: 'Clock out' }).click()
      await expect.poll(() => tab.page.textContent('main')).toMatch(/Clocked out at \d\d:\d\d — will be sent when back online/)
      const afterOut = Date.now()
      expect(await tab.page.getByRole('button', { name: /Clock (in|out)/ }).count()).toBe(0)
      // The presses survive a reload of the copy, still shown as waiting.
      await tab.page.reload()
      await expect.poll(() => tab.page.textContent('main')).toMatch(/Clocked in at .*Clocked out at .*when back online/s)
      const waiting = (await ticket(tickets.today)).technicians[0]
      expect([waiting.clock_in_at, waiting.clock_out_at]).toEqual([null, null])

      // Pressed times are over before the phone goes back online: a replay must not take its own time.
      await new Promise((r) => setTimeout(r, 1500))
      const online = Date.now()
      await signal(tab, true)
      await expect.poll(async () => (await ticket(tickets.today)).technicians[0].clock_out_at, { timeout: 20_000 }).not.toBeNull()
      const t = await ticket(tickets.today)
      const clockIn = Date.parse(t.technicians[0].clock_in_at)
      const clockOut = Date.parse(t.technicians[0].clock_out_at)
      expect(clockIn).toBeGreaterThanOrEqual(beforeIn - 1000)
      expect(clockIn).toBeLessThanOrEqual(afterIn)
      expect(clockOut).toBeGreaterThanOrEqual(clockIn)
      expect(clockOut).toBeLessThanOrEqual(afterOut)
      expect(clockOut).toBeLessThan(online)
      const clocks = t.audit_trail.filter((a: any) => /^clock_/.test(a.action))
      expect(clocks.map((a: any) => a.action)).toEqual(['clock_in', 'clock_out'])
      expect(clocks.map((a: any) => a.changes.time_given.new.at)).toEqual([t.technicians[0].clock_in_at, t.technicians[0].clock_out_at])
      // Once everything is sent the page shows the server's answer: both times, no button, nothing waiting.
      await expect.poll(() => tab.page.textContent('main'), { timeout: 10_000 }).not.toContain('when back online')
      expect(await tab.page.evaluate(`localStorage.getItem('closeout-queue')`)).toBeNull()
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  })

  it('sign-out deletes the copies, and another person on the same phone never sees them', async () => {
    const tab = await phoneTab(browser, app, { userId: techId })
    try {
      await saveForOffline(tab, [`/tickets/${tickets.today}`, `/tickets/${tickets.tomorrow}`])
      await tab.page.goto(`${app.url}/`)
      await tab.page.getByRole('button', { name: 'Sign out' }).click()
      await tab.page.waitForURL(`${app.url}/`)
      expect(await savedPaths(tab.page)).toEqual([])
      await signal(tab, false)
      for (const path of ['/today', `/tickets/${tickets.today}`]) {
        await tab.page.goto(app.url + path)
        expect(await tab.page.textContent('main'), path).toContain('Not saved on this phone')
        expect(await tab.page.content(), path).not.toMatch(/Oak Street|Jane Smith|4821/)
      }
    } finally {
      await tab.close()
    }

    const phone = await phoneTab(browser, app, { userId: techId })
    try {
      await signal(phone, true)
      await saveForOffline(phone, [`/tickets/${tickets.today}`])
      // Olga's session on the same phone, with no sign-in page seen by the worker: her first page replaces Tom's copies.
      const olga = await phoneTab(browser, app, { userId: otherTechId })
      const cookies = await olga.context.cookies()
      await olga.close()
      await phone.context.addCookies(cookies.map((c) => ({ ...c })))
      await phone.page.goto(`${app.url}/today`)
      await expect.poll(() => savedPaths(phone.page), { timeout: 20_000 }).not.toContain(`/tickets/${tickets.today}`)
      await signal(phone, false)
      await phone.page.goto(`${app.url}/tickets/${tickets.today}`)
      expect(await phone.page.textContent('main')).toContain('Not saved on this phone')
    } finally {
      await phone.close()
    }
  })
})
