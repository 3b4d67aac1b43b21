import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { engines } from '../helpers/databases.js'
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js'
import { pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

describe.each(engines)('close-out payment step with online payments on (%s)', (engine) => {
  let stripe: FakeStripe
  let f: TechFixture
  let tom: PageClient
  let hour = 14

  beforeAll(async () => {
    stripe = await startFakeStripe()
    f = await techFixture(engine, {
      llm: null,
      integrations: { stripe: createPaymentsClient({ secretKey: 'sk_test_fake', apiBase: stripe.url, timeoutMs: 2000 }) },
    })
    tom = await pageClient(f.app, 'tom@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
    await stripe?.close()
  })

  /** A new ticket closed out up to the payment step, where "Take payment now" was tapped; returns the payment page. */
  const payNow = async () => {
    const { id } = await f.book(`2026-11-05T${hour++}:00`, [f.techId])
    const p = (step: string) => `/tickets/${id}/closeout/${step}`
    await tom.get(`/tickets/${id}/closeout`)
    const steps: Array<[string, Array<[string, string]>]> = [
      [
        'work',
        [
          ['duration_minutes', '60'],
          ['quantity_0', '1'],
          ['op', 'confirm'],
        ],
      ],
      [
        'notes',
        [
          ['notes', ''],
          ['no_notes', '1'],
        ],
      ],
      ['next', [['kind', 'none']]],
      ['confirm', []],
      ['complete', []],
      ['payment', [['payment', 'pay_now']]],
    ]
    for (const [step, fields] of steps) expect((await tom.submit((await tom.get(p(step))).html, p(step), fields)).status, step).toBe(303)
    return { id, page: () => tom.get(p('payment')) }
  }

  it('Take payment now shows the payment page link for the invoice', async () => {
    const { id, page } = await payNow()
    const r = await page()
    expect(r.status).toBe(200)
    const session = [...stripe.sessions.values()].at(-1)!
    expect(session.metadata.invoice_id).toBe(
      (await f.app.t.admin.query<any>('select id from invoices where ticket_id = $1', [id])).rows[0].id,
    )
    expect(r.html).toContain(`href="${session.url}"`)
    expect(r.html).toContain('$150.00 due')
  })

  it('when Stripe fails, the page says so and offers to try again; the decision stays made', async () => {
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is having a bad day' })
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is having a bad day' })
    stripe.failNext(500, { type: 'api_error', message: 'Stripe is having a bad day' })
    const { id, page } = await payNow()
    const r = await page()
    expect(r.status).toBe(200)
    expect(r.html).toContain('The payment page could not be made right now')
    expect(r.html).toContain(`href="/tickets/${id}/closeout/payment">Try again`)
    expect((await f.app.t.admin.query<any>('select payment_choice from closeouts where ticket_id = $1', [id])).rows[0].payment_choice).toBe(
      'pay_now',
    )
    const retry = await page()
    expect(retry.html).toContain('Open the payment page')
  })
})

describe.each(engines)('close-out payment step when invoices carry no way to pay (%s)', (engine) => {
  let f: TechFixture
  let tom: PageClient

  beforeAll(async () => {
    f = await techFixture(engine, { llm: null, integrations: { stripe: null } })
    await f.app.t.admin.query(`update tenants set payment_instructions = '' where id = $1`, [f.app.tenant.tenant_id])
    tom = await pageClient(f.app, 'tom@sparkle.test')
  })
  afterAll(() => f?.app.close())

  it("Send invoice by email is refused with the reason; nothing is billed and the visit stays on the owner's list to bill", async () => {
    const { id } = await f.book('2026-11-05T14:00', [f.techId])
    const p = (step: string) => `/tickets/${id}/closeout/${step}`
    await tom.get(`/tickets/${id}/closeout`)
    const steps: Array<[string, Array<[string, string]>]> = [
      [
        'work',
        [
          ['duration_minutes', '60'],
          ['quantity_0', '1'],
          ['op', 'confirm'],
        ],
      ],
      [
        'notes',
        [
          ['notes', ''],
          ['no_notes', '1'],
        ],
      ],
      ['next', [['kind', 'none']]],
      ['confirm', []],
      ['complete', []],
    ]
    for (const [step, fields] of steps) expect((await tom.submit((await tom.get(p(step))).html, p(step), fields)).status, step).toBe(303)
    const refused = await tom.submit((await tom.get(p('payment'))).html, p('payment'), [['payment', 'send_invoice']])
    expect(refused.status).toBe(409)
    expect(refused.html).toContain('Invoice emails of this business carry no way to pay')
    expect(refused.html).toContain('The owner sets payment instructions in Settings')
    expect(
      (await f.app.t.admin.query<any>('select payment_choice from closeouts where ticket_id = $1', [id])).rows[0].payment_choice,
    ).toBeNull()
    expect((await f.app.t.admin.query<any>('select count(*)::int as n from invoices where ticket_id = $1', [id])).rows[0].n).toBe(0)
    const unbilled = (await f.app.query({ type: 'unbilled_work', id })).body.data
    expect(unbilled).toMatchObject({ id, reason: 'not_invoiced' })
  })
})
