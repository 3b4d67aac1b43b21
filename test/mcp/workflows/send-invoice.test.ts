import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { Principal } from '../../../core/context.js'
import { sendInvoice } from '../../../mcp/workflows/send-invoice.js'
import { engines } from '../../helpers/databases.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'

describe.each(engines)('send_invoice (%s)', (engine) => {
  let app: TestApp
  let principal: Principal
  const send = (args: { ticket_id?: string; invoice_id?: string; reasoning: string }) =>
    sendInvoice.run({ services: app.services, principal, requestId: randomUUID() }, args) as Promise<any>
  const ticket = async () => {
    const c = await app.action('contact', 'create', { first_name: 'Jane', last_name: 'Smith', email: `jane-${randomUUID()}@example.com` })
    const t = await app.action('ticket', 'create', { contact_id: c.body.data.id, scheduled_start: '2026-03-10T15:00:00Z',
      line_items: [{ description: 'Window cleaning', quantity: 1, unit_price_cents: 25_000 }] })
    expect(t.status).toBe(200)
    return t.body.data
  }
  beforeAll(async () => {
    app = await startTestApp(engine)
    principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
  })
  afterAll(() => app.close())

  it('creates the invoice from the ticket and schedules the invoice email, with the reasoning in the audit', async () => {
    const t = await ticket()
    const r = await send({ ticket_id: t.id, reasoning: 'job finished, customer asked for the bill' })
    expect(r.created).toBe(true)
    expect(r.invoice).toMatchObject({ total_cents: expect.any(Number), amount_due_cents: r.invoice.total_cents })
    expect(r.invoice.total_cents).toBeGreaterThanOrEqual(25_000)
    const msg = await app.query({ type: 'scheduled_messages', id: r.message.id, include: 'audit_trail' })
    const m = msg.body.data
    expect(m).toMatchObject({ kind: 'invoice', invoice_id: r.invoice.id, status: 'pending' })
    expect(m.audit_trail[0].reasoning).toBe('job finished, customer asked for the bill')
  })

  it('reuses the ticket\'s invoice the second time instead of creating another', async () => {
    const t = await ticket()
    const first = await send({ ticket_id: t.id, reasoning: 'send' })
    const second = await send({ ticket_id: t.id, reasoning: 'resend' })
    expect(second.created).toBe(false)
    expect(second.invoice.id).toBe(first.invoice.id)
    const byInvoice = await send({ invoice_id: first.invoice.id, reasoning: 'resend by id' })
    expect(byInvoice.invoice.id).toBe(first.invoice.id)
  })

  it('is the registered invoice.send action, which an agent calls only with reasoning', async () => {
    const t = await ticket()
    const bare = await app.action('invoice', 'send', { ticket_id: t.id })
    expect(bare.status).toBe(422)
    expect(bare.body.error.code).toBe('REASONING_REQUIRED')
    const sent = await app.action('invoice', 'send', { ticket_id: t.id }, { reasoning: 'the customer asked for the bill' })
    expect(sent.status).toBe(200)
    expect(sent.body.data).toMatchObject({ created: true, invoice: { status: 'sent' }, message: { status: 'pending' } })
  })

  it('refuses both or neither of ticket_id and invoice_id, and an unknown invoice', async () => {
    await expect(send({ reasoning: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    const t = await ticket()
    const r = await send({ ticket_id: t.id, reasoning: 'x' })
    await expect(send({ ticket_id: t.id, invoice_id: r.invoice.id, reasoning: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    await expect(send({ invoice_id: randomUUID(), reasoning: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
