import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSearchData, type GeneratedSearchData } from '../../../bench/generate-search-data.js'
import { expectData } from '../../api/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { count, made, newContact } from '../messages/fixtures.js'

describe.each(engines)('the search data generator (%s)', (engine) => {
  let app: TestApp
  let data: GeneratedSearchData
  beforeAll(async () => {
    app = await startTestApp(engine)
    data = await generateSearchData(app.t.db, app.tenant.tenant_id, { contacts: 240, ticketsPerContact: 1, leads: 30, batchSize: 100, seed: 7 })
  })
  afterAll(() => app.close())

  it('writes what it reports, into the one business only', async () => {
    expect(data).toMatchObject({ contacts: 240, tickets: 240, leads: 30 })
    expect(data.notes).toBeGreaterThan(240 * 3)
    expect(data.addresses).toBeGreaterThanOrEqual(240)
    for (const [table, n] of [['contacts', data.contacts], ['addresses', data.addresses], ['notes', data.notes], ['attributes', data.attributes],
      ['tickets', data.tickets], ['invoices', data.invoices], ['leads', data.leads]] as const) {
      expect(await count(app, table), table).toBe(n)
    }
    const other = await app.createTenant('Untouched Windows')
    const theirs = await app.t.db.query('select count(*)::int as n from contacts where tenant_id = $1', [other.tenant_id])
    expect(theirs.rows[0].n).toBe(0)
  })

  it('gives samples that the search finds: names, phone digits, emails, invoice and ticket numbers', async () => {
    const hits = async (q: string, kind: string) =>
      expectData(await app.query({ type: 'search', q, kinds: kind })).items.map((h: any) => h.label as string)
    expect(data.samples.names.length).toBeGreaterThan(0)
    expect(await hits(data.samples.names[0], 'contact')).toContain(data.samples.names[0])
    expect((await hits(data.samples.phoneDigits[0], 'contact')).length).toBeGreaterThan(0)
    expect(await hits(data.samples.emails[0], 'contact')).toContain(data.samples.names[0])
    expect(await hits(data.samples.invoiceNumbers[0], 'invoice')).toContain(data.samples.invoiceNumbers[0])
    expect((await hits(`#${data.samples.ticketNumbers[0]}`, 'ticket'))[0]).toMatch(new RegExp(`^#${data.samples.ticketNumbers[0]} `))
    expect((await hits('chandelier', 'contact')).length).toBeGreaterThan(0)
  })

  it('leaves the counters where the app continues numbering without a clash', async () => {
    const contact = await newContact(app, { display_name: 'After Generation' })
    const ticket = await made(app, 'ticket', 'create', { contact_id: contact, scheduled_start: '2031-06-02T15:00:00Z', duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 10_000 }] })
    expect(ticket.number).toBe(data.tickets + 1)
    const years = data.samples.invoiceNumbers.map((n) => n.split('-')[1])
    const invoice = await made(app, 'invoice', 'create_from_ticket', { ticket_id: ticket.id, issued_on: `${years[0]}-12-31` })
    expect(invoice.number).toMatch(new RegExp(`^INV-${years[0]}-\\d{4}$`))
  })
})
