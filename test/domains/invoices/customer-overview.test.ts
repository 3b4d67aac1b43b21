import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { asTenant, newContact, service, settings, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'
import { customerOverviewQuery } from '../../../core/domains/invoices/customer-overview.js'

// Monday 2026-11-02 15:00 UTC = 09:00 in Chicago, the business's zone.
const NOW = new Date('2026-11-02T15:00:00Z')

describe.each(engines)('customer_overview: last visit, next visit and balance of several customers in one read (%s)', (engine) => {
  let app: TestApp
  let windows: string
  let gutters: string
  const act = async (domain: string, action: string, data: Record<string, unknown>) => expectData(await app.action(domain, action, data))
  const read = async (filters: Record<string, string | number>) => expectData(await app.query({ type: 'customer_overview', ...filters }))

  /** A ticket at `start` with the given services, then set to `status` as its close or cancellation would. */
  const visit = async (contactId: string, start: string, services: string[], status = 'scheduled', minutes = 60) => {
    const t = await act('ticket', 'create', {
      contact_id: contactId,
      scheduled_start: start,
      duration_minutes: minutes,
      line_items: services.map((id) => ({ service_id: id })),
    })
    if (status !== 'scheduled') {
      await asTenant(app, (tx) =>
        tx.query(`update tickets set status = $2, closed_at = case when $2 = 'completed' then now() end where id = $1`, [t.id, status]),
      )
    }
    return t as { id: string; number: number }
  }
  const fact = (contactId: string, ticketId: string | null, key: string, value: unknown) =>
    asTenant(app, (tx) =>
      tx.query(`insert into attributes (tenant_id, contact_id, key, value, source, source_ticket_id) values ($1, $2, $3, $4, $5, $6)`, [
        app.tenant.tenant_id,
        contactId,
        key,
        JSON.stringify(value),
        ticketId ? 'ticket_closeout' : 'manual',
        ticketId,
      ]),
    )
  const invoice = async (contactId: string, cents: number, status: string, paid = 0, archived = false) => {
    const made = await act('invoice', 'create', {
      contact_id: contactId,
      line_items: [{ description: 'Windows', unit_price_cents: cents }],
    })
    if (status !== 'draft') {
      await asTenant(app, (tx) =>
        tx.query(
          `update invoices set status = $2, sent_at = now(), amount_paid_cents = $3,
        archived_at = case when $4 then now() end where id = $1`,
          [made.id, status, paid, archived],
        ),
      )
    }
    return made as { id: string; number: string; due_on: string }
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    await settings(app, { default_tax_rate_bp: 1000 })
    windows = await service(app, { name: 'Window Cleaning', pricing: 'fixed', price_cents: 15_000, taxable: true })
    gutters = await service(app, { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 8_000, taxable: false })
  })
  afterAll(() => app.close())

  it("tells each customer's latest completed visit with its services, total, note and facts, the next visit and what is still due", async () => {
    const ann = await newContact(app, { display_name: 'Ann Overview' })
    // Completed 2026-10-06 02:30 UTC: the evening of 10-05 in Chicago, the day the business saw it.
    const older = await visit(ann, '2026-09-01T15:00:00Z', [gutters], 'completed')
    const last = await visit(ann, '2026-10-06T02:30:00Z', [windows, gutters], 'scheduled', 90)
    await act('note', 'add', { ticket_id: last.id, content: 'First   note.' })
    await act('note', 'add', { ticket_id: last.id, content: `Back gate sticks;\n ${'long '.repeat(30)}end` })
    await asTenant(app, (tx) =>
      tx.query(`update tickets set duration_minutes = 202, status = 'completed', closed_at = now() where id = $1`, [last.id]),
    )
    for (const [key, value] of [
      ['pets', ['dog', 'cat']],
      ['equipment', 'extension ladder'],
      ['floors', 2],
      ['access', { gate: '4821' }],
    ] as const) {
      await fact(ann, last.id, key, value)
    }
    await fact(ann, older.id, 'aaa_older', 'not from the last visit')
    await fact(ann, null, 'aab_manual', 'not from a visit')
    // A visit over already, a cancelled one and a later one: the next is the first not over yet.
    await visit(ann, '2026-11-02T13:00:00Z', [windows], 'scheduled', 60)
    await visit(ann, '2026-11-03T15:00:00Z', [windows], 'cancelled')
    const next = await visit(ann, '2026-11-04T15:00:00Z', [windows])
    await visit(ann, '2026-11-20T15:00:00Z', [windows])
    const sent = await invoice(ann, 10_000, 'sent')
    const partly = await invoice(ann, 5_000, 'partially_paid', 2_000)
    const overdue = await invoice(ann, 1_000, 'overdue')
    await invoice(ann, 7_000, 'draft')
    await invoice(ann, 9_000, 'paid', 9_000)
    await invoice(ann, 4_000, 'void')
    // Archived, as the invoices list and the receivables leave it out.
    await invoice(ann, 6_000, 'sent', 0, true)

    const [item] = (await read({ contact_ids: ann })).items
    expect(customerOverviewQuery.record.safeParse(item).error).toBeUndefined()
    expect(item).toEqual({
      contact_id: ann,
      last_visit: {
        ticket_id: last.id,
        number: last.number,
        date: '2026-10-05',
        services: 'Window Cleaning, Gutter Cleaning',
        actual_minutes: 202,
        time_on_site: '3h22m',
        booked_minutes: 90,
        total_cents: 15_000 + 1_500 + 8_000,
        currency: 'USD',
        // Summarized at a word end, never mid-word; every fact the close-out confirmed, in full.
        note: `Back gate sticks; ${'long '.repeat(28).trim()}…`,
        facts: ['access: {"gate":"4821"}', 'equipment: extension ladder', 'floors: 2', 'pets: dog/cat'],
      },
      next_ticket: {
        ticket_id: next.id,
        number: next.number,
        scheduled_start: '2026-11-04T15:00:00.000Z',
        starts: 'Wed 2026-11-04 09:00',
        status: 'scheduled',
      },
      // Invoice lines are taxed at the business's 10%; what was paid is not due.
      open_balance_cents: 11_000 + (5_500 - 2_000) + 1_100,
      // The invoices that make the balance, the oldest due first (all due the same day here: by number).
      open_invoices: [
        { id: sent.id, number: sent.number, due_on: sent.due_on, amount_paid_cents: 0, amount_due_cents: 11_000 },
        { id: partly.id, number: partly.number, due_on: partly.due_on, amount_paid_cents: 2_000, amount_due_cents: 3_500 },
        { id: overdue.id, number: overdue.number, due_on: overdue.due_on, amount_paid_cents: 0, amount_due_cents: 1_100 },
      ],
      currency: 'USD',
    })
  })

  it('answers in the order asked, null for a customer with no visits, and leaves out one the business does not have', async () => {
    const bea = await newContact(app, { display_name: 'Bea Nothing' })
    const cal = await newContact(app, { display_name: 'Cal Done' })
    const done = await visit(cal, '2026-10-01T15:00:00Z', [], 'completed')
    const other = await app.createTenant('Elsewhere Windows')
    const stranger = expectData(await app.action('contact', 'create', { display_name: 'Not Ours' }, { token: other.agent_token }))
      .id as string
    const items = (await read({ contact_ids: `${cal},${stranger},${bea}` })).items
    expect(items.map((i: any) => i.contact_id)).toEqual([cal, bea])
    expect(items[0].last_visit).toMatchObject({
      ticket_id: done.id,
      services: '',
      total_cents: 0,
      note: null,
      facts: [],
      time_on_site: null,
    })
    expect(items[1]).toEqual({
      contact_id: bea,
      last_visit: null,
      next_ticket: null,
      open_balance_cents: 0,
      open_invoices: [],
      currency: 'USD',
    })

    // Paged like any list when fewer are asked for than named.
    const first = await read({ contact_ids: `${cal},${bea}`, limit: 1 })
    expect(first.items.map((i: any) => i.contact_id)).toEqual([cal])
    const second = await read({ contact_ids: `${cal},${bea}`, limit: 1, cursor: first.next_cursor })
    expect(second.items.map((i: any) => i.contact_id)).toEqual([bea])
    expect(second.next_cursor).toBeNull()
    // It has no records of its own to read by id, and says how to read one customer.
    const byId = await app.query({ type: 'customer_overview', id: bea, contact_ids: bea })
    expectError(byId, 404, 'NOT_FOUND')
    expect(byId.body.error.message).toContain(`contact_ids=${bea}`)
  })

  it('refuses a read without customers, a list that is not ids and a merged customer, naming the field', async () => {
    const none = await app.query({ type: 'customer_overview' })
    expectError(none, 400, 'VALIDATION_ERROR')
    expect(none.body.error.details.issues).toEqual([{ field: 'contact_ids', message: expect.any(String) }])
    const bad = await app.query({ type: 'customer_overview', contact_ids: 'not-an-id' })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(bad.body.error.details.issues).toEqual([{ field: 'contact_ids', message: 'expected up to 100 contact ids separated by commas' }])
    const kept = await newContact(app, { display_name: 'Dee Kept' })
    const gone = await newContact(app, { display_name: 'Dee Gone' })
    await asTenant(app, (tx) => tx.query('update contacts set merged_into = $1, merged_at = now() where id = $2', [kept, gone]))
    const merged = await app.query({ type: 'customer_overview', contact_ids: `${kept},${gone}` })
    expectError(merged, 409, 'CONFLICT')
    expect(merged.body.error.details).toMatchObject({ field: 'contact_ids', merged_into: { id: kept } })
  })

  it('is closed to technicians, as invoices are', async () => {
    const ann = await newContact(app, { display_name: 'Ann Tech' })
    const tess = await signedIn(app, await addUser(app, 'tess@overview.test', 'technician', 'Tess Tech'))
    expectError(await tess.query({ type: 'customer_overview', contact_ids: ann }), 403, 'FORBIDDEN')
  })
})
