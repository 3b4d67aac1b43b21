import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { Principal } from '../../../core/kernel/context.js'
import { sendInvoice } from '../../../mcp/workflows/send-invoice.js'
import { engines } from '../../helpers/databases.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { PAYMENT_INSTRUCTIONS, settings, signedIn, type SignedIn } from '../../helpers/fixtures.js'

describe.each(engines)('send_invoice (%s)', (engine) => {
  let app: TestApp
  let principal: Principal
  let owner: SignedIn
  const send = (args: { ticket_id?: string; invoice_id?: string; contact_id?: string; reasoning: string }) =>
    sendInvoice.run({ services: app.services, principal, requestId: randomUUID() }, args) as Promise<any>
  const ticket = async (contactId?: string, start = '2026-03-10T15:00:00Z') => {
    const c =
      contactId ??
      (await app.action('contact', 'create', { first_name: 'Jane', last_name: 'Smith', email: `jane-${randomUUID()}@example.com` })).body
        .data.id
    const t = await app.action('ticket', 'create', {
      contact_id: c,
      scheduled_start: start,
      line_items: [{ description: 'Window cleaning', quantity: 1, unit_price_cents: 25_000 }],
    })
    expect(t.status).toBe(200)
    return t.body.data
  }
  /** The owner closes the visit as done, with nothing planned after it. */
  const close = async (t: any) =>
    expectData(
      await owner.action('ticket', 'close', {
        ticket_id: t.id,
        duration_minutes: 60,
        line_items: t.line_items.map((l: any) => ({ line_item_id: l.id })),
        notes: '',
        next_service: { kind: 'none' },
      }),
    )
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()
  beforeAll(async () => {
    app = await startTestApp(engine)
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
    owner = await signedIn(app, app.tenant.owner_user_id)
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

  it('takes a visit by its number (#N) and an invoice by its number wherever an id is asked, and names an unknown number', async () => {
    const t = await ticket()
    const first = await send({ ticket_id: `#${t.number}`, reasoning: 'billed by the number the briefing gave' })
    expect(first.invoice).toMatchObject({ id: expect.any(String), number: expect.stringMatching(/^INV-\d{4}-\d+$/) })
    const byNumber = await send({ invoice_id: first.invoice.number.toLowerCase(), reasoning: 'resent by its number' })
    expect(byNumber.invoice.id).toBe(first.invoice.id)
    // crm_query's id and any action's ticket_id take them too.
    expect(expectData(await app.query({ type: 'tickets', id: String(t.number) })).id).toBe(t.id)
    expect(expectData(await app.query({ type: 'invoices', id: first.invoice.number })).id).toBe(first.invoice.id)
    const unknown = await app.action('invoice', 'send', { ticket_id: '#999999' }, { reasoning: 'a number nobody has' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'data.ticket_id: no visit #999999 in this business',
      details: { field: 'data.ticket_id' },
    })
    await expect(send({ invoice_id: 'INV-1999-0001', reasoning: 'x' })).rejects.toMatchObject({
      message: 'data.invoice_id: no invoice INV-1999-0001 in this business',
    })
  })

  it("reuses the ticket's invoice the second time instead of creating another", async () => {
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

  it('refuses two or none of ticket_id, invoice_id and contact_id, and an unknown invoice', async () => {
    await expect(send({ reasoning: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    const t = await ticket()
    const r = await send({ ticket_id: t.id, reasoning: 'x' })
    await expect(send({ ticket_id: t.id, invoice_id: r.invoice.id, reasoning: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    await expect(send({ ticket_id: t.id, contact_id: t.contact_id, reasoning: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    await expect(send({ invoice_id: randomUUID(), reasoning: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('answers the invoice it sent, and nothing about other work (no next visit, reach-out or call to queue one)', async () => {
    const soon = await ticket(undefined, inDays(2))
    const nothingPlanned = await send({ ticket_id: soon.id, reasoning: 'the customer pays ahead' })
    expect(Object.keys(nothingPlanned).sort()).toEqual(['created', 'invoice', 'message'])
    await ticket(soon.contact_id, inDays(30))
    const nextBooked = await send({ ticket_id: soon.id, reasoning: 'resend' })
    expect(Object.keys(nextBooked).sort()).toEqual(['created', 'invoice', 'message'])
    expect(JSON.stringify(nextBooked)).not.toMatch(/reach|follow/)
  })

  it("bills the customer's one completed visit from contact_id, and says what to give when there is none or several", async () => {
    const visit = await ticket()
    await expect(send({ contact_id: visit.contact_id, reasoning: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`not closed yet`),
    })
    await expect(send({ contact_id: visit.contact_id, reasoning: 'x' })).rejects.toMatchObject({
      message: expect.stringContaining(visit.id),
    })
    await close(visit)
    const billed = await send({ contact_id: visit.contact_id, reasoning: 'visit closed' })
    expect(billed.created).toBe(true)
    expect(expectData(await app.query({ type: 'invoices', id: billed.invoice.id })).ticket_id).toBe(visit.id)
    await expect(send({ contact_id: visit.contact_id, reasoning: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no completed visit waiting for an invoice'),
    })

    const one = await ticket(visit.contact_id, '2026-04-10T15:00:00Z')
    const two = await ticket(visit.contact_id, '2026-05-10T15:00:00Z')
    await close(one)
    await close(two)
    const several = send({ contact_id: visit.contact_id, reasoning: 'x' })
    await expect(several).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    const err = await several.catch((e) => e)
    expect(err.details.issues[0]).toMatchObject({ field: 'contact_id', message: expect.stringContaining(one.id) })
    expect(err.details.issues[0].message).toContain(two.id)
  })
})
