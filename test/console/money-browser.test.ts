import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../helpers/envelope-assertions.js'
import { made } from '../helpers/fixtures.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { expectFitsPhone, openOnPhone, phoneTab, type PhoneTab } from '../helpers/phone-page.js'
import { moneyFixture, type MoneyFixture } from './money-fixture.js'
import { behaviourEngine } from '../helpers/databases.js'

/** Clicks and waits for the answer to the form it submits; returns that answer's status (303 after a change, 4xx when refused). */
async function submit(page: Page, button: string): Promise<number> {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: button }).click(),
  ])
  await page.waitForLoadState()
  return answer.status()
}

/** Each test opens several pages and runs axe-core over each: minutes on a busy machine. */
const SLOW = 300_000

describe.skipIf(!browserAvailable)("the owner's invoices, leads, waitlist and services pages in Chromium at 390 px", () => {
  let f: MoneyFixture
  let browser: Browser
  let tab: PhoneTab
  let axeTab: PhoneTab
  /**
   * Checks the page with axe-core in a tab with JavaScript (axe cannot run in a page without it), then opens it in the
   * JavaScript-free tab, where the flows run; both check it answered and fits the phone.
   */
  const open = async (path: string): Promise<Page> => {
    await openOnPhone(axeTab, f.app, path)
    const answer = await tab.page.goto(f.app.url + path)
    expect(answer?.status(), path).toBeLessThan(400)
    await expectFitsPhone(tab.page, path)
    return tab.page
  }
  const read = async (type: string, id: string, include?: string) =>
    expectData(await f.app.query({ type, id, ...(include ? { include } : {}) }))

  beforeAll(async () => {
    f = await moneyFixture(behaviourEngine)
    browser = await launchBrowser()
    tab = await phoneTab(browser, f.app, { javaScript: false })
    axeTab = await phoneTab(browser, f.app, { javaScript: true })
  })
  afterAll(async () => {
    await tab?.close()
    await axeTab?.close()
    await browser?.close()
    await f?.app.close()
  }, SLOW)

  it(
    'the Overdue tab lists only overdue invoices',
    async () => {
      const page = await open('/invoices')
      await page.getByRole('link', { name: 'Overdue', exact: true }).click()
      await page.waitForURL(/status=overdue/)
      await expectFitsPhone(page, 'the overdue tab')
      const numbers = await page.locator('.card a b').allTextContents()
      expect(numbers).toEqual([f.invoices.overdue.number])
      for (const status of ['open', 'paid', 'draft', 'void', 'all']) await open(`/invoices?status=${status}`)
      expect([...tab.problems, ...axeTab.problems]).toEqual([])
    },
    SLOW,
  )

  it(
    'records a payment and voids an invoice from its page without JavaScript; "abc" is refused by field',
    async () => {
      const { overdue } = f.invoices
      const page = await open(`/invoices/${overdue.id}`)
      await page.getByLabel('Amount ($)').fill('abc')
      expect(await submit(page, 'Record payment')).toBe(400)
      await expectFitsPhone(page, 'the refused payment')
      expect(await page.locator('.fe').first().textContent()).toContain('expected an amount in dollars and cents')
      expect((await read('invoices', overdue.id, 'payments')).payments).toEqual([])

      await page.getByLabel('Amount ($)').fill('30.00')
      await page.getByLabel('Method').selectOption('check')
      await page.getByLabel('Note').fill('Check 501')
      expect(await submit(page, 'Record payment')).toBe(303)
      expect(await page.getByRole('status').textContent()).toBe('Payment recorded.')
      const paid = await read('invoices', overdue.id, 'payments')
      expect(paid.payments.map((p: any) => [p.amount_cents, p.method, p.reference])).toEqual([[3000, 'check', 'Check 501']])

      await page.getByRole('link', { name: 'Void this invoice' }).click()
      await page.waitForURL(/\/void$/)
      await open(`/invoices/${overdue.id}/void`)
      await page.getByLabel('Reason').fill('Customer disputed the job')
      expect(await submit(page, 'Void invoice')).toBe(303)
      expect(await page.getByRole('status').textContent()).toBe('The invoice is void.')
      expect(await read('invoices', overdue.id)).toMatchObject({ status: 'void', void_reason: 'Customer disputed the job' })
      await open(`/invoices/${overdue.id}`)
    },
    SLOW,
  )

  it(
    'a new lead, converted, lands on the new customer',
    async () => {
      const page = await open('/leads')
      await page.getByRole('link', { name: 'New lead' }).click()
      await page.waitForURL(/\/leads\/new$/)
      await open('/leads/new')
      await page.getByLabel('What they said or wrote').fill('Needs the skylights cleaned, three of them')
      await page.getByLabel('Name').fill('Robin Park')
      await page.getByLabel('Source').fill('website')
      await page.getByLabel('Follow up on').fill('2026-11-10')
      expect(await submit(page, 'Save lead')).toBe(303)
      const id = page.url().match(/\/leads\/([0-9a-f-]{36})/)![1]
      await open(`/leads/${id}`)
      await open(`/leads/${id}/edit`)
      await open(`/leads/${id}`)
      await page.getByLabel('Move to').selectOption('qualified')
      expect(await submit(page, 'Change status')).toBe(303)
      expect((await read('leads', id)).status).toBe('qualified')
      await submit(page, 'Convert to customer')
      const contactId = page.url().match(/\/customers\/([0-9a-f-]{36})$/)![1]
      expect(await read('leads', id)).toMatchObject({ status: 'converted', converted_contact_id: contactId })
      expect((await read('contacts', contactId)).display_name).toBe('Robin Park')
    },
    SLOW,
  )

  it(
    'adds someone to the waitlist by searching for them, then removes the entry',
    async () => {
      const page = await open('/waitlist')
      await page.getByRole('link', { name: 'Add someone' }).click()
      await page.getByLabel('Find the customer').fill('Bob')
      await page.getByRole('button', { name: 'Search' }).click()
      await page.waitForURL(/q=Bob/)
      await open('/waitlist/add?q=Bob')
      await page.getByLabel(/Bob Jones/).check()
      await page.getByLabel('Until').fill('2026-12-15')
      await page.getByLabel('thu').check()
      await page.getByLabel('Time of day').selectOption('afternoon')
      expect(await submit(page, 'Add to waitlist')).toBe(303)
      const [entry] = expectData(await f.app.query({ type: 'waitlist', contact_id: f.bob })).items
      expect(entry).toMatchObject({ latest_date: '2026-12-15', preferred_days: ['thu'], time_of_day: 'afternoon', status: 'waiting' })
      await expectFitsPhone(page, 'the waitlist')
      await page.getByRole('button', { name: 'Remove Bob Jones' }).click()
      await page.waitForURL(/done=removed/)
      expect((await read('waitlist', entry.id)).status).toBe('removed')
      for (const status of ['offered', 'scheduled', 'removed']) await open(`/waitlist?status=${status}`)
    },
    SLOW,
  )

  it(
    'creates, edits and archives a service; a negative price is refused next to the price',
    async () => {
      const page = await open('/services')
      await page.getByLabel('Name').fill('Pressure washing')
      await page.locator('select[name=pricing]').selectOption('fixed')
      await page.getByLabel(/^Price/).fill('-20')
      expect(await submit(page, 'Add service')).toBe(400)
      await expectFitsPhone(page, 'the refused service')
      expect(
        await page
          .locator('label', { has: page.locator('input[name=price]') })
          .locator('.fe')
          .textContent(),
      ).toMatch(/0/)
      expect(expectData(await f.app.query({ type: 'services', q: 'Pressure washing' })).items).toEqual([])
      await page.getByLabel(/^Price/).fill('120')
      expect(await submit(page, 'Add service')).toBe(303)
      const service = expectData(await f.app.query({ type: 'services', q: 'Pressure washing' })).items[0]
      expect(service).toMatchObject({ pricing: 'fixed', price_cents: 12000, taxable: true })

      await page.getByRole('link', { name: 'Edit Pressure washing' }).click()
      await open(`/services/${service.id}/edit`)
      await page.getByLabel('Minutes it takes').fill('90')
      expect(await submit(page, 'Save changes')).toBe(303)
      expect((await read('services', service.id)).default_duration_minutes).toBe(90)
      await page.getByRole('button', { name: 'Archive Pressure washing' }).click()
      await page.waitForURL(/done=archived/)
      expect((await read('services', service.id)).status).toBe('archived')
      await open('/services?status=archived')
      expect([...tab.problems, ...axeTab.problems]).toEqual([])
    },
    SLOW,
  )

  it(
    'stays within 390 px with long names and the finished-job list',
    async () => {
      const long = 'Wolfeschlegelsteinhausenbergerdorff-Montgomery-Smythe Window Washing Holdings'
      const contact = await made(f.app, 'contact', 'create', { display_name: long })
      const invoice = await made(f.app, 'invoice', 'create', {
        contact_id: contact.id,
        line_items: [{ description: `${long} ${long}`, quantity: 120, unit_price_cents: 99_999 }],
      })
      await open('/invoices?status=all')
      await open(`/invoices/${invoice.id}`)
      await open('/invoices')
    },
    SLOW,
  )
})
