import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { paymentBlock, withPaymentBlock } from '../../../core/domains/messages/payment-block.js'
import { renderTexts } from '../../../core/domains/messages/render.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { PAYMENT_INSTRUCTIONS, settings, signedIn, type SignedIn } from '../../helpers/fixtures.js'

describe('the payment block', () => {
  const values = {
    business_name: 'Sparkle Windows',
    amount_due: '$250.00',
    invoice_due_date: 'December 10, 2026',
    invoice_number: 'INV-2026-0004',
    payment_link: 'https://crm.example/pay/abc',
    payment_instructions: 'Checks payable to Sparkle Windows',
  }

  it('is added after a template that does not place it, and placed once where a template puts {{how_to_pay}}', () => {
    expect(withPaymentBlock('invoice', 'Thanks!')).toBe('Thanks!\n\n{{how_to_pay}}')
    expect(withPaymentBlock('invoice', 'Hi\n{{how_to_pay}}\nBye')).toBe('Hi\n{{how_to_pay}}\nBye')
    expect(withPaymentBlock('reminder', 'Thanks!')).toBe('Thanks!')
    const rendered = renderTexts(
      { subject: 'Invoice', body: 'Hello {{customer_first_name}}', custom: null, kind: 'invoice' },
      {
        ...values,
        customer_first_name: 'Jane',
      },
    )
    expect(rendered.body).toBe(
      'Hello Jane\n\nHow to pay Sparkle Windows\nAmount due: $250.00, due December 10, 2026 (invoice INV-2026-0004)\n' +
        'Pay online: https://crm.example/pay/abc\nChecks payable to Sparkle Windows\n' +
        'Sparkle Windows takes payment only as shown above, and never asks you to pay by phone, with gift cards or into another account.',
    )
  })

  it('says only what the invoice and the settings know: no link line without a link, nothing at all without a way to pay', () => {
    expect(paymentBlock('invoice_reminder', { ...values, payment_link: null })).not.toContain('Pay online')
    expect(paymentBlock('invoice', { ...values, payment_link: null, payment_instructions: '' })).toBe('')
    expect(paymentBlock('quote', values)).toBe(
      'How you will pay Sparkle Windows, once you accept\nChecks payable to Sparkle Windows\n' +
        'Sparkle Windows takes payment only as shown above, and never asks you to pay by phone, with gift cards or into another account.',
    )
  })
})

describe.each(engines)("an invoice email always carries the owner's way to pay (%s)", (engine) => {
  let app: TestApp
  let owner: SignedIn
  let jane: string
  const NOW = new Date()

  beforeAll(async () => {
    app = await startTestApp(engine)
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    owner = await signedIn(app, app.tenant.owner_user_id)
    jane = expectData(await owner.action('contact', 'create', { display_name: 'Jane Block', email: 'jane.block@example.com' })).id
  })
  afterAll(() => app?.close())

  const sendInvoice = async () => {
    const invoice = expectData(
      await owner.action('invoice', 'create', { contact_id: jane, line_items: [{ description: 'Windows', unit_price_cents: 25_000 }] }),
    )
    expectData(await owner.action('invoice', 'send', { invoice_id: invoice.id }))
    await deliverDue({ ...app.services, now: () => new Date(NOW.getTime() + 3_600_000) })
    return app.email.sent.filter((m) => m.to === 'jane.block@example.com').at(-1)?.text ?? ''
  }

  it("a template that leaves out the way to pay still ends with the owner's instructions, said once", async () => {
    expectData(
      await owner.action('template', 'create', {
        kind: 'invoice',
        name: 'Short',
        subject: 'Invoice {{invoice_number}}',
        body: 'Hi {{customer_first_name}}, your invoice {{invoice_number}} is {{invoice_total}}.',
        is_default: true,
      }),
    )
    const text = await sendInvoice()
    expect(text).toMatch(/^Hi Jane, your invoice INV-\d{4}-\d{4} is \$250\.00\.\n\nHow to pay Sparkle Windows\nAmount due: \$250\.00, due /)
    expect(text.split(PAYMENT_INSTRUCTIONS)).toHaveLength(2)
  })

  it("the default wording places the block where the pay link and instructions were; the customer's page link stays", async () => {
    const current = expectData(await owner.query({ type: 'templates', kind: 'invoice', limit: 10 })).items.find((t: any) => t.is_default)
    expectData(await owner.action('template', 'archive', { template_id: current.id }))
    const text = await sendInvoice()
    expect(text).toContain(`How to pay Sparkle Windows\nAmount due: $250.00, due`)
    expect(text).toContain(`${PAYMENT_INSTRUCTIONS}\nSparkle Windows takes payment only as shown above,`)
    expect(text).toContain('\nSee the invoice online or as a PDF: ')
    expect(text.split(PAYMENT_INSTRUCTIONS)).toHaveLength(2)
  })
})
