import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../helpers/envelope-assertions.js'
import { made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab, type PhoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

/** Tuesday 2026-10-27, 10:15 in Chicago. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }

/** Each test opens several pages and runs axe-core over them: minutes on a busy machine. */
const SLOW = 300_000

describe.skipIf(!browserAvailable)("the customer's page of times offered by email, in Chromium at 390 px", () => {
  let app: TestApp
  let browser: Browser
  let windows: string
  let customer: string

  beforeAll(async () => {
    app = await startTestApp(behaviourEngine, { now: () => clock.now, integrations: { stripe: null } })
    browser = await launchBrowser()
    windows = (
      await made(app, 'service', 'create', { name: 'Window cleaning, inside and out, all floors', pricing: 'fixed', price_cents: 15_000 })
    ).id
    customer = (
      await made(app, 'contact', 'create', {
        display_name: 'Bartholomew Featherstonehaugh-Wolfeschlegelsteinhausen',
        email: 'bart@example.com',
      })
    ).id
    await app.ownerAction('standing_rule', 'create', { action: 'slot_offer.send', conditions: [] })
  }, SLOW)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  }, SLOW)

  /** An offer of the given local times; returns its path (the secret link without the host) and slots. */
  async function offer(starts: string[]): Promise<{ path: string; slots: Array<{ id: string }> }> {
    const o = await made(
      app,
      'slot_offer',
      'send',
      {
        contact_id: customer,
        service_ids: [windows],
        slots: starts.map((start) => ({ start, technician_id: app.tenant.owner_user_id })),
        note: 'We will park on the street; the long ladder needs about three metres beside the house, please move the bins.',
      },
      'He asked for times',
    )
    const email = app.email.sent.find((e) => e.idempotencyKey === `slot-offer-${o.id}`)
    const link = /\/offer\/[\w-]{43}/.exec(String(email?.text))?.[0]
    expect(link).toBeDefined()
    return { path: link as string, slots: o.slots }
  }
  async function pickTime(page: Page, when: string): Promise<number> {
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: when }).click(),
    ])
    await page.waitForLoadState()
    return answer.status()
  }
  const ticketsOfCustomer = async () => expectData(await app.query({ type: 'tickets', contact_id: customer })).items as any[]

  for (const javaScript of [false, true]) {
    it(
      `lists the times, refuses one taken meanwhile and books another (JavaScript ${javaScript ? 'on' : 'off'})`,
      async () => {
        const day = javaScript ? '2026-10-29' : '2026-10-28'
        const words = javaScript ? 'Thursday, October 29, 2026' : 'Wednesday, October 28, 2026'
        const tab: PhoneTab = await phoneTab(browser, app, { javaScript })
        try {
          const before = (await ticketsOfCustomer()).length
          const { path } = await offer([`${day}T09:00`, `${day}T11:00`, `${day}T14:00`])
          const page = await openOnPhone(tab, app, path)
          expect(await page.locator('h1').textContent()).toBe('Pick a time')
          // Each time with the business's time zone, and the deadline to pick worded as one, before the times.
          expect(await page.getByRole('button').allTextContents()).toEqual([
            `${words} at 9:00 AM CDT`,
            `${words} at 11:00 AM CDT`,
            `${words} at 2:00 PM CDT`,
          ])
          expect(await page.locator('main strong').last().textContent()).toBe(
            `Pick a time by ${words} at 2:00 PM CDT; after that these times are released.`,
          )

          // Someone else takes 9:00 while the customer reads the page.
          const other = (await made(app, 'contact', 'create', { display_name: 'Other Customer' })).id
          await made(app, 'ticket', 'create', {
            contact_id: other,
            scheduled_start: `${day}T09:00`,
            duration_minutes: 60,
            technician_ids: [app.tenant.owner_user_id],
          })
          expect(await pickTime(page, `${words} at 9:00 AM CDT`)).toBe(409)
          await expectFitsPhone(page, 'the taken time')
          expect(await page.getByRole('alert').textContent()).toContain('that time was just taken')
          expect(await page.getByRole('button').allTextContents()).toEqual([`${words} at 11:00 AM CDT`, `${words} at 2:00 PM CDT`])

          expect(await pickTime(page, `${words} at 2:00 PM CDT`)).toBe(200)
          await expectFitsPhone(page, 'the booked visit')
          expect(await page.getByRole('status').textContent()).toContain(`your visit is booked and confirmed for ${words} at 2:00 PM CDT`)
          expect(await page.locator('main').textContent()).toContain('There is nothing else to confirm.')
          expect(await page.getByRole('button').count()).toBe(0)
          const tickets = await ticketsOfCustomer()
          expect(tickets).toHaveLength(before + 1)

          // Opened again later, the link shows what was booked.
          await openOnPhone(tab, app, path)
          expect(await page.locator('h1').textContent()).toBe('Your visit is booked')
          expect([...tab.problems]).toEqual([])
        } finally {
          await tab.close()
        }
      },
      SLOW,
    )
  }
})
