import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, newContact, newService, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** Tuesday 2026-10-27, 10:15 in Chicago. */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)('orders: an accepted quote booked as visits, fulfilled when they close, invoiced once (%s)', (engine) => {
  let app: TestApp
  let jane: string
  let tess: string
  let windows: any
  let gutters: any

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    await app.ownerAction('settings', 'update', { default_tax_rate_bp: 800 })
    jane = await newContact(app, { display_name: 'Jane Order' })
    await app.action('contact', 'update', { contact_id: jane, email: 'jane@example.com' })
    tess = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tran')
    windows = await newService(app, { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000 })
    gutters = await newService(app, { name: 'Gutter clearing', pricing: 'flexible', price_cents: 10_000 })
  })
  afterAll(() => app.close())

  /** A quote for Jane the customer accepted (by phone), and its order. */
  async function acceptedOrder(): Promise<any> {
    const quote = expectData(
      await app.action('quote', 'create', {
        contact_id: jane,
        line_items: [
          { service_id: windows.id },
          { service_id: gutters.id, unit_price_cents: 9_000 },
          { description: 'Skylight', unit_price_cents: 4_000 },
        ],
      }),
    )
    return expectData(await app.action('quote', 'record_answer', { quote_id: quote.id, answer: 'accept' }, { reasoning: 'she said yes' }))
      .order
  }
  const order = async (id: string) => expectData(await app.query({ type: 'orders', id, include: 'line_items,tickets' }))
  const ticket = async (id: string) => expectData(await app.query({ type: 'tickets', id, include: 'line_items,notes' }))
  // The owner closes visits and calls orders off: the agent's close would wait for the owner's approval.
  // The visits are booked weeks after NOW: the owner closes them before their day, on purpose.
  const close = async (t: any) =>
    (await owner()).action('ticket', 'close', {
      ticket_id: t.id,
      duration_minutes: 60,
      notes: '',
      next_service: { kind: 'none' },
      line_items: t.line_items.map((l: any) => ({ line_item_id: l.id })),
      early: true,
    })
  let session: SignedIn | null = null
  const owner = async () => (session ??= await signedIn(app, await ownerId()))
  const ownerId = async () =>
    (await app.t.admin.query<{ id: string }>(`select id from users where tenant_id = $1 and role = 'owner'`, [app.tenant.tenant_id]))
      .rows[0].id

  it('books one ticket per visit at the quoted prices, each line on one visit, and the order is then in progress', async () => {
    const o = await acceptedOrder()
    expect(o).toMatchObject({
      number: 'O-2026-0001',
      status: 'pending_fulfilment',
      subtotal_cents: 28_000,
      tax_cents: 2_240,
      total_cents: 30_240,
    })
    const [win, gut, sky] = o.line_items
    const booked = expectData(
      await app.action('order', 'book', {
        order_id: o.id,
        visits: [
          { scheduled_start: '2026-11-03T09:00', duration_minutes: 120, technician_ids: [tess], line_item_ids: [win.id] },
          { scheduled_start: '2026-11-04T09:00', duration_minutes: 60, technician_ids: [tess], line_item_ids: [sky.id] },
        ],
      }),
    )
    expect(booked.status).toBe('in_progress')
    expect(booked.tickets.map((t: any) => [new Date(t.scheduled_start).toISOString(), t.status])).toEqual([
      ['2026-11-03T15:00:00.000Z', 'scheduled'],
      ['2026-11-04T15:00:00.000Z', 'scheduled'],
    ])
    const first = await ticket(booked.tickets[0].id)
    const second = await ticket(booked.tickets[1].id)
    // Lines no visit names go on the first visit; each keeps the quoted price.
    expect(first.line_items.map((l: any) => [l.description, l.service_id, l.unit_price_cents])).toEqual([
      ['Window cleaning', windows.id, 15_000],
      ['Gutter clearing', gutters.id, 9_000],
    ])
    expect(second.line_items.map((l: any) => [l.description, l.service_id, l.unit_price_cents])).toEqual([['Skylight', null, 4_000]])
    expect(first.notes).toBe('Order O-2026-0001')
    const emails = expectData(await app.query({ type: 'scheduled_messages', ticket_id: first.id, kind: 'confirmation' })).items
    expect(emails).toHaveLength(1)
    expectError(await app.action('order', 'book', { order_id: o.id, visits: [{ scheduled_start: '2026-11-05T09:00' }] }), 409, 'CONFLICT')
    expect(gut.description).toBe('Gutter clearing')
  })

  it("refuses a line that is not the order's, or a line on two visits, naming the field, and books nothing", async () => {
    const o = await acceptedOrder()
    const before = await countRows(app, 'tickets')
    expectFields(
      await app.action('order', 'book', {
        order_id: o.id,
        visits: [{ scheduled_start: '2026-11-10T09:00', line_item_ids: ['00000000-0000-4000-8000-000000000001'] }],
      }),
      ['data.visits.0.line_item_ids.0'],
    )
    expectFields(
      await app.action('order', 'book', {
        order_id: o.id,
        visits: [
          { scheduled_start: '2026-11-10T09:00', line_item_ids: [o.line_items[0].id] },
          { scheduled_start: '2026-11-11T09:00', line_item_ids: [o.line_items[0].id] },
        ],
      }),
      ['data.visits.1.line_item_ids.0'],
    )
    expectFields(await app.action('order', 'book', { order_id: o.id, visits: [] }), ['data.visits'])
    expect(await countRows(app, 'tickets')).toBe(before)
    expect((await order(o.id)).status).toBe('pending_fulfilment')
  })

  it("is fulfilled when its last visit closes; its visits are not billed on their own; it is invoiced once with the quote's lines", async () => {
    const o = await acceptedOrder()
    const booked = expectData(
      await app.action('order', 'book', {
        order_id: o.id,
        visits: [
          { scheduled_start: '2026-11-12T09:00', technician_ids: [tess] },
          { scheduled_start: '2026-11-13T09:00', technician_ids: [tess], line_item_ids: [o.line_items[2].id] },
        ],
      }),
    )
    expectError(await app.action('order', 'invoice', { order_id: o.id }), 409, 'CONFLICT')
    const [a, b] = await Promise.all(booked.tickets.map((t: any) => ticket(t.id)))
    expectData(await close(a))
    expect((await order(o.id)).status).toBe('in_progress')
    const separate = await app.action('invoice', 'create_from_ticket', { ticket_id: a.id })
    expectError(separate, 409, 'CONFLICT')
    expect(separate.body.error.message).toContain('order.invoice')
    expectData(await close(b))
    const done = await order(o.id)
    expect([done.status, done.fulfilled_at]).toEqual(['fulfilled', NOW.toISOString()])
    const billed = expectData(await app.action('order', 'invoice', { order_id: o.id }))
    expect(billed.order).toMatchObject({ status: 'invoiced', invoice_id: billed.invoice.id, invoiced_at: NOW.toISOString() })
    expect(billed.invoice).toMatchObject({
      status: 'draft',
      contact_id: jane,
      ticket_id: null,
      subtotal_cents: 28_000,
      tax_cents: 2_240,
      total_cents: 30_240,
    })
    expect(billed.invoice.line_items.map((l: any) => [l.description, l.unit_price_cents, l.tax_rate_bp])).toEqual([
      ['Window cleaning', 15_000, 800],
      ['Gutter clearing', 9_000, 800],
      ['Skylight', 4_000, 800],
    ])
    expectError(await app.action('order', 'invoice', { order_id: o.id }), 409, 'CONFLICT')
    expect(await auditTrailActions(app, 'orders', o.id)).toEqual(['create', 'book', 'fulfil', 'invoice'])
  })

  it('one way: changing or voiding the invoice changes neither the order nor the accepted quote', async () => {
    const o = await acceptedOrder()
    expectData(await app.action('order', 'fulfil', { order_id: o.id }, { reasoning: 'done on the spot' }))
    const { invoice } = expectData(await app.action('order', 'invoice', { order_id: o.id }))
    expectData(
      await app.action('invoice', 'update', { invoice_id: invoice.id, line_items: [{ description: 'Discounted', unit_price_cents: 100 }] }),
    )
    expectData(await (await owner()).action('invoice', 'void', { invoice_id: invoice.id, reason: 'redo' }))
    const after = await order(o.id)
    expect([after.status, after.total_cents, after.line_items.length, after.invoice_id]).toEqual(['invoiced', 30_240, 3, invoice.id])
    const quote = expectData(await app.query({ type: 'quotes', id: after.quote_id, include: 'line_items' }))
    expect([quote.status, quote.total_cents, quote.line_items.length]).toEqual(['accepted', 30_240, 3])
    expectError(await app.action('quote', 'update', { quote_id: quote.id, notes: 'x' }), 409, 'CONFLICT')
  })

  it('cancels an order not yet billed, with a reason; a billed order is not cancelled', async () => {
    const o = await acceptedOrder()
    expectFields(await (await owner()).action('order', 'cancel', { order_id: o.id }), ['data.reason'])
    const cancelled = expectData(await (await owner()).action('order', 'cancel', { order_id: o.id, reason: 'Moved away' }))
    expect([cancelled.status, cancelled.cancel_reason]).toEqual(['cancelled', 'Moved away'])
    expectError(await app.action('order', 'fulfil', { order_id: o.id }, { reasoning: 'x' }), 409, 'CONFLICT')
    const listed = expectData(await app.query({ type: 'orders', status: 'cancelled', contact_id: jane })).items
    expect(listed.map((x: any) => x.id)).toEqual([o.id])
  })
})
