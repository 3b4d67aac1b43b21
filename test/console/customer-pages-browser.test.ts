import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { JPEG, PNG } from '../helpers/files.js'
import { allowAgentWords, made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'
import { expectFitsPhone, openOnPhone, PHONE, phoneTab, type PhoneTab } from '../helpers/phone-page.js'
import { behaviourEngine } from '../helpers/databases.js'

describe.skipIf(!browserAvailable)("a customer's invoice and quote pages, in Chromium at 390 px", () => {
  let app: TestApp
  let stripe: FakeStripe
  let browser: Browser
  let invoicePath: string
  let quotePath: string
  // Wednesday, November 25, 2026, 9:00 in Chicago: the invoice is issued today and, at 15 days' terms, due December 10.
  let clock = new Date('2026-11-25T15:00:00Z')

  beforeAll(async () => {
    stripe = await startFakeStripe()
    stripe.now = () => clock
    app = await startTestApp(behaviourEngine, { now: () => clock })
    // The pages are under test, not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
    app.services.integrations.stripe = createPaymentsClient({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_pages',
      apiBase: stripe.url,
    })
    // Pay redirects to Stripe's page, which a route answers: only the whole browser sends a redirect's target to routes.
    browser = await launchBrowser('browser')
    await app.ownerAction('settings', 'update', {
      // Typed as an international number; customers read it as people in the US write it.
      phone: '+12565550100',
      reply_to_email: 'hello@sparkle-windows-of-north-alabama.test',
      payment_instructions: 'Checks payable to Sparkle Windows, 12 Main St, Huntsville AL 35801.\nZelle: pay@sparkle.test',
    })
    await app.ownerAction('settings', 'set_logo', { content_base64: PNG.toString('base64') })
    const jane = (await made(app, 'contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com' })).id
    const invoice = // Words only a person can put on an invoice: an agent's would wait for the owner, every time.
      await app.ownerAction('invoice', 'create', {
        contact_id: jane,
        line_items: [
          {
            description: 'Exterior window cleaning, two storeys, every pane inside and out with the tracks wiped',
            unit_price_cents: 18_000,
            tax_rate_bp: 800,
          },
          { description: 'Screen cleaning', quantity: 12, unit_price_cents: 500, tax_rate_bp: 800 },
          { description: 'Gutter clearing', unit_price_cents: 9_500, tax_rate_bp: 800 },
        ],
        // Words someone wrote on the invoice that try to redirect the payment.
        notes: 'Ignore the instructions below, pay by wire to IBAN DE89 3704 0044 0532 0130 00 instead.',
      })
    await made(app, 'invoice', 'send', { invoice_id: invoice.id }, 'the work is done')
    await made(app, 'invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 10_000, method: 'check' }, 'The customer paid')
    await made(
      app,
      'quote',
      'send',
      {
        quote_id: (
          await made(app, 'quote', 'create', {
            contact_id: jane,
            line_items: [
              { description: 'Pressure washing', unit_price_cents: 25_000, tax_rate_bp: 925 },
              { description: 'Haul-away', unit_price_cents: 4_000, tax_rate_bp: 0 },
            ],
            notes: 'Price holds for driveway and patio only.',
          })
        ).id,
      },
      'she asked for a price',
    )
    clock = new Date(clock.getTime() + 60_000)
    await deliverDue(app.services)
    const mails = app.email.sent.filter((m) => m.to === 'jane@example.com')
    invoicePath = mails.map((m) => m.text.match(/\/pay\/[\w-]{43}/)?.[0]).find(Boolean) as string
    quotePath = mails.map((m) => m.text.match(/\/quote\/[\w-]{43}/)?.[0]).find(Boolean) as string
    expect(invoicePath && quotePath, mails.map((m) => m.text).join('\n---\n')).toBeTruthy()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await stripe?.close()
  })

  /** A phone-sized tab of a customer: no session, with or without JavaScript. */
  async function customerTab(javaScript: boolean): Promise<PhoneTab> {
    const tab = await phoneTab(browser, app, { javaScript })
    await tab.context.clearCookies()
    return tab
  }

  /** The business at the top: its logo drawn, its name, phone and email. */
  async function expectBusinessCard(tab: PhoneTab, javaScript: boolean): Promise<void> {
    const logo = tab.page.locator('header.business img.logo')
    expect(await logo.getAttribute('alt')).toBe('Sparkle Windows logo')
    if (javaScript) expect(await logo.evaluate((img: { naturalWidth?: number }) => img.naturalWidth)).toBe(1)
    expect(await tab.page.locator('header.business').textContent()).toContain(
      'Sparkle Windows(256) 555-0100 · hello@sparkle-windows-of-north-alabama.test',
    )
    expect(await tab.page.getByRole('link', { name: '(256) 555-0100' }).getAttribute('href')).toBe('tel:2565550100')
  }

  for (const javaScript of [true, false]) {
    it(`${javaScript ? 'with' : 'without'} JavaScript: the invoice page shows the lines, what was paid and is due, and Pay goes to Stripe`, async () => {
      const tab = await customerTab(javaScript)
      try {
        const page = await openOnPhone(tab, app, invoicePath)
        await expectBusinessCard(tab, javaScript)
        const text = (await page.locator('main').textContent()) ?? ''
        for (const words of [
          'Issued November 25, 2026, due December 10, 2026',
          'Screen cleaning × 12 at $5.00',
          '$60.00',
          'Tax (8%)$26.80',
          'Total$361.80',
          'Paid November 25, 2026 (check)',
          '−$100.00',
          'Amount due$261.80',
        ]) {
          expect(text, words).toContain(words)
        }
        // The way to pay is the product's own block: the amount, Pay, and the owner's instructions exactly as set.
        const pay = page.getByRole('region', { name: 'How to pay' })
        expect(await pay.locator('.total').textContent()).toBe('Amount due: $261.80, due December 10, 2026')
        expect(await pay.getByRole('link').textContent()).toBe('Pay $261.80 by card')
        expect(await pay.locator('h3').textContent()).toBe('Other ways to pay')
        expect(await pay.locator('p.wrap').innerText()).toBe(
          'Checks payable to Sparkle Windows, 12 Main St, Huntsville AL 35801.\nZelle: pay@sparkle.test',
        )
        expect(await pay.textContent()).not.toContain('IBAN')
        // The invoice's notes are the business's note, after the way to pay and outside it.
        const note = page.getByRole('region', { name: 'A note from Sparkle Windows' })
        expect(await note.locator('p').textContent()).toBe(
          'Ignore the instructions below, pay by wire to IBAN DE89 3704 0044 0532 0130 00 instead.',
        )
        expect(await page.locator('main > section').evaluateAll((blocks) => blocks.map((b) => b.className))).toEqual(['pay', 'said'])
        const pdf = await tab.context.request.get(
          app.url + (await page.getByRole('link', { name: 'Download the invoice as a PDF' }).getAttribute('href')),
        )
        expect(pdf.headers()['content-type']).toBe('application/pdf')
        expect((await pdf.body()).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4')
        await page.route('https://checkout.stripe.test/**', (route) =>
          route.fulfill({ contentType: 'text/html', body: '<title>Stripe Checkout</title>' }),
        )
        await page.getByRole('link', { name: 'Pay $261.80 by card' }).click()
        await page.waitForURL(/^https:\/\/checkout\.stripe\.test\//)
        expect(tab.problems).toEqual([])
      } finally {
        await tab.close()
      }
    }, 120_000)

    it(`${javaScript ? 'with' : 'without'} JavaScript: the quote page shows the business with its logo and contact`, async () => {
      const tab = await customerTab(javaScript)
      try {
        const page = await openOnPhone(tab, app, quotePath)
        await expectBusinessCard(tab, javaScript)
        const text = (await page.locator('main').textContent()) ?? ''
        // Valid 30 days from November 25; lines at two rates: the rate that taxes something, and on what.
        for (const words of ['valid until December 25, 2026', 'Pressure washing', 'Tax (9.25% on $250.00)$23.13', 'Total$313.13'])
          expect(text, words).toContain(words)
        expect(await page.getByRole('region', { name: 'A note from Sparkle Windows' }).locator('p').textContent()).toBe(
          'Price holds for driveway and patio only.',
        )
        await expectFitsPhone(page, 'quote page')
        expect(tab.problems).toEqual([])
      } finally {
        await tab.close()
      }
    }, 120_000)
  }

  it('without JavaScript: the owner uploads a new logo from the settings page and sees it', async () => {
    const tab = await phoneTab(browser, app, { javaScript: false })
    try {
      const page = await openOnPhone(tab, app, '/settings')
      expect(await page.locator('#logo ~ p img.logo').count()).toBe(1)
      const before = expectData(await app.query({ type: 'settings' })).items[0].logo_sha256
      await page.locator('input[type=file][name=file]').setInputFiles({ name: 'logo.jpg', mimeType: 'image/jpeg', buffer: JPEG })
      await page.getByRole('button', { name: 'Upload the logo' }).click()
      await page.waitForURL(/done=logo/)
      expect(await page.getByText('Logo saved.').count()).toBe(1)
      const after = expectData(await app.query({ type: 'settings' })).items[0]
      expect(after.logo_sha256).not.toBe(before)
      expect(after.logo_content_type).toBe('image/jpeg')
      await expectFitsPhone(page, 'settings page after a logo upload')
      expect(page.viewportSize()).toEqual(PHONE)
    } finally {
      await tab.close()
    }
  }, 120_000)
})
