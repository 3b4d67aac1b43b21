import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { snapshotTenant } from '../../helpers/tenant-data.js'
import { MAX_CENTS } from '../../../core/vocabulary/money.js'
import { squareCsv, squareCustomers, squareSalesCsv } from '../../../core/demo/square-export.js'
import { expectFields, signedIn, type SignedIn } from '../../helpers/fixtures.js'

// Every amount is held to what a cents column stores (MAX_CENTS) where it enters: the caller is told which field, and
// nothing is written; before, the database refused it with a message naming no field.
describe.each(engines)('money beyond what a cents column holds is refused where it enters (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let jane: string
  /** The business's rows, but for the owner's session (its last use moves with every call). */
  const snapshot = async () => {
    const { sessions, ...rows } = await snapshotTenant(app.t.admin, app.tenant.tenant_id)
    return rows
  }

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signedIn(app, app.tenant.owner_user_id)
    jane = expectData(await app.action('contact', 'create', { display_name: 'Jane Bounds', email: 'jane.bounds@example.com' })).id
  })
  afterAll(() => app.close())

  it("a payment that would bring an invoice's payments beyond the limit names amount_cents and records nothing", async () => {
    const invoice = expectData(
      await app.action('invoice', 'create', {
        contact_id: jane,
        line_items: [{ description: 'Windows', unit_price_cents: 15_000, taxable: false }],
      }),
    )
    // Credit is the owner's to record; an agent's call is tried before it waits for the owner, and refused the same.
    await app.ownerAction('invoice', 'record_payment', {
      invoice_id: invoice.id,
      amount_cents: MAX_CENTS - 100,
      method: 'check',
      accept_credit: true,
    })
    const before = await snapshot()
    const res = await app.action(
      'invoice',
      'record_payment',
      { invoice_id: invoice.id, amount_cents: 200, method: 'cash', accept_credit: true },
      { reasoning: 'Another check came in' },
    )
    expectFields(res, ['data.amount_cents'])
    expect(res.body.error.message).toContain(`more than ${MAX_CENTS} cents`)
    expect(await snapshot()).toEqual(before)
  })

  it('a visit line whose quantity times price is beyond the limit is refused naming the line, when booked, added, changed or closed', async () => {
    const before = await snapshot()
    const huge = { description: 'Skyscraper', quantity: 10_000, unit_price_cents: 100_000_000 }
    expectFields(await app.action('ticket', 'create', { contact_id: jane, scheduled_start: '2031-03-04T15:00:00Z', line_items: [huge] }), [
      'data.line_items.0',
    ])
    expect(await snapshot()).toEqual(before)

    const t = expectData(
      await app.action('ticket', 'create', {
        contact_id: jane,
        scheduled_start: '2031-03-05T15:00:00Z',
        line_items: [{ description: 'Windows', quantity: 10_000, unit_price_cents: 100 }],
      }),
    )
    const booked = await snapshot()
    expectFields(await app.action('ticket', 'add_line_item', { ticket_id: t.id, ...huge }), ['data'])
    expectFields(await app.action('ticket', 'update_line_item', { line_item_id: t.line_items[0].id, unit_price_cents: 100_000_000 }), [
      'data',
    ])
    expectFields(
      await owner.action('ticket', 'close', {
        ticket_id: t.id,
        early: true,
        duration_minutes: 60,
        notes: '',
        next_service: { kind: 'none' },
        line_items: [{ line_item_id: t.line_items[0].id, unit_price_cents: 100_000_000 }],
      }),
      ['data.line_items.0'],
    )
    expect(await snapshot()).toEqual(booked)
  })

  it('a Square sale line beyond the limit is refused with its line; the rest of the file is imported', async () => {
    const customers = squareCustomers(1, 5)
    expectData(await owner.action('import', 'square_customers', { csv: squareCsv(customers), dry_run: false }))
    const row = (id: string, net: string) => ({
      Date: '2025-03-04',
      Time: '09:30:00',
      Item: 'Window Cleaning',
      Qty: '1',
      'Net Sales': net,
      'Transaction ID': id,
      'Event Type': 'Payment',
      'Customer ID': customers[0]['Square Customer ID'] as string,
    })
    const report = expectData(
      await owner.action('import', 'square_sales', {
        csv: squareSalesCsv([row('TX-HUGE', '$30,000,000.00'), row('TX-OK', '$150.00')]),
        dry_run: false,
      }),
    )
    expect(report).toMatchObject({ created: 1, refused: 1 })
    expect(report.rows.find((r: any) => r.line === 2)).toMatchObject({
      outcome: 'refused',
      reason: expect.stringContaining(`more than ${MAX_CENTS} cents`),
    })
    expect(report.rows.find((r: any) => r.line === 3)).toMatchObject({ outcome: 'created', transaction_id: 'TX-OK' })
  })
})
