import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { letters, made, signedIn } from '../helpers/fixtures.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'
import { customer, dueMessage } from '../helpers/delivery-fixtures.js'
import { PNG } from '../helpers/files.js'

describe.each(engines)("the lasting link to an invoice's page in its email (%s)", (engine) => {
  let app: TestApp
  let stripe: FakeStripe
  let clock = new Date()
  const payments = () => createPaymentsClient({ secretKey: 'sk_test_fake', webhookSecret: 'whsec_pay_link', apiBase: stripe.url })

  beforeAll(async () => {
    stripe = await startFakeStripe()
    stripe.now = () => clock
    app = await startTestApp(engine, { now: () => clock })
    app.services.integrations.stripe = payments()
    await app.t.admin.query(`update tenants set payment_instructions = 'Checks to Sparkle Windows, 12 Main St' where id = $1`, [
      app.tenant.tenant_id,
    ])
  })
  afterAll(async () => {
    await app?.close()
    await stripe?.close()
  })

  /** A sent invoice whose email the worker delivered; returns the invoice and the emailed text. */
  async function emailedInvoice(cents = 12_500): Promise<{ invoice: any; text: string }> {
    const jane = await customer(app, `Jane ${letters(cents)}`, `jane${cents}@example.com`)
    const invoice = await made(app, 'invoice', 'create', {
      contact_id: jane,
      line_items: [{ description: 'Gutter cleaning', unit_price_cents: cents }],
    })
    await made(app, 'invoice', 'mark_sent', { invoice_id: invoice.id })
    await dueMessage(app, { contact_id: jane, kind: 'invoice', invoice_id: invoice.id })
    await deliverDue(app.services)
    const mail = app.email.sent.filter((m) => m.to === `jane${cents}@example.com`).at(-1)
    expect(mail, 'the invoice email').toBeDefined()
    return { invoice, text: mail!.text }
  }
  const open = (path: string) => fetch(app.url + path, { redirect: 'manual' })
  /** Pay on the invoice's page. */
  const pay = (path: string) => open(`${path}/checkout`)

  it("shows the invoice's page; Pay goes to the open checkout page, to a new one once it expired, and says when it is paid", async () => {
    const { invoice, text } = await emailedInvoice()
    const path = text.match(/Pay online: http:\/\/127\.0\.0\.1:\d+(\/pay\/[\w-]{43})/)?.[1]
    expect(path, text).toBeTruthy()
    expect(text).toContain(`See the invoice online or as a PDF: ${app.url}${path}`)
    expect(text).not.toContain('checkout.stripe.test')
    const sessionsAfterSend = stripe.sessions.size

    // Opening the link (as a mail scanner does) shows the invoice and starts no payment.
    const page = await open(path!)
    expect(page.status).toBe(200)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const html = await page.text()
    for (const words of [
      `Invoice ${invoice.number}`,
      'Sparkle Windows',
      'Gutter cleaning',
      '$125.00',
      'Amount due',
      `<a class="button" href="${path}/checkout">Pay $125.00 by card</a>`,
      `href="${path}/invoice.pdf"`,
      'Other ways to pay',
      'Checks to Sparkle Windows, 12 Main St',
    ]) {
      expect(html, words).toContain(words)
    }
    expect(stripe.sessions.size).toBe(sessionsAfterSend)

    const first = await pay(path!)
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\//)
    // Still open: the same page, no new session.
    const again = await pay(path!)
    expect(again.headers.get('location')).toBe(first.headers.get('location'))
    expect(stripe.sessions.size).toBe(sessionsAfterSend)

    // Two days later Stripe's page has expired; the emailed link still works.
    clock = new Date(clock.getTime() + 48 * 3600_000)
    const later = await pay(path!)
    expect(later.status).toBe(303)
    expect(later.headers.get('location')).not.toBe(first.headers.get('location'))
    expect(stripe.sessions.size).toBe(sessionsAfterSend + 1)

    await made(app, 'invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 5_000, method: 'check' }, 'The customer paid')
    const part = await (await open(path!)).text()
    expect(part).toMatch(/Paid [A-Z][a-z]+ \d{1,2}, \d{4} \(check\)<\/td><td class="num">−\$50\.00/)
    expect(part).toContain('Pay $75.00 by card')
    await made(app, 'invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 7_500, method: 'cash' }, 'The customer paid')
    const settled = await (await open(path!)).text()
    expect(settled).toContain('This invoice is paid. Thank you!')
    expect(settled).not.toContain('by card</a>')
    expect(settled).not.toContain('Other ways to pay')
    const paid = await pay(path!)
    expect(paid.status).toBe(200)
    expect(await paid.text()).toContain(`Invoice ${invoice.number} from Sparkle Windows is paid`)
  })

  it('gives the invoice as a PDF and the business as the owner set it: logo, phone and email', async () => {
    const { invoice, text } = await emailedInvoice(3_300)
    const path = text.match(/\/pay\/[\w-]{43}/)![0]
    const file = await open(`${path}/invoice.pdf`)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect(file.headers.get('content-disposition')).toBe(`inline; filename="Invoice-${invoice.number}.pdf"`)
    const bytes = Buffer.from(await file.arrayBuffer())
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4')
    expect(bytes.subarray(-6).toString('latin1')).toBe('%%EOF\n')
    expect(bytes.toString('latin1')).toContain(`(Invoice ${invoice.number} from Sparkle Windows)`)

    expect((await open(`${path}/logo`)).status).toBe(404)
    expect(await (await open(path)).text()).not.toContain('<img')
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expectData(await owner.action('settings', 'update', { phone: '(256) 555-0100', reply_to_email: 'hello@sparkle.test' }))
    const logo = expectData(await owner.action('settings', 'set_logo', { content_base64: PNG.toString('base64') }))
    expect(logo).toMatchObject({ logo_content_type: 'image/png', size_bytes: PNG.length })
    const html = await (await open(path)).text()
    expect(html).toContain(`<img class="logo" src="${path}/logo?v=${logo.logo_sha256.slice(0, 12)}" alt="Sparkle Windows logo">`)
    expect(html).toContain('<a href="tel:2565550100">(256) 555-0100</a>')
    expect(html).toContain('<a href="mailto:hello@sparkle.test">hello@sparkle.test</a>')
    const served = await open(`${path}/logo?v=1`)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true)
    // The phone is on the PDF too.
    expect((await (await open(`${path}/invoice.pdf`)).arrayBuffer()).byteLength).toBeGreaterThan(bytes.length)

    // An agent's logo waits for the owner; a PDF is not a logo; null removes it.
    const asked = await app.action('settings', 'set_logo', { content_base64: PNG.toString('base64') }, { reasoning: 'new branding' })
    expect(asked.status).toBe(202)
    const notPicture = await owner.action('settings', 'set_logo', { content_base64: Buffer.from('%PDF-1.4\n').toString('base64') })
    expect(notPicture.body.error.code).toBe('VALIDATION_ERROR')
    expectData(await owner.action('settings', 'set_logo', { content_base64: null }))
    expect((await open(`${path}/logo`)).status).toBe(404)
  })

  it('refuses an unknown link, and says so when Stripe or payments are unavailable', async () => {
    for (const bad of ['/pay/nope', `/pay/${'A'.repeat(43)}`, `/pay/${'A'.repeat(43)}/invoice.pdf`]) {
      const r = await open(bad)
      expect(r.status).toBe(404)
      expect(await r.text()).toContain('This payment link is not valid')
    }
    expect((await pay(`/pay/${'A'.repeat(43)}`)).status).toBe(404)
    const { text } = await emailedInvoice(9_900)
    const path = text.match(/\/pay\/[\w-]{43}/)![0]
    // Expired page, and Stripe down for both tries: a page that says to try again, not an error.
    clock = new Date(clock.getTime() + 48 * 3600_000)
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is down' })
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is down' })
    const down = await pay(path)
    expect(down.status).toBe(503)
    expect(await down.text()).toContain('try again in a few minutes')
    expect((await pay(path)).status).toBe(303)

    app.services.integrations.stripe = null
    try {
      const off = await pay(path)
      expect(off.status).toBe(503)
      expect(await off.text()).toContain('Checks to Sparkle Windows, 12 Main St')
      const page = await (await open(path)).text()
      expect(page).toContain('How to pay')
      expect(page).not.toContain('by card</a>')
      // Emails sent while payments are off carry the instructions and the invoice's page, but no pay link.
      const plain = (await emailedInvoice(4_400)).text
      expect(plain).toContain('Checks to Sparkle Windows, 12 Main St')
      expect(plain).not.toContain('Pay online')
      expect(plain).toMatch(/See the invoice online or as a PDF: http:\/\/127\.0\.0\.1:\d+\/pay\/[\w-]{43}/)
    } finally {
      app.services.integrations.stripe = payments()
    }
  })

  it('says when an overdue invoice was due as its email does, and its notes never reach into the way to pay', async () => {
    const jane = await customer(app, 'Jane Notes', 'jane.notes@example.com')
    const invoice = // Words only a person can put on an invoice: an agent's would wait for the owner, every time.
      await app.ownerAction('invoice', 'create', {
        contact_id: jane,
        line_items: [{ description: 'Window cleaning', unit_price_cents: 20_000 }],
        notes: 'Ignore the instructions below.</p></section><section class="pay"><h2>How to pay</h2><p>Wire to IBAN DE89 3704',
      })
    await made(app, 'invoice', 'mark_sent', { invoice_id: invoice.id })
    await dueMessage(app, { contact_id: jane, kind: 'invoice', invoice_id: invoice.id })
    await deliverDue(app.services)
    const mail = app.email.sent.filter((m) => m.to === 'jane.notes@example.com').at(-1)!
    const path = mail.text.match(/\/pay\/[\w-]{43}/)![0]
    const dueWords = new Date(`${invoice.due_on}T12:00:00Z`).toLocaleDateString('en-US', {
      month: 'long',
      day: 'numeric',
      year: 'numeric',
      timeZone: 'UTC',
    })
    expect(mail.text).toContain(`due ${dueWords}`)
    clock = new Date(clock.getTime() + 40 * 86_400_000)
    const page = await (await open(path)).text()
    expect(page).toContain(`<p role="alert" class="err">This invoice was due ${dueWords}.</p>`)
    // One way-to-pay block, the product's, with the owner's instructions; the note is text in the business's note after it.
    expect(page.match(/<section class="pay"/g)).toHaveLength(1)
    const pay = page.slice(page.indexOf('<section class="pay"'), page.indexOf('</section>') + '</section>'.length)
    expect(pay).toContain('Checks to Sparkle Windows, 12 Main St')
    expect(pay).not.toContain('IBAN')
    expect(page.indexOf('A note from Sparkle Windows')).toBeGreaterThan(page.indexOf(pay) + pay.length - 1)
    expect(page).toContain('Ignore the instructions below.&lt;/p&gt;&lt;/section&gt;&lt;section class=&quot;pay&quot;&gt;')
  })
})
