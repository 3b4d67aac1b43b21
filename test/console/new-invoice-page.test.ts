import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { made, PAYMENT_INSTRUCTIONS, settings } from '../helpers/fixtures.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'

/** A customer with an email and a priced service in the catalog. */
async function customerAndService(pages: PageApp): Promise<{ contact: string; service: string }> {
  const contact = (await made(pages.app, 'contact', 'create', { display_name: 'Ivy Invoice', email: 'ivy@invoice.test' })).id
  const service = (await made(pages.app, 'service', 'create', { name: 'Storefront glass', pricing: 'fixed', price_cents: 12_000 })).id
  return { contact, service }
}

describe.each(engines)("the owner's new standalone invoice, without JavaScript (%s)", (engine) => {
  let pages: PageApp
  let ids: { contact: string; service: string }
  beforeAll(async () => {
    pages = await startPageApp(engine)
    ids = await customerAndService(pages)
  })
  afterAll(async () => {
    await pages.app.close()
  })

  it('finds the customer, then makes a draft from a catalog line and a line in the owner’s words', async () => {
    const search = await pages.owner.get('/invoices/new?q=Ivy')
    expect(search.html).toContain('Ivy Invoice')
    const page = await pages.owner.get(`/invoices/new?contact_id=${ids.contact}`)
    expect(page.html).toContain('Customer: <b>Ivy Invoice</b>')
    const made = await pages.owner.submit(page.html, '/invoices/new', [
      ['service_0', ids.service],
      ['quantity_0', '2'],
      ['description_0', 'Awning wash'],
      ['price_0', '45.50'],
      ['then', 'draft'],
    ])
    expect(made.status).toBe(303)
    const shown = await pages.owner.get(made.location as string)
    expect(shown.html).toContain('Invoice created as a draft.')
    const [invoice] = expectData(await pages.app.query({ type: 'invoices', customer: 'Ivy Invoice', include: 'line_items' })).items
    expect(invoice.status).toBe('draft')
    expect(invoice.line_items.map((l: any) => [l.description, l.quantity, l.unit_price_cents])).toEqual([
      ['Storefront glass', 2, 12_000],
      ['Awning wash', 1, 4_550],
    ])
  })

  it('refuses a wrong price naming the field, and creates nothing', async () => {
    const before = expectData(await pages.app.query({ type: 'invoices', customer: 'Ivy Invoice' })).items.length
    const page = await pages.owner.get(`/invoices/new?contact_id=${ids.contact}`)
    const bad = await pages.owner.submit(page.html, '/invoices/new', [
      ['description_0', 'Awning wash'],
      ['price_0', 'lots'],
      ['then', 'draft'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('No invoice was created.')
    expect(expectData(await pages.app.query({ type: 'invoices', customer: 'Ivy Invoice' })).items).toHaveLength(before)
  })

  it('Create and send emails it when there is a way to pay, and says why not when there is none', async () => {
    const page = await pages.owner.get(`/invoices/new?contact_id=${ids.contact}`)
    const unsent = await pages.owner.submit(page.html, '/invoices/new', [
      ['service_0', ids.service],
      ['then', 'send'],
    ])
    expect(unsent.html).toContain('The invoice was created as a draft, but not sent.')
    await settings(pages.app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    const again = await pages.owner.get(`/invoices/new?contact_id=${ids.contact}`)
    const sent = await pages.owner.submit(again.html, '/invoices/new', [
      ['service_0', ids.service],
      ['then', 'send'],
    ])
    expect(sent.status).toBe(303)
    expect((await pages.owner.get(sent.location as string)).html).toContain('The invoice is on its way to the customer.')
  })
})

describe.skipIf(!browserAvailable)("the owner's new invoice in Chromium at 390 px", () => {
  let pages: PageApp
  let browser: Browser
  let ids: { contact: string; service: string }
  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine)
    ids = await customerAndService(pages)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('fits the phone and passes axe, and Create the draft makes it', async () => {
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, pages.app, `/invoices/new?contact_id=${ids.contact}`)
      await page.getByLabel('Service 1').selectOption(ids.service)
      await page.getByRole('button', { name: 'Create the draft' }).click()
      await page.waitForURL(/done=created/)
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)
})
