import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../../core/clients/payments.js'
import { idempotencyKeyOf } from '../../../core/jobs/deliver.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../../helpers/fake-resend.js'
import { startFakeStripe, type FakeStripe } from '../../helpers/fake-stripe.js'
import { fakeResendClient } from '../../helpers/delivery-fixtures.js'
import { signedIn, type SignedIn } from '../../helpers/fixtures.js'

describe.each(engines)('chasing an unpaid invoice with invoice.remind (%s)', (engine) => {
  let app: TestApp
  let resend: FakeResend
  let stripe: FakeStripe
  let owner: SignedIn
  let jane: string
  // 09:00 in the business's zone (America/Chicago) on November 24: an invoice due November 12 is 12 days late.
  let clock = new Date('2026-11-24T15:00:00Z')
  const why = { reasoning: 'Jane has not paid' }

  /** An invoice of Jane's for $180.00, issued November 1, due on the day given, emailed to her. */
  const sentInvoice = async (dueOn: string) => {
    const made = expectData(
      await app.action('invoice', 'create', {
        contact_id: jane,
        issued_on: '2026-11-01',
        due_on: dueOn,
        line_items: [{ description: 'Window cleaning', unit_price_cents: 18_000 }],
      }),
    )
    // Every answer about an invoice names its customer beside the id.
    expect(made).toMatchObject({ contact_id: jane, contact_name: 'Jane Late' })
    const { message } = expectData(await app.action('invoice', 'send', { invoice_id: made.id }, why))
    await delivered(message.id)
    return made as { id: string; number: string }
  }
  /** The email the worker delivered for a message. */
  const delivered = async (messageId: string) => {
    clock = new Date(clock.getTime() + 60_000)
    await deliverDue(app.services)
    const sent = resend.emails.filter((e) => e.idempotencyKey === idempotencyKeyOf(messageId))
    expect(sent, 'the email').toHaveLength(1)
    return sent[0]
  }

  beforeAll(async () => {
    resend = await startFakeResend()
    stripe = await startFakeStripe()
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
    owner = await signedIn(app, app.tenant.owner_user_id)
    app.services.email = fakeResendClient(resend)
    app.services.integrations.stripe = createPaymentsClient({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_reminder',
      apiBase: stripe.url,
    })
    expectData(await owner.action('settings', 'update', { payment_instructions: 'Checks payable to Sparkle Windows, 12 Main St' }))
    jane = expectData(await app.action('contact', 'create', { display_name: 'Jane Late', email: 'jane.late@example.com' })).id
  })
  afterAll(async () => {
    await app?.close()
    await resend?.close()
    await stripe?.close()
  })

  it('one call by the invoice number: the email says overdue, how many days late, the amount still due after a payment, and how to pay', async () => {
    const invoice = await sentInvoice('2026-11-12')
    expectData(await app.action('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 5_000, method: 'check' }, why))
    const reminded = expectData(await app.action('invoice', 'remind', { invoice_id: invoice.number }, why))
    expect(reminded.invoice).toMatchObject({
      id: invoice.id,
      number: invoice.number,
      contact_name: 'Jane Late',
      days_overdue: 12,
      amount_due_cents: 13_000,
    })
    const [overdue] = expectData(await app.query({ type: 'invoices', overdue: 'true' })).items
    expect(overdue).toMatchObject({ id: invoice.id, contact_name: 'Jane Late', is_overdue: true })
    expect(reminded.subject).toBe(
      `Reminder: invoice ${invoice.number} from Sparkle Windows is 12 days overdue (it was due November 12, 2026)`,
    )
    const email = await delivered(reminded.message.id)
    expect(email.to).toEqual(['jane.late@example.com'])
    expect(email.subject).toBe(reminded.subject)
    expect(email.text).toContain(`invoice ${invoice.number} is 12 days overdue (it was due November 12, 2026), with $130.00 still due.`)
    expect(email.text).toContain(`Amount due: $130.00, 12 days overdue (it was due November 12, 2026; invoice ${invoice.number})`)
    expect(email.text).toMatch(/Pay online: http:\/\/127\.0\.0\.1:\d+\/pay\/[\w-]{43}\n/)
    expect(email.text).toContain('Checks payable to Sparkle Windows, 12 Main St')
    expect(email.text).not.toContain('$180.00')

    // Once a day at most: a second chase is refused and says when the first went.
    const again = await app.action('invoice', 'remind', { invoice_id: invoice.id }, why)
    expectError(again, 409, 'CONFLICT')
    expect(again.body.error.message).toMatch(new RegExp(`^Invoice ${invoice.number} already has a reminder sent .*: one a day at most`))
  })

  it('an invoice not due yet is reminded without the word overdue; stopping the schedule does not stop a reminder asked for', async () => {
    const invoice = await sentInvoice('2026-12-05')
    expectData(await app.action('message', 'stop_follow_ups', { invoice_id: invoice.id }, why))
    const reminded = expectData(await app.action('invoice', 'remind', { invoice_id: invoice.id }, why))
    expect(reminded.invoice.days_overdue).toBe(0)
    const email = await delivered(reminded.message.id)
    expect(email.subject).toBe(`Reminder: invoice ${invoice.number} from Sparkle Windows is due December 5, 2026`)
    expect(email.text).toContain(`invoice ${invoice.number} is due December 5, 2026, with $180.00 still due.`)
    expect(email.text).toContain(`Amount due: $180.00, due December 5, 2026 (invoice ${invoice.number})`)
    expect(email.text).not.toMatch(/overdue/i)
  })

  it('refuses what cannot be chased, naming what to do instead, and without reasoning asks for it', async () => {
    const draft = expectData(
      await app.action('invoice', 'create', { contact_id: jane, line_items: [{ description: 'Gutters', unit_price_cents: 9_000 }] }),
    )
    const refused = await app.action('invoice', 'remind', { invoice_id: draft.id }, why)
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toContain('send it with invoice.send')
    const paid = await sentInvoice('2026-11-20')
    expectData(await app.action('invoice', 'record_payment', { invoice_id: paid.id, amount_cents: 18_000, method: 'cash' }, why))
    expect((await app.action('invoice', 'remind', { invoice_id: paid.id }, why)).body.error.message).toMatch(
      /is paid, with nothing to ask for/,
    )
    expect((await app.action('invoice', 'remind', { invoice_id: paid.id })).body.error.code).toBe('REASONING_REQUIRED')
    const unknown = await app.action('invoice', 'remind', { invoice_id: 'INV-2026-9999' }, why)
    expectError(unknown, 404, 'NOT_FOUND')
    // The message queue sends a reminder asked for by name here, not the invoice email again.
    const queued = await app.action('message', 'schedule', { contact_id: jane, kind: 'invoice_reminder', invoice_id: paid.id })
    expectError(queued, 400, 'VALIDATION_ERROR')
    expect(JSON.stringify(queued.body.error)).toContain('to chase an invoice now, call invoice.remind')
  })

  it("a note of the agent's own waits for the owner, who sees the reminder as Jane will read it", async () => {
    const invoice = await sentInvoice('2026-11-02')
    const queued = await app.action(
      'invoice',
      'remind',
      { invoice_id: invoice.id, note: 'We would be grateful for payment this week.' },
      why,
    )
    expect(queued.status).toBe(202)
    const request = expectData(await app.query({ type: 'authorization_requests', id: queued.body.data.request_id }))
    const card = request.preview.texts[0].after as string
    expect(card).toContain(`invoice ${invoice.number} is 22 days overdue (it was due November 2, 2026), with $180.00 still due.`)
    expect(card).toContain('We would be grateful for payment this week.')
  })
})
