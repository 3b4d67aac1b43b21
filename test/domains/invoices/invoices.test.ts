import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { signIn, type Browser } from '../../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, auditActions, countAsTenant, newContact, service, settings, ticket, allowAlways } from '../../helpers/fixtures.js'

describe.each(engines)('invoices through the API (%s)', (engine) => {
  let app: TestApp
  let owner: Browser
  let csrf: string
  let jane: string
  let screens: string
  let flexible: string
  let nextNumber = 1
  const expectNumber = () => `INV-2026-${String(nextNumber++).padStart(4, '0')}`

  beforeAll(async () => {
    // Tuesday 10 March 2026, 11:00 in Chicago.
    app = await startTestApp(engine, { now: () => new Date('2026-03-10T16:00:00Z') })
    // What these tests check is what the actions do, not the owner's queue.
    await allowAlways(app, 'invoice.create', 'invoice.update', 'invoice.record_payment')
    await settings(app, { default_tax_rate_bp: 825 })
    jane = await newContact(app, { display_name: 'Jane Invoice', email: 'jane@example.com' })
    screens = await service(app, { name: 'Screen Cleaning', pricing: 'per_unit', price_cents: 500, unit_name: 'screen' })
    flexible = await service(app, { name: 'Interior Windows', pricing: 'flexible', price_cents: null })
    owner = await signIn(app, 'owner@sparkle.test')
    csrf = (await owner.call('GET', '/auth/session')).body.data.csrf_token
  })
  afterAll(() => app.close())

  const ownerAction = (action: string, data: Record<string, unknown>) =>
    owner.call('POST', '/api/actions', { domain: 'invoice', action, data }, { 'x-csrf-token': csrf })

  const create = async (data: Record<string, unknown> = {}) => {
    const r = await app.action('invoice', 'create', {
      contact_id: jane,
      line_items: [{ description: 'Windows', unit_price_cents: 10_000 }],
      ...data,
    })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    return r.body.data
  }

  it('creates a standalone draft with per-line tax, totals, number, dates and terms', async () => {
    const r = await app.action('invoice', 'create', {
      contact_id: jane,
      line_items: [
        { service_id: screens, quantity: 12 },
        { description: 'Exterior windows', unit_price_cents: 18_999 },
        { description: 'Trip charge', unit_price_cents: 2500, taxable: false },
        { service_id: flexible, unit_price_cents: 19_000, tax_rate_bp: 10_000 },
      ],
      notes: 'Thank you!',
    })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    const inv = r.body.data
    expect(inv).toMatchObject({
      number: expectNumber(),
      status: 'draft',
      contact_id: jane,
      ticket_id: null,
      currency: 'USD',
      issued_on: '2026-03-10',
      due_on: '2026-03-25',
      terms: 'Net 15',
      notes: 'Thank you!',
      subtotal_cents: 6000 + 18_999 + 2500 + 19_000,
      tax_cents: 495 + 1567 + 0 + 19_000,
      total_cents: 46_499 + 21_062,
      amount_paid_cents: 0,
      amount_due_cents: 67_561,
      is_overdue: false,
      payments: [],
    })
    expect(
      inv.line_items.map((l: any) => [l.description, l.quantity, l.unit_price_cents, l.price_cents, l.tax_rate_bp, l.tax_cents]),
    ).toEqual([
      ['Screen Cleaning', 12, 500, 6000, 825, 495],
      ['Exterior windows', 1, 18_999, 18_999, 825, 1567],
      ['Trip charge', 1, 2500, 2500, 0, 0],
      ['Interior Windows', 1, 19_000, 19_000, 10_000, 19_000],
    ])
    const read = await app.query({ type: 'invoices', id: inv.id, include: 'audit_trail' })
    expect(read.body.data.audit_trail.map((a: any) => a.action)).toEqual(['create'])
    expect(read.body.data.audit_trail[0].changes.total_cents).toEqual({ old: null, new: 67_561 })
  })

  it('rounds a half cent of tax up on a stored invoice', async () => {
    await settings(app, { default_tax_rate_bp: 500 })
    try {
      const inv = await create({
        line_items: [
          { description: 'Half cent', unit_price_cents: 1050 },
          { description: 'Less than half', unit_price_cents: 1049 },
        ],
      })
      nextNumber++
      expect(inv.line_items.map((l: any) => l.tax_cents)).toEqual([53, 52])
      expect(inv).toMatchObject({ subtotal_cents: 2099, tax_cents: 105, total_cents: 2204 })
    } finally {
      await settings(app, { default_tax_rate_bp: 825 })
    }
  })

  it('refuses bad input naming the field, writes nothing and takes no number', async () => {
    const before = await countAsTenant(app, 'invoices')
    const linesBefore = await countAsTenant(app, 'invoice_line_items')
    const fields = async (data: Record<string, unknown>) => {
      const r = await app.action('invoice', 'create', data)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION_ERROR')
      return r.body.error.details.issues.map((i: any) => i.field)
    }
    const line = { description: 'X', unit_price_cents: 100 }
    expect(await fields({ line_items: [line] })).toEqual(['data.contact_id'])
    expect(await fields({ contact_id: jane, line_items: [] })).toEqual(['data.line_items'])
    expect(await fields({ contact_id: jane, line_items: [{ description: 'X', unit_price_cents: -5 }] })).toEqual([
      'data.line_items.0.unit_price_cents',
    ])
    expect(await fields({ contact_id: jane, line_items: [line, { description: 'X', unit_price_cents: 1, quantity: 0 }] })).toEqual([
      'data.line_items.1.quantity',
    ])
    expect(await fields({ contact_id: jane, line_items: [{ unit_price_cents: 100 }] })).toEqual(['data.line_items.0.description'])
    expect(await fields({ contact_id: jane, line_items: [{ service_id: flexible }] })).toEqual(['data.line_items.0.unit_price_cents'])
    expect(await fields({ contact_id: jane, line_items: [{ ...line, taxable: false, tax_rate_bp: 825 }] })).toEqual([
      'data.line_items.0.tax_rate_bp',
    ])
    expect(await fields({ contact_id: jane, line_items: [{ ...line, tax_rate_bp: 10_001 }] })).toEqual(['data.line_items.0.tax_rate_bp'])
    expect(await fields({ contact_id: jane, line_items: [line], issued_on: '2026-03-10', due_on: '2026-03-09' })).toEqual(['data.due_on'])
    expect(await fields({ contact_id: jane, line_items: [line], issued_on: '10/03/2026' })).toEqual(['data.issued_on'])
    expect(
      await fields({ contact_id: jane, line_items: [{ description: 'Huge', quantity: 100_000, unit_price_cents: 100_000_000 }] }),
    ).toEqual(['data.line_items.0'])
    const nobody = await app.action('invoice', 'create', { contact_id: '00000000-0000-4000-8000-000000000123', line_items: [line] })
    expect(nobody.status).toBe(404)
    const noService = await app.action('invoice', 'create', {
      contact_id: jane,
      line_items: [{ service_id: '00000000-0000-4000-8000-000000000124', quantity: 1 }],
    })
    expect(noService.status).toBe(404)
    expect(await countAsTenant(app, 'invoices')).toBe(before)
    expect(await countAsTenant(app, 'invoice_line_items')).toBe(linesBefore)
    expect((await create()).number).toBe(expectNumber())
  })

  it('invoices a ticket once, copying its line items and contact', async () => {
    const sam = await newContact(app, { display_name: 'Sam Ticket' })
    const t = await ticket(
      app,
      sam,
      [
        { description: 'Gutter Cleaning', unit_price_cents: 15_000 },
        { quantity: 10, service_id: screens },
        { description: 'Discounted travel', unit_price_cents: 1000, taxable: false },
      ],
      'completed',
    )
    const r = await app.action('invoice', 'create_from_ticket', { ticket_id: t.id, due_on: '2026-03-10' })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    expect(r.body.data).toMatchObject({
      number: expectNumber(),
      ticket_id: t.id,
      contact_id: sam,
      terms: 'Due on receipt',
      due_on: '2026-03-10',
      subtotal_cents: 21_000,
      tax_cents: 1238 + 413,
      total_cents: 22_651,
    })
    expect(r.body.data.line_items.map((l: any) => [l.description, l.quantity, l.unit_price_cents, l.tax_rate_bp, l.service_id])).toEqual([
      ['Gutter Cleaning', 1, 15_000, 825, null],
      ['Screen Cleaning', 10, 500, 825, screens],
      ['Discounted travel', 1, 1000, 0, null],
    ])
    const again = await app.action('invoice', 'create_from_ticket', { ticket_id: t.id })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('CONFLICT')
    expect(again.body.error.details).toEqual({ invoice_id: r.body.data.id, number: r.body.data.number })
    expect(again.body.error.message).toContain(r.body.data.number)

    const cancelled = await ticket(app, sam, [{ description: 'Windows', unit_price_cents: 100 }], 'cancelled')
    expect((await app.action('invoice', 'create_from_ticket', { ticket_id: cancelled.id })).status).toBe(409)
    const empty = await ticket(app, sam, [])
    const noLines = await app.action('invoice', 'create_from_ticket', { ticket_id: empty.id })
    expect(noLines.status).toBe(400)
    expect(noLines.body.error.details.issues[0].field).toBe('data.ticket_id')
    expect((await app.action('invoice', 'create_from_ticket', { ticket_id: '00000000-0000-4000-8000-000000000125' })).status).toBe(404)
    const byTicket = await app.query({ type: 'invoices', ticket_id: t.id, include: 'ticket,contact' })
    expect(byTicket.body.data.items).toHaveLength(1)
    expect(byTicket.body.data.items[0]).toMatchObject({
      ticket: { id: t.id, number: t.number, status: 'completed' },
      contact: { id: sam, display_name: 'Sam Ticket' },
    })
  })

  it('changes a draft (lines replaced, totals recomputed, audited) and nothing once money is recorded', async () => {
    const inv = await create()
    nextNumber++
    const r = await app.action('invoice', 'update', {
      invoice_id: inv.id,
      line_items: [{ description: 'Windows', quantity: 2, unit_price_cents: 7500 }],
      due_on: '2026-04-30',
      notes: 'Two visits',
    })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    expect(r.body.data).toMatchObject({
      subtotal_cents: 15_000,
      tax_cents: 1238,
      total_cents: 16_238,
      amount_due_cents: 16_238,
      due_on: '2026-04-30',
      notes: 'Two visits',
      number: inv.number,
    })
    expect(r.body.data.line_items).toHaveLength(1)
    const trail = await app.query({ type: 'audit_trail', entity_id: inv.id, action: 'update' })
    expect(trail.body.data.items[0].changes).toMatchObject({
      total_cents: { old: 10_825, new: 16_238 },
      due_on: { old: '2026-03-25', new: '2026-04-30' },
    })
    expect(trail.body.data.items[0].changes.line_items.new[0]).toMatchObject({ quantity: 2, unit_price_cents: 7500, tax_cents: 1238 })
    const badDue = await app.action('invoice', 'update', { invoice_id: inv.id, due_on: '2026-01-01' })
    expect(badDue.body.error.details.issues[0].field).toBe('data.due_on')

    await app.action('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 1000, method: 'cash' })
    const locked = await app.action('invoice', 'update', { invoice_id: inv.id, notes: 'too late' })
    expect(locked.status).toBe(409)
    expect(locked.body.error.details).toMatchObject({ status: 'partially_paid' })
    // The database refuses too, whoever asks.
    await expect(
      asTenant(app, (tx) => tx.query('update invoice_line_items set unit_price_cents = 1 where invoice_id = $1', [inv.id])),
    ).rejects.toMatchObject({ code: 'IMMUTABLE' })
  })

  it('records manual payments up to the amount due: partially paid, then paid, audited', async () => {
    const inv = await create()
    nextNumber++
    expect(inv.total_cents).toBe(10_825)
    const first = await app.action('invoice', 'record_payment', {
      invoice_id: inv.id,
      amount_cents: 5000,
      method: 'check',
      reference: 'Check 1042',
    })
    expect(first.status, JSON.stringify(first.body.error)).toBe(200)
    expect(first.body.data.invoice).toMatchObject({ status: 'partially_paid', amount_paid_cents: 5000, amount_due_cents: 5825 })
    expect(first.body.data.payment).toMatchObject({ amount_cents: 5000, method: 'check', reference: 'Check 1042' })
    const over = await app.action('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 5826, method: 'cash' })
    expect(over.status).toBe(400)
    expect(over.body.error.details.issues[0]).toEqual({ field: 'data.amount_cents', message: expect.stringContaining('5825') })
    expect(over.body.error.details.issues[0].message).toContain('accept_credit')
    const zero = await app.action('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 0, method: 'cash' })
    expect(zero.body.error.details.issues[0].field).toBe('data.amount_cents')
    const card = await app.action('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 1, method: 'stripe' })
    expect(card.body.error.details.issues[0].field).toBe('data.method')
    expect((await app.query({ type: 'invoices', id: inv.id, include: 'payments' })).body.data.payments).toHaveLength(1)
    const rest = await app.action('invoice', 'record_payment', {
      invoice_id: inv.id,
      amount_cents: 5825,
      method: 'cash',
      received_at: '2026-03-09T20:00:00Z',
    })
    expect(rest.body.data.invoice).toMatchObject({ status: 'paid', amount_paid_cents: 10_825, amount_due_cents: 0 })
    const paid = await app.action('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 1, method: 'cash' })
    expect(paid.status).toBe(409)
    expect(paid.body.error.message).toContain('accept_credit')
    const read = await app.query({ type: 'invoices', id: inv.id, include: 'payments,audit_trail' })
    expect(read.body.data).toMatchObject({ credit_cents: 0, amount_due_cents: 0 })
    expect(read.body.data.payments.map((p: any) => p.amount_cents)).toEqual([5825, 5000])
    expect(read.body.data.audit_trail.map((a: any) => a.action)).toEqual(['create', 'record_payment', 'record_payment'])
    expect(read.body.data.audit_trail[2].changes.status).toEqual({ old: 'partially_paid', new: 'paid' })
    expect(await auditActions(app, 'payment', first.body.data.payment.id)).toEqual(['create'])
  })

  it('records money beyond the amount due when the caller says it was received (accept_credit): the excess is a credit', async () => {
    const inv = await create()
    nextNumber++
    // Credit is money the business owes back: an agent's call waits for the owner, every time.
    const asked = await app.action(
      'invoice',
      'record_payment',
      { invoice_id: inv.id, amount_cents: 12_000, method: 'cash', accept_credit: true },
      { reasoning: 'The customer handed over $120 in cash' },
    )
    expect(asked.status).toBe(202)
    expect((await app.query({ type: 'invoices', id: inv.id })).body.data.amount_paid_cents).toBe(0)
    const over = await ownerAction('record_payment', {
      invoice_id: inv.id,
      amount_cents: 12_000,
      method: 'cash',
      accept_credit: true,
    })
    expect(over.status, JSON.stringify(over.body.error)).toBe(200)
    expect(over.body.data.invoice).toMatchObject({
      status: 'paid',
      amount_paid_cents: 12_000,
      amount_due_cents: 0,
      credit_cents: 12_000 - 10_825,
    })
    const twice = await ownerAction('record_payment', {
      invoice_id: inv.id,
      amount_cents: 500,
      method: 'check',
      accept_credit: true,
    })
    expect(twice.status, JSON.stringify(twice.body.error)).toBe(200)
    expect(twice.body.data.invoice).toMatchObject({
      status: 'paid',
      amount_paid_cents: 12_500,
      amount_due_cents: 0,
      credit_cents: 12_500 - 10_825,
    })
    const trail = await app.query({ type: 'audit_trail', entity_id: inv.id, action: 'record_payment' })
    expect(trail.body.data.items.map((a: any) => a.changes.credit_cents)).toEqual(
      expect.arrayContaining([
        { old: 0, new: 1175 },
        { old: 1175, new: 1675 },
      ]),
    )
  })

  it('voids only with the owner: an agent waits for authorization; with payments a reason is required', async () => {
    const inv = await create()
    nextNumber++
    await app.action('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 2000, method: 'cash' })
    const byAgent = await app.action('invoice', 'void', { invoice_id: inv.id }, { reasoning: 'Customer disputes the job' })
    expect(byAgent.body.data?.status).not.toBe('void')
    expect((await app.query({ type: 'invoices', id: inv.id })).body.data.status).toBe('partially_paid')

    const noReason = await ownerAction('void', { invoice_id: inv.id })
    expect(noReason.status).toBe(400)
    expect(noReason.body.error.details.issues[0].field).toBe('data.reason')
    const voided = await ownerAction('void', { invoice_id: inv.id, reason: 'Billed the wrong customer' })
    expect(voided.status, JSON.stringify(voided.body.error)).toBe(200)
    expect(voided.body.data).toMatchObject({
      status: 'void',
      void_reason: 'Billed the wrong customer',
      amount_paid_cents: 2000,
      amount_due_cents: 0,
      credit_cents: 2000,
    })
    expect(voided.body.data.payments).toHaveLength(1)
    expect((await ownerAction('void', { invoice_id: inv.id })).body.data.status).toBe('void')
    const pay = await app.action('invoice', 'record_payment', { invoice_id: inv.id, amount_cents: 1, method: 'cash' })
    expect(pay.status).toBe(409)
    const trail = await app.query({ type: 'audit_trail', entity_id: inv.id, action: 'void' })
    expect(trail.body.data.items).toHaveLength(1)
    expect(trail.body.data.items[0]).toMatchObject({ actor_type: 'user', changes: { status: { old: 'partially_paid', new: 'void' } } })

    const unpaid = await create()
    nextNumber++
    const plain = await ownerAction('void', { invoice_id: unpaid.id })
    expect(plain.body.data).toMatchObject({ status: 'void', void_reason: null })
  })

  it('archives settled invoices only, hiding them from default lists', async () => {
    const open = await create()
    nextNumber++
    await app.action('invoice', 'record_payment', { invoice_id: open.id, amount_cents: 100, method: 'other' })
    const refused = await app.action('invoice', 'archive', { invoice_id: open.id })
    expect(refused.status).toBe(409)
    await app.action('invoice', 'record_payment', { invoice_id: open.id, amount_cents: 10_725, method: 'other' })
    const archived = await app.action('invoice', 'archive', { invoice_id: open.id })
    expect(archived.status).toBe(200)
    expect(archived.body.data.archived_at).toBeTruthy()
    expect((await app.query({ type: 'invoices', limit: 100 })).body.data.items.map((i: any) => i.id)).not.toContain(open.id)
    expect((await app.query({ type: 'invoices', archived: 'true' })).body.data.items.map((i: any) => i.id)).toEqual([open.id])
    expect((await app.query({ type: 'invoices', id: open.id })).body.data.id).toBe(open.id)
    expect(await auditActions(app, 'invoice', open.id)).toEqual(['create', 'record_payment', 'record_payment', 'archive'])
  })

  it('lists by status, overdue, contact, number and issue dates with expansions', async () => {
    const kim = await newContact(app, { display_name: 'Kim Overdue' })
    const late = await create({ contact_id: kim, issued_on: '2026-01-15', due_on: '2026-02-14' })
    nextNumber++
    const lateButPaid = await create({ contact_id: kim, issued_on: '2026-01-20', due_on: '2026-02-01' })
    nextNumber++
    await app.action('invoice', 'record_payment', { invoice_id: lateButPaid.id, amount_cents: lateButPaid.total_cents, method: 'cash' })
    const current = await create({ contact_id: kim, due_on: '2026-03-11' })
    nextNumber++
    const ids = async (params: Record<string, string>) =>
      (await app.query({ type: 'invoices', contact_id: kim, limit: 100, ...params })).body.data.items.map((i: any) => i.id)
    expect(await ids({})).toEqual([current.id, lateButPaid.id, late.id])
    expect(await ids({ overdue: 'true' })).toEqual([late.id])
    expect(await ids({ overdue: 'false' })).toEqual([current.id, lateButPaid.id])
    expect(await ids({ status: 'paid' })).toEqual([lateButPaid.id])
    expect(await ids({ from: '2026-01-16', to: '2026-03-01' })).toEqual([lateButPaid.id])
    expect(await ids({ number: late.number.slice(4) })).toEqual([late.id])
    const overdueEverywhere = (await app.query({ type: 'invoices', overdue: 'true', limit: 100 })).body.data.items
    expect(overdueEverywhere.map((i: any) => i.id)).toEqual([late.id])
    expect(overdueEverywhere[0]).toMatchObject({ is_overdue: true, amount_due_cents: late.total_cents })
    expect(overdueEverywhere[0]).not.toHaveProperty('line_items')
    const full = await app.query({ type: 'invoices', id: late.id, include: 'line_items,payments,contact,ticket' })
    expect(full.body.data).toMatchObject({
      line_items: [{ description: 'Windows', tax_cents: 825 }],
      payments: [],
      contact: { display_name: 'Kim Overdue' },
      ticket: null,
    })
    const bad = await app.query({ type: 'invoices', overdue: 'yes' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.issues[0].field).toBe('overdue')
  })

  it('numbers by the year of the issue date in the business time zone, with the business prefix', async () => {
    const realNow = app.services.now
    try {
      // 03:00 UTC on 1 January 2026 is still 31 December 2025 in Chicago.
      app.services.now = () => new Date('2026-01-01T03:00:00Z')
      await settings(app, { invoice_prefix: 'SPK' })
      const inv = await create()
      expect(inv).toMatchObject({ number: 'SPK-2025-0001', issued_on: '2025-12-31', due_on: '2026-01-15' })
      const next = await create({ issued_on: '2026-02-01' })
      expect(next.number).toBe(`SPK-2026-${String(nextNumber++).padStart(4, '0')}`)
    } finally {
      app.services.now = realNow
      await settings(app, { invoice_prefix: 'INV' })
    }
  })

  it('invoices a ticket again once its invoice is void, and only then; the ticket and the unbilled list show the live one', async () => {
    const ria = await newContact(app, { display_name: 'Ria Redo' })
    const t = await ticket(app, ria, [{ description: 'Windows', unit_price_cents: 9000 }], 'completed')
    const first = expectData(await app.action('invoice', 'create_from_ticket', { ticket_id: t.id }))
    nextNumber++
    expect((await app.action('invoice', 'create_from_ticket', { ticket_id: t.id })).status).toBe(409)
    expectData(await ownerAction('void', { invoice_id: first.id, reason: 'Wrong price' }))
    const listed = expectData(await app.query({ type: 'unbilled_work', reason: 'not_invoiced' })).items.map((i: any) => i.id)
    expect(listed).toContain(t.id)
    const second = expectData(await app.action('invoice', 'create_from_ticket', { ticket_id: t.id }))
    nextNumber++
    expect(second.id).not.toBe(first.id)
    const again = await app.action('invoice', 'create_from_ticket', { ticket_id: t.id })
    expect(again.status).toBe(409)
    expect(again.body.error.details).toEqual({ invoice_id: second.id, number: second.number })
    const read = expectData(await app.query({ type: 'tickets', id: t.id, include: 'invoice' }))
    expect(read.invoice).toMatchObject({ id: second.id, status: 'draft' })
    expect(expectData(await app.query({ type: 'unbilled_work', reason: 'not_invoiced' })).items.map((i: any) => i.id)).not.toContain(t.id)
    expect(
      expectData(await app.query({ type: 'invoices', ticket_id: t.id }))
        .items.map((i: any) => i.id)
        .sort(),
    ).toEqual([first.id, second.id].sort())
  })
})
