import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { countAsTenant, newContact, ticket } from '../../helpers/fixtures.js'

describe.each(engines)('invoice numbers under concurrency (%s)', (engine) => {
  let app: TestApp
  let customer: string
  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => new Date('2026-06-01T15:00:00Z') })
    customer = await newContact(app, { display_name: 'Busy Customer' })
  })
  afterAll(() => app.close())

  it('gives 20 invoices created at once the numbers 0001 to 0020, each once', async () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      app.action('invoice', 'create', { contact_id: customer, line_items: [{ description: `Job ${i}`, unit_price_cents: 1000 + i }] }),
    )
    const results = await Promise.all(calls)
    for (const r of results) expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    const numbers = results.map((r) => r.body.data.number as string).sort()
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `INV-2026-${String(i + 1).padStart(4, '0')}`))
    // Each number went with its own call's lines.
    for (const r of results) expect(r.body.data.line_items[0].unit_price_cents).toBe(r.body.data.subtotal_cents)
  })

  it('lets only one of several simultaneous calls invoice a ticket, and the others leave no gap', async () => {
    const t = await ticket(app, customer, [{ description: 'Windows', unit_price_cents: 20_000 }], 'completed')
    const before = await countAsTenant(app, 'invoices')
    const results = await Promise.all(Array.from({ length: 5 }, () => app.action('invoice', 'create_from_ticket', { ticket_id: t.id })))
    const ok = results.filter((r) => r.status === 200)
    expect(ok).toHaveLength(1)
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409)
      expect(r.body.error.code).toBe('CONFLICT')
    }
    expect(ok[0].body.data.number).toBe('INV-2026-0021')
    expect(await countAsTenant(app, 'invoices')).toBe(before + 1)
    const next = await app.action('invoice', 'create', {
      contact_id: customer,
      line_items: [{ description: 'After', unit_price_cents: 1 }],
    })
    expect(next.body.data.number).toBe('INV-2026-0022')
  })
})
