import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { allowAlways, newContact, person, type SignedIn } from '../../helpers/fixtures.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

describe.each(engines)('invoice.refund names the invoice by its number, as every invoice action does (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let client: Client
  let invoice: { id: string; number: string }
  let paymentId: string

  beforeAll(async () => {
    app = await startTestApp(engine)
    await allowAlways(app, 'invoice.create')
    const jane = await newContact(app, { display_name: 'Jane Harper', email: 'jane@harper.test' })
    invoice = expectData(
      await app.action('invoice', 'create', { contact_id: jane, line_items: [{ description: 'Windows', unit_price_cents: 20_000 }] }),
    )
    owner = await person(app, 'boss@sparkle.test')
    // The owner records the cash by the invoice's number too.
    const paid = expectData(
      await owner.action('invoice', 'record_payment', { invoice_id: invoice.number, amount_cents: 8_000, method: 'cash' }),
    )
    paymentId = paid.payment.id
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  it('the owner refunds through the API with the invoice number; the refund and the audit hold the invoice id', async () => {
    const refund = expectData(
      await owner.action('invoice', 'refund', { invoice_id: invoice.number.toLowerCase(), payment_id: paymentId, amount_cents: 3_000 }),
    )
    expect(refund).toMatchObject({ invoice_id: invoice.id, payment_id: paymentId, amount_cents: 3_000, payment_refunded_cents: 3_000 })
    const [audited] = (
      await app.t.admin.query<{ entity_id: string }>(
        `select entity_id from audit_log where tenant_id = $1 and entity_type = 'invoice' and action = 'refund'`,
        [app.tenant.tenant_id],
      )
    ).rows
    expect(audited.entity_id).toBe(invoice.id)
  })

  it('an invoice number no invoice has is NOT_FOUND naming the field, and nothing is refunded', async () => {
    const r = await owner.action('invoice', 'refund', { invoice_id: 'INV-2099-0042', payment_id: paymentId, amount_cents: 1_000 })
    expect(r.status).toBe(404)
    expect(r.body.error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'data.invoice_id: no invoice INV-2099-0042 in this business',
      details: { field: 'data.invoice_id', entity: 'invoice' },
    })
    const left = await app.t.admin.query<{ refunded_cents: number }>('select refunded_cents from payments where id = $1', [paymentId])
    expect(left.rows[0].refunded_cents).toBe(3_000)
  })

  it("a payment that is not the named invoice's is NOT_FOUND naming payment_id", async () => {
    const r = await owner.action('invoice', 'refund', {
      invoice_id: invoice.number,
      payment_id: '00000000-0000-4000-8000-000000000009',
      amount_cents: 1_000,
    })
    expect(r.status).toBe(404)
    expect(r.body.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'data.payment_id' } })
  })

  it('an agent through MCP is refused at once, before the number is looked up, even one no invoice has', async () => {
    for (const invoiceId of [invoice.number, 'INV-2099-0042']) {
      const refused = toolJson(
        await client.callTool({
          name: 'crm_action',
          arguments: { domain: 'invoice', action: 'refund', data: { invoice_id: invoiceId, payment_id: paymentId, amount_cents: 1_000 } },
        }),
      )
      expect(refused.isError).toBe(true)
      expect(refused.json.error).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/^invoice\.refund can only be done by a person signed in, never by an agent/),
      })
    }
    const left = await app.t.admin.query<{ refunded_cents: number }>('select refunded_cents from payments where id = $1', [paymentId])
    expect(left.rows[0].refunded_cents).toBe(3_000)
  })
})
