import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { PAYMENT_INSTRUCTIONS, settings } from '../../helpers/fixtures.js'

/** The line every customer email and payment page carries, in the business's name. */
const NEVER = 'and never asks you to pay by phone, with gift cards or into another account.'

// Customers of a business whose agent was fooled still have the truth in front of them: every email and payment page
// says, under the product's own payment block, that the business takes payment only as shown there.
describe.each(engines)('every customer email and payment page says how the business takes money (%s)', (engine) => {
  let app: TestApp
  let contact: string

  beforeAll(async () => {
    app = await startTestApp(engine)
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    contact = (await app.ownerAction('contact', 'create', { display_name: 'Mia Money', email: 'mia@example.com' })).id
  })
  afterAll(() => app?.close())

  it("an invoice email says it under its payment block, an appointment's email at its end, and the invoice's page in its block", async () => {
    const start = new Date(Date.now() + 3 * 86_400_000).toISOString()
    await app.ownerAction('ticket', 'create', {
      contact_id: contact,
      scheduled_start: start,
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 15_000 }],
    })
    const invoice = await app.ownerAction('invoice', 'create', {
      contact_id: contact,
      line_items: [{ description: 'Gutters', unit_price_cents: 9_000 }],
    })
    await app.ownerAction('invoice', 'send', { invoice_id: invoice.id })
    await deliverDue({ ...app.services, now: () => new Date(Date.now() + 60_000) })
    const mails = app.email.sent.filter((m) => m.to === 'mia@example.com')
    const invoiceMail = mails.find((m) => m.subject.includes(invoice.number))!
    const block = invoiceMail.text.slice(invoiceMail.text.indexOf('How to pay'))
    expect(block).toContain(PAYMENT_INSTRUCTIONS)
    expect(block).toContain(`Sparkle Windows takes payment only as shown above, ${NEVER}`)
    expect(invoiceMail.html).toContain('takes payment only as shown above')
    const confirmation = mails.find((m) => m !== invoiceMail)!
    expect(confirmation.text.trimEnd().endsWith(`Sparkle Windows takes payment only as its invoices show, ${NEVER}`)).toBe(true)
    const payLink = /http:\/\/127\.0\.0\.1:\d+(\/pay\/[\w-]{43})/.exec(invoiceMail.text)![1]
    const page = await (await fetch(`${app.url}${payLink}`)).text()
    const pay = page.slice(page.indexOf('<section class="pay"'), page.indexOf('</section>', page.indexOf('<section class="pay"')))
    expect(pay).toContain(`Sparkle Windows takes payment only as shown here, ${NEVER}`)
  })
})
