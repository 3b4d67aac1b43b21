import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../../core/clients/payments.js'
import { idempotencyKeyOf } from '../../../core/jobs/deliver.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../../helpers/fake-resend.js'
import { startFakeStripe, type FakeStripe } from '../../helpers/fake-stripe.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { fakeResendClient } from '../../helpers/delivery-fixtures.js'
import { hiddenFields, pageClient, type PageClient } from '../../helpers/technician-fixture.js'
import { countRows, signedIn, type SignedIn } from '../../helpers/fixtures.js'

describe.each(engines)('what an invoice email carries, and the invoice no one could pay (%s)', (engine) => {
  let app: TestApp
  let resend: FakeResend
  let stripe: FakeStripe
  let owner: SignedIn
  let ownerPages: PageClient
  let agent: Client
  let jane: string
  let clock = new Date(Math.floor(Date.now() / 1000) * 1000)
  const later = () => {
    clock = new Date(clock.getTime() + 60_000)
  }

  /** A visit of Jane's with a taxed window cleaning and four screens, booked through the API. */
  const visit = async () =>
    expectData(
      await app.action('ticket', 'create', {
        contact_id: jane,
        scheduled_start: '2026-03-10T15:00:00Z',
        line_items: [
          { description: 'Window cleaning', unit_price_cents: 15_000 },
          { description: 'Screen cleaning', quantity: 4, unit_price_cents: 500 },
        ],
      }),
    )
  /** The invoice email the worker delivered for a message. */
  const delivered = async (messageId: string) => {
    later()
    await deliverDue(app.services)
    const sent = resend.emails.filter((e) => e.idempotencyKey === idempotencyKeyOf(messageId))
    expect(sent, 'the invoice email').toHaveLength(1)
    return sent[0]
  }

  beforeAll(async () => {
    resend = await startFakeResend()
    stripe = await startFakeStripe()
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
    owner = await signedIn(app, app.tenant.owner_user_id)
    ownerPages = await pageClient(app, 'owner@sparkle.test')
    // Signed in (by an emailed link the test app keeps); customers' emails go to the fake Resend from here on.
    app.services.email = fakeResendClient(resend)
    agent = await connectMcp(app.url, app.tenant.agent_token)
    expectData(await owner.action('settings', 'update', { default_tax_rate_bp: 825 }))
    jane = expectData(await app.action('contact', 'create', { display_name: 'Jane Payton', email: 'jane.payer@example.com' })).id
  })
  afterAll(async () => {
    await agent?.close()
    await app?.close()
    await resend?.close()
    await stripe?.close()
  })

  it('with payments off and no payment instructions, Home says so and no invoice is emailed: every sender is told why', async () => {
    const home = await ownerPages.get('/')
    expect(home.html).toContain('<h2>Your invoices carry no way to pay</h2>')
    expect(home.html).toContain('<a href="/settings">Set payment instructions</a>')

    const t = await visit()
    const before = { invoices: await countRows(app, 'invoices'), messages: await countRows(app, 'scheduled_messages') }
    const api = await app.action('invoice', 'send', { ticket_id: t.id }, { reasoning: 'the job is done' })
    expectError(api, 409, 'CONFLICT')
    expect(api.body.error.message).toMatch(
      /^Invoice emails of this business carry no way to pay: online payments are off and no payment instructions are set/,
    )
    expect(api.body.error.details).toMatchObject({ field: 'payment_instructions' })
    const tool = toolJson(await agent.callTool({ name: 'send_invoice', arguments: { ticket_id: t.id, reasoning: 'the job is done' } }))
    expect(tool.isError).toBe(true)
    expect(JSON.stringify(tool.json)).toContain('carry no way to pay')
    // Nothing half-made: no invoice, no email queued.
    expect({ invoices: await countRows(app, 'invoices'), messages: await countRows(app, 'scheduled_messages') }).toEqual(before)

    // A draft made on purpose cannot be emailed either: not by the message queue, not by the owner's Send button.
    const draft = expectData(await app.action('invoice', 'create_from_ticket', { ticket_id: t.id }))
    expectError(await app.action('message', 'schedule', { contact_id: jane, kind: 'invoice', invoice_id: draft.id }), 409, 'CONFLICT')
    const page = await ownerPages.get(`/invoices/${draft.id}`)
    const sent = await ownerPages.post(`/invoices/${draft.id}/send`, hiddenFields(page.html, `/invoices/${draft.id}/send`))
    expect(sent.status).toBe(409)
    expect(sent.html).toContain('Nothing was sent. Invoice emails of this business carry no way to pay')
    expect(expectData(await app.query({ type: 'invoices', id: draft.id })).status).toBe('draft')
    expect(await countRows(app, 'scheduled_messages')).toBe(before.messages)
  })

  it('with payment instructions, the email lists the lines, tax, total and due date, and says how to pay', async () => {
    expectData(await owner.action('settings', 'update', { payment_instructions: 'Checks payable to Sparkle Windows, 12 Main St' }))
    expect((await ownerPages.get('/')).html).not.toContain('carry no way to pay')
    const t = await visit()
    const { invoice, message } = expectData(await app.action('invoice', 'send', { ticket_id: t.id }, { reasoning: 'the job is done' }))
    const email = await delivered(message.id)
    const due = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' }).format(
      new Date(`${invoice.due_on}T12:00:00Z`),
    )
    expect(email.text).toContain(`Here is invoice ${invoice.number} for $184.03, due ${due}.`)
    expect(email.text).toContain(
      ['Window cleaning: $150.00', 'Screen cleaning × 4 at $5.00: $20.00', 'Subtotal: $170.00', 'Tax: $14.03', 'Total: $184.03'].join('\n'),
    )
    expect(email.text).toContain('Checks payable to Sparkle Windows, 12 Main St')
    expect(email.text).not.toContain('Pay online')
    expect(email.html).toContain('Screen cleaning × 4 at $5.00: $20.00')
  })

  it('with online payments on, the email carries the pay link as well', async () => {
    app.services.integrations.stripe = createPaymentsClient({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_invoice_email',
      apiBase: stripe.url,
    })
    try {
      const t = await visit()
      const { message } = expectData(await app.action('invoice', 'send', { ticket_id: t.id }, { reasoning: 'the job is done' }))
      const email = await delivered(message.id)
      expect(email.text).toMatch(/Pay online: http:\/\/127\.0\.0\.1:\d+\/pay\/[\w-]{43}\n/)
      expect(email.text).toContain('Total: $184.03')
      expect(email.text).toContain('Checks payable to Sparkle Windows, 12 Main St')
    } finally {
      app.services.integrations.stripe = null
    }
  })
})
