import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../../core/kernel/context.js'
import { performAction, performQuery } from '../../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { newContact, ticket } from '../../helpers/fixtures.js'

describe.each(engines)('an approval the owner can trust (%s)', (engine) => {
  let app: TestApp
  let owner: Principal
  const asOwner = (domain: string, action: string, data: Record<string, unknown>) =>
    performAction(app.services, owner, { domain, action, data }, { requestId: 'owner-test' })
  const requestCount = async () =>
    Number(
      (
        await app.t.admin.query<{ n: number }>('select count(*)::int as n from authorization_requests where tenant_id = $1', [
          app.tenant.tenant_id,
        ])
      ).rows[0].n,
    )

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
  })
  afterAll(() => app.close())

  it('refuses to queue closing a ticket that is already completed, with the reason, instead of letting the owner allow a failure', async () => {
    const jane = await newContact(app, { display_name: 'Jane Done' })
    const done = await ticket(app, jane, [{ description: 'Windows', unit_price_cents: 9000 }], 'completed')
    const before = await requestCount()
    const r = await app.action(
      'ticket',
      'close',
      {
        ticket_id: done.id,
        duration_minutes: 30,
        line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
        notes: '',
        next_service: { kind: 'none' },
      },
      { reasoning: 'The technician says the job is done' },
    )
    expect(r.status).toBe(409)
    expect(r.body.error.code).toBe('IMMUTABLE')
    expect(r.body.error.message).toMatch(/completed/)
    expect(await requestCount()).toBe(before)
    expect(app.email.sent.filter((m) => m.subject.startsWith('Your approval is needed'))).toHaveLength(0)
  })

  it('stores what the call will do for the owner and the agent: customer, lines, total in the business currency', async () => {
    const lena = await newContact(app, { display_name: 'Lena Void' })
    const inv = (
      await app.action('invoice', 'create', {
        contact_id: lena,
        line_items: [{ description: 'Windows', unit_price_cents: 12000, taxable: false }],
      })
    ).body.data
    const queued = await app.action('invoice', 'void', { invoice_id: inv.id }, { reasoning: 'Duplicate' })
    expect(queued.status).toBe(202)
    const stored = (await app.query({ type: 'authorization_requests', id: queued.body.data.request_id })).body.data
    expect(stored.summary).toBe(`Void invoice ${inv.number} for Lena Void ($120.00): nothing will be due on it any more`)
    expect(stored.preview).toMatchObject({
      customer: { id: lena, name: 'Lena Void' },
      lines: [{ description: 'Windows', quantity: 1, amount_cents: 12000 }],
      total: { label: 'Invoice total', amount_cents: 12000 },
      currency: 'USD',
      timezone: 'America/Chicago',
      facts: { amount_cents: 12000, amount_paid_cents: 0 },
    })
  })

  it('a denial carries a reason from the list and a note, which the agent reads with crm_authorization_status', async () => {
    const kim = await newContact(app, { display_name: 'Kim Keep' })
    const queued = await app.action('contact', 'delete', { contact_id: kim }, { reasoning: 'Looks like a duplicate' })
    const id = queued.body.data.request_id
    await expect(asOwner('authorization', 'decide', { request_id: id, decision: 'allow_once', reason: 'not_now' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    })
    await expect(asOwner('authorization', 'decide', { request_id: id, decision: 'deny', reason: 'sometime' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    })
    await asOwner('authorization', 'decide', {
      request_id: id,
      decision: 'deny',
      reason: 'wrong_customer',
      note: 'That is Kim Senior, not Junior.',
    })
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const status = toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: { request_id: id } }))
    const whole = toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: { request_id: id, full: true } }))
    await client.close()
    // The short answer says why in one line; full: true gives the reason's key and the note as fields.
    expect(status.json).toMatchObject({ status: 'denied', outcome: 'denied (Wrong customer): That is Kim Senior, not Junior.' })
    expect(status.json.next_step).toContain('do not make the same call again unchanged')
    expect(whole.json).toMatchObject({ status: 'denied', reason: 'wrong_customer', note: 'That is Kim Senior, not Junior.' })
    expect((await app.query({ type: 'contacts', id: kim })).status).toBe(200)
  })

  it('the owner edits a queued call: checked against the schema and the data, run as edited, and the agent reads the changes', async () => {
    const vic = await newContact(app, { display_name: 'Vic Edit' })
    const inv = (
      await app.action('invoice', 'create', {
        contact_id: vic,
        line_items: [{ description: 'Windows', unit_price_cents: 9000, taxable: false }],
      })
    ).body.data
    const queued = await app.action('invoice', 'void', { invoice_id: inv.id, reason: 'duplicate' }, { reasoning: 'Entered twice' })
    const id = queued.body.data.request_id
    await expect(
      asOwner('authorization', 'edit', { request_id: id, data: { invoice_id: inv.id, reason: 'x'.repeat(501) } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('data.reason') })
    await expect(asOwner('authorization', 'edit', { request_id: id, data: { invoice_id: inv.id, surprise: 1 } })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    })
    expect((await app.query({ type: 'authorization_requests', id })).body.data).toMatchObject({
      data: { reason: 'duplicate' },
      edits: null,
    })
    expect(
      (await app.action('authorization', 'edit', { request_id: id, data: { invoice_id: inv.id, reason: 'mine' } }, { reasoning: 'x' }))
        .status,
    ).toBe(403)

    await asOwner('authorization', 'edit', { request_id: id, data: { invoice_id: inv.id, reason: 'Customer cancelled the job' } })
    await asOwner('authorization', 'decide', { request_id: id, decision: 'allow_once' })
    expect((await app.query({ type: 'invoices', id: inv.id })).body.data).toMatchObject({
      status: 'void',
      void_reason: 'Customer cancelled the job',
    })
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const status = toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: { request_id: id } }))
    const whole = toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: { request_id: id, full: true } }))
    await client.close()
    expect(status.json.outcome).toBe(
      `executed: Void invoice ${inv.number} for Vic Edit ($90.00): nothing will be due on it any more, as the owner edited it ` +
        `(reason "duplicate" → "Customer cancelled the job"); result: ${inv.number} Vic Edit void, id ${inv.id}`,
    )
    expect(whole.json).toMatchObject({
      status: 'executed',
      edits: { reason: { before: 'duplicate', after: 'Customer cancelled the job' } },
    })
  })

  it('shows an update as each field before and after', async () => {
    await asOwner('permission', 'set', { action: 'ticket.update', permission: 'requires_authorization' })
    const una = await newContact(app, { display_name: 'Una Update' })
    const t = (
      await app.action('ticket', 'create', {
        contact_id: una,
        scheduled_start: '2026-12-01T15:00:00Z',
        duration_minutes: 60,
        notes: 'Side gate',
        line_items: [{ description: 'Windows', unit_price_cents: 5000 }],
      })
    ).body.data
    const queued = await app.action(
      'ticket',
      'update',
      { ticket_id: t.id, notes: 'Front gate, dog in yard' },
      { reasoning: 'Customer called' },
    )
    const stored = (await app.query({ type: 'authorization_requests', id: queued.body.data.request_id })).body.data
    expect(stored.preview.changes).toEqual([{ field: 'notes', before: 'Side gate', after: 'Front gate, dog in yard' }])
    expect(stored.summary).toBe(`Change notes on ticket #${t.number} for Una Update`)
    await asOwner('permission', 'set', { action: 'ticket.update', permission: 'default' })
  })

  it('a standing rule lets the agent void small invoices without asking, records which rule allowed it, and stops when revoked or expired', async () => {
    const ann = await newContact(app, { display_name: 'Ann Rule' })
    const invoice = async (cents: number) =>
      (
        await app.action('invoice', 'create', {
          contact_id: ann,
          line_items: [{ description: 'Windows', unit_price_cents: cents, taxable: false }],
        })
      ).body.data
    expect(
      (
        await app.action(
          'standing_rule',
          'create',
          { action: 'invoice.void', conditions: [{ fact: 'amount_cents', op: 'at_most', value: 5000 }] },
          { reasoning: 'x' },
        )
      ).status,
    ).toBe(403)
    await expect(
      asOwner('standing_rule', 'create', { action: 'invoice.void', conditions: [{ fact: 'hours_notice', op: 'at_least', value: 1 }] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('amount_cents') })
    const rule = (
      await asOwner('standing_rule', 'create', {
        action: 'invoice.void',
        conditions: [{ fact: 'amount_cents', op: 'at_most', value: 5000 }],
      })
    ).result as any

    const small = await invoice(4000)
    const ran = await app.action('invoice', 'void', { invoice_id: small.id }, { reasoning: 'Duplicate' })
    expect(ran.status).toBe(200)
    expect(ran.body.data.status).toBe('void')
    const allowedBy = await app.t.admin.query<{ entity_id: string; request_id: string }>(
      `select entity_id, request_id from audit_log where tenant_id = $1 and entity_type = 'standing_rule' and action = 'allow'`,
      [app.tenant.tenant_id],
    )
    expect(allowedBy.rows.map((r) => r.entity_id)).toEqual([rule.id])
    const voidAudit = await app.t.admin.query<{ request_id: string }>(
      `select request_id from audit_log where tenant_id = $1 and entity_type = 'invoice' and entity_id = $2 and action = 'void'`,
      [app.tenant.tenant_id, small.id],
    )
    expect(voidAudit.rows[0].request_id).toBe(allowedBy.rows[0].request_id)

    const big = await invoice(12000)
    expect((await app.action('invoice', 'void', { invoice_id: big.id }, { reasoning: 'Duplicate' })).status).toBe(202)

    const listed = ((await performQuery(app.services, owner, { type: 'standing_rules' }, { requestId: 'x' })) as any).items
    expect(listed).toEqual([
      expect.objectContaining({
        id: rule.id,
        action: 'invoice.void',
        status: 'active',
        conditions_text: ['the invoice total is at most $50.00'],
      }),
    ])
    await asOwner('standing_rule', 'revoke', { rule_id: rule.id })
    expect((await app.action('invoice', 'void', { invoice_id: (await invoice(3000)).id }, { reasoning: 'Duplicate' })).status).toBe(202)

    const expiring = (
      await asOwner('standing_rule', 'create', { action: 'invoice.void', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
    ).result as any
    expect((await app.action('invoice', 'void', { invoice_id: (await invoice(90000)).id }, { reasoning: 'Duplicate' })).status).toBe(200)
    await app.t.admin.query(`update standing_rules set expires_at = now() - interval '1 minute' where id = $1`, [expiring.id])
    expect((await app.action('invoice', 'void', { invoice_id: (await invoice(3000)).id }, { reasoning: 'Duplicate' })).status).toBe(202)
  })

  it('a standing rule on hours of notice: a cancellation 48 hours ahead or more runs, a later one waits for the owner', async () => {
    await asOwner('permission', 'set', { action: 'ticket.cancel', permission: 'requires_authorization' })
    await asOwner('standing_rule', 'create', { action: 'ticket.cancel', conditions: [{ fact: 'hours_notice', op: 'at_least', value: 48 }] })
    const cal = await newContact(app, { display_name: 'Cal Cancel' })
    const day = (n: number) => `${new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)}T15:00:00Z`
    const book = async (n: number) =>
      (
        await app.action('ticket', 'create', {
          contact_id: cal,
          scheduled_start: day(n),
          duration_minutes: 60,
          line_items: [{ description: 'Windows', unit_price_cents: 5000 }],
        })
      ).body.data
    const far = await book(3)
    const near = await book(1)
    expect(
      (await app.action('ticket', 'cancel', { ticket_id: far.id, reason: 'Customer asked' }, { reasoning: 'Phone call' })).status,
    ).toBe(200)
    expect(
      (await app.action('ticket', 'cancel', { ticket_id: near.id, reason: 'Customer asked' }, { reasoning: 'Phone call' })).status,
    ).toBe(202)
    await asOwner('permission', 'set', { action: 'ticket.cancel', permission: 'default' })
  })

  it('the dry run leaves no gap in invoice numbers and no scheduled emails behind', async () => {
    const nia = await newContact(app, { display_name: 'Nia Numbers', email: 'nia@example.com' })
    const line = [{ description: 'Windows', unit_price_cents: 5000, taxable: false }]
    const first = (await app.action('invoice', 'create', { contact_id: nia, line_items: line })).body.data
    await asOwner('permission', 'set', { action: 'invoice.create', permission: 'requires_authorization' })
    await asOwner('permission', 'set', { action: 'ticket.create', permission: 'requires_authorization' })
    expect((await app.action('invoice', 'create', { contact_id: nia, line_items: line }, { reasoning: 'Extra work' })).status).toBe(202)
    const booked = await app.action(
      'ticket',
      'create',
      {
        contact_id: nia,
        scheduled_start: `${new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10)}T15:00:00Z`,
        duration_minutes: 60,
        line_items: line,
      },
      { reasoning: 'Customer asked' },
    )
    expect(booked.status).toBe(202)
    await asOwner('permission', 'set', { action: 'invoice.create', permission: 'default' })
    await asOwner('permission', 'set', { action: 'ticket.create', permission: 'default' })
    const next = (await app.action('invoice', 'create', { contact_id: nia, line_items: line })).body.data
    const seq = (n: string) => Number(n.split('-').pop())
    expect(seq(next.number)).toBe(seq(first.number) + 1)
    const messages = await app.t.admin.query('select 1 from scheduled_messages where tenant_id = $1 and contact_id = $2', [
      app.tenant.tenant_id,
      nia,
    ])
    expect(messages.rows).toHaveLength(0)
    const tickets = await app.t.admin.query('select 1 from tickets where tenant_id = $1 and contact_id = $2', [app.tenant.tenant_id, nia])
    expect(tickets.rows).toHaveLength(0)
  })
})
