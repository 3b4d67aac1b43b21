import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import {
  squareCsv,
  squareCustomers,
  squareItems,
  squareItemsCsv,
  squareSales,
  squareSalesCsv,
  type SquareSaleRow,
} from '../../../core/demo/square-export.js'
import { countRows, signedIn } from '../../helpers/fixtures.js'

describe.each(engines)('moving past visits in from Square (%s)', (engine) => {
  let app: TestApp
  let owner: Awaited<ReturnType<typeof signedIn>>
  const customers = squareCustomers(4, 21)
  const sales = squareSales(customers, squareItems(), 3, 5)
  const jane = { 'Square Customer ID': customers[0]['Square Customer ID'] as string }
  const extra: SquareSaleRow[] = [
    // A two-line visit of Jane with a card number in its notes.
    {
      Date: '2025-03-04',
      Time: '09:30:00',
      'Time Zone': 'Central Time (US & Canada)',
      Item: 'Window Cleaning',
      'Price Point Name': 'Two Story',
      Qty: '1.0',
      'Net Sales': '$265.00',
      Tax: '$0.00',
      'Transaction ID': 'TX-JANE',
      'Event Type': 'Payment',
      'Customer ID': jane['Square Customer ID'],
      'Customer Name': 'Jane',
      Token: 'SQVAR-WIN-2S',
      Notes: 'Paid by card 4111 1111 1111 1111',
    },
    {
      Date: '2025-03-04',
      Time: '09:30:00',
      'Time Zone': 'Central Time (US & Canada)',
      Item: 'Squeegee Kit',
      'Price Point Name': 'Regular',
      Qty: '2',
      'Net Sales': '$49.98',
      Tax: '$4.50',
      'Transaction ID': 'TX-JANE',
      'Event Type': 'Payment',
      'Customer ID': jane['Square Customer ID'],
      'Customer Name': 'Jane',
    },
    // A customer Square knows but who was never imported.
    {
      Date: '2025-04-01',
      Time: '10:00:00',
      Item: 'Gutter Cleaning',
      Qty: '1',
      'Net Sales': '$150.00',
      'Transaction ID': 'TX-STRANGER',
      'Event Type': 'Payment',
      'Customer ID': 'SQ-NOBODY',
      'Customer Name': 'Stranger',
    },
    // A refund, and a transaction whose second row has no amount.
    {
      Date: '2025-04-02',
      Time: '10:00:00',
      Item: 'Gutter Cleaning',
      Qty: '1',
      'Net Sales': '-$150.00',
      'Transaction ID': 'TX-REFUND',
      'Event Type': 'Refund',
      'Customer ID': jane['Square Customer ID'],
    },
    {
      Date: '2025-04-03',
      Time: '11:00:00',
      Item: 'Gutter Cleaning',
      Qty: '1',
      'Net Sales': '$150.00',
      'Transaction ID': 'TX-HALF',
      'Event Type': 'Payment',
      'Customer ID': jane['Square Customer ID'],
    },
    {
      Date: '2025-04-03',
      Time: '11:00:00',
      Item: 'Screen Repair',
      Qty: '1',
      'Net Sales': 'n/a',
      'Transaction ID': 'TX-HALF',
      'Event Type': 'Payment',
      'Customer ID': jane['Square Customer ID'],
    },
  ]
  const file = squareSalesCsv([...sales, ...extra])
  const first = sales.length + 2
  const transactions = new Set(sales.map((s) => s['Transaction ID'])).size

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await signedIn(app, app.tenant.owner_user_id)
    expectData(await owner.action('import', 'square_customers', { csv: squareCsv(customers), dry_run: false }))
    expectData(await owner.action('import', 'square_items', { csv: squareItemsCsv(squareItems()), dry_run: false }))
  })
  afterAll(() => app.close())

  it('a dry run says row by row what would be created and refused, with line numbers, and writes nothing', async () => {
    const report = expectData(await app.action('import', 'square_sales', { csv: file }))
    expect(report).toMatchObject({ dry_run: true, total: sales.length + 6, created: sales.length + 2, matched: 0, refused: 4 })
    const at = (line: number) => report.rows.find((r: any) => r.line === line)
    expect(at(first)).toMatchObject({ outcome: 'created', transaction_id: 'TX-JANE' })
    expect(at(first + 1).ticket_id).toBe(at(first).ticket_id)
    expect(at(first + 2)).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/Customer ID SQ-NOBODY is no customer imported from Square/),
    })
    expect(at(first + 3)).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/is a Refund, not a payment/) })
    expect(at(first + 4)).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(new RegExp(`line ${first + 5} Net Sales "n/a" is not an amount`)),
    })
    expect(at(first + 5).outcome).toBe('refused')
    expect(await countRows(app, 'tickets')).toBe(0)
  })

  it('imports each transaction as a closed past visit with its lines and amounts; the same file again creates nothing', async () => {
    const report = expectData(await owner.action('import', 'square_sales', { csv: file, dry_run: false }))
    expect(report).toMatchObject({ created: sales.length + 2, refused: 4 })
    expect(await countRows(app, 'tickets')).toBe(transactions + 1)
    const visit = report.rows.find((r: any) => r.transaction_id === 'TX-JANE')
    const ticket = expectData(await app.query({ type: 'tickets', id: visit.ticket_id, include: 'line_items,notes' }))
    expect(ticket).toMatchObject({ status: 'completed', contact_id: visit.contact_id })
    expect(new Date(ticket.scheduled_start).toISOString()).toBe('2025-03-04T15:30:00.000Z')
    const closed = await app.t.admin.query<{ closed_at: Date }>('select closed_at from tickets where id = $1', [visit.ticket_id])
    expect(closed.rows[0].closed_at.toISOString()).toBe('2025-03-04T15:30:00.000Z')
    expect(ticket.notes).toContain('[REDACTED]')
    expect(ticket.notes).not.toContain('4111')
    expect(ticket.line_items.map((l: any) => [l.description, l.quantity, l.unit_price_cents, l.price_cents, l.taxable])).toEqual([
      ['Window Cleaning (Two Story)', 1, 26500, 26500, false],
      ['Squeegee Kit', 2, 2499, 4998, true],
    ])
    expect(ticket.line_items.every((l: any) => l.service_id)).toBe(true)

    // The customer's history shows the imported visits, and a closed visit stays as it was.
    const history = expectData(
      await app.query({ type: 'tickets', contact_id: visit.contact_id, status: 'completed', from: '2024-01-01', to: '2025-12-31' }),
    )
    expect(history.items.map((t: any) => t.id)).toContain(visit.ticket_id)
    // Past visits move an imported prospect on, audited as the system: a customer while her latest visit (3 April 2025,
    // 11:00 in Chicago) is within 18 months of today, a past customer after.
    const stage = Date.now() < Date.parse('2026-10-03T16:00:00Z') ? 'customer' : 'past_customer'
    const customer = expectData(await app.query({ type: 'contacts', id: visit.contact_id, include: 'audit_trail' }))
    expect(customer.lifecycle).toBe(stage)
    expect(customer.audit_trail.filter((a: any) => a.action === 'lifecycle')).toEqual([
      expect.objectContaining({ actor_type: 'system', changes: { lifecycle: { old: 'prospect', new: stage } } }),
    ])
    expectError(await owner.action('ticket', 'cancel', { ticket_id: visit.ticket_id, reason: 'double booked' }), 409, 'IMMUTABLE')
    const changed = app.t.admin.query('update tickets set notes = $1 where id = $2', ['changed', visit.ticket_id])
    await expect(changed).rejects.toThrow(/closed/)

    const again = expectData(await owner.action('import', 'square_sales', { csv: file, dry_run: false }))
    expect(again).toMatchObject({ created: 0, matched: sales.length + 2, refused: 4 })
    expect(again.rows.find((r: any) => r.transaction_id === 'TX-JANE').ticket_id).toBe(visit.ticket_id)
    expect(await countRows(app, 'tickets')).toBe(transactions + 1)
  })

  it("refuses a visit that is not in the past and a file that is not Square's item sales export", async () => {
    const future = squareSalesCsv([{ ...extra[0], Date: '2099-01-01', 'Transaction ID': 'TX-FUTURE' }])
    const report = expectData(await app.action('import', 'square_sales', { csv: future }))
    expect(report.rows[0]).toMatchObject({ line: 2, outcome: 'refused', reason: expect.stringMatching(/not in the past/) })
    const res = await app.action('import', 'square_sales', { csv: 'date,amount\n2025-01-01,5\n' })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(res.body.error.message).toMatch(/not Square's item sales export.*Transaction ID/)
  })
})
