import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRegistry } from '../../api/product.js'
import { OWNER_EXPORTS } from '../../console/owner/settings/export-links.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { allowAgentWords, newContact, service, ticket } from '../helpers/fixtures.js'

const registry = buildRegistry()
const EXPORT_COLUMNS = Object.fromEntries(OWNER_EXPORTS.map(({ type }) => [type, registry.queries.get(type)?.exportColumns ?? []]))

describe('the export columns data types declare', () => {
  it('are declared for every list the owner keeps', () => {
    expect(OWNER_EXPORTS.filter(({ type }) => !EXPORT_COLUMNS[type].length).map(({ type }) => type)).toEqual([])
  })

  it('are fields of the record schema of the data type that declares them', () => {
    const declaring = [...registry.queries.values()].filter((def) => def.exportColumns)
    expect(declaring.length).toBeGreaterThanOrEqual(OWNER_EXPORTS.length)
    for (const def of declaring) {
      const fields = Object.keys((def.record as unknown as { shape?: Record<string, unknown> }).shape ?? {})
      expect(
        def.exportColumns!.filter((column) => !fields.includes(column)),
        def.type,
      ).toEqual([])
    }
  })
})

describe.each(engines)('CSV export of every list the owner keeps (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
    // What these tests check is not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
  })
  afterAll(() => app.close())

  const download = async (type: string, include: string[] = [], filters: Record<string, string> = {}) => {
    const query = new URLSearchParams({ type, ...(include.length ? { include: include.join(',') } : {}), ...filters })
    const res = await fetch(`${app.url}/api/export?${query}`, { headers: { authorization: `Bearer ${app.tenant.agent_token}` } })
    const text = await res.text()
    expect(res.status, text).toBe(200)
    return {
      text,
      header: (parse(text, { to_line: 1 }) as string[][])[0],
      rows: parse(text, { columns: true }) as Array<Record<string, string>>,
    }
  }

  it('an empty list still has its header row', async () => {
    for (const { type, include } of OWNER_EXPORTS) {
      const { header, rows } = await download(type, include)
      expect(rows, type).toEqual([])
      expect(header, type).toEqual([...EXPORT_COLUMNS[type], ...include])
    }
  })

  it('a list with records has the same header, each record one row, payments with their invoice and customer', async () => {
    const customer = await newContact(app, { display_name: 'Jane Holloway', email: 'jane@holloway.test' })
    const windows = await service(app, { name: 'Windows', price_cents: 20_000 })
    const job = await ticket(app, customer, [{ service_id: windows, quantity: 1 }], 'completed')
    const invoice = expectData(await app.action('invoice', 'create_from_ticket', { ticket_id: job.id }))
    expectData(
      await app.action(
        'invoice',
        'record_payment',
        {
          invoice_id: invoice.id,
          amount_cents: 5_000,
          method: 'check',
          reference: 'chk 1042',
        },
        { reasoning: 'The customer paid' },
      ),
    )
    expectData(
      await app.action('message', 'schedule', { contact_id: customer, kind: 'custom', body: 'Thank you', send_at: '2031-01-01T10:00:00Z' }),
    )
    expectData(await app.action('lead', 'create', { raw_notes: 'Wants gutters cleaned', name: 'Lee Park' }))
    for (const { type, include } of OWNER_EXPORTS) {
      const { header, rows } = await download(type, include)
      expect(header, `${type}: the declared columns must match the records`).toEqual([...EXPORT_COLUMNS[type], ...include])
      expect(rows.length, type).toBeGreaterThan(0)
    }
    const tickets = (await download('tickets', ['line_items'])).rows
    expect(JSON.parse(tickets[0].line_items)[0]).toMatchObject({ service_id: windows, quantity: 1 })
    const payments = (await download('payments')).rows
    expect(payments).toEqual([
      expect.objectContaining({
        invoice_id: invoice.id,
        invoice_number: invoice.number,
        contact_id: customer,
        contact_name: 'Jane Holloway',
        amount_cents: '5000',
        method: 'check',
        reference: 'chk 1042',
      }),
    ])
    expect((await download('payments', [], { method: 'cash' })).rows).toEqual([])
    expect((await download('payments', [], { contact_id: customer, from: '2020-01-01' })).rows).toHaveLength(1)
  })
})
