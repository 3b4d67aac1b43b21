import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSearchData, type GeneratedSearchData } from '../../../bench/generate-search-data.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, countAsTenant, made, newContact } from '../../helpers/fixtures.js'

describe.each(engines)('the search data generator (%s)', (engine) => {
  let app: TestApp
  let data: GeneratedSearchData
  beforeAll(async () => {
    app = await startTestApp(engine)
    data = await generateSearchData(app.t.db, app.tenant.tenant_id, {
      contacts: 240,
      ticketsPerContact: 1,
      leads: 30,
      batchSize: 100,
      seed: 7,
    })
  })
  afterAll(() => app.close())

  it("leaves every contact's search entry as a rebuild from scratch would, though it makes each once per batch", async () => {
    const entries = async () =>
      (
        await app.t.admin.query<{ id: string; entry: string }>(
          // Words and lexemes as sets: an attribute's place among its contact's words follows the rows' order on disk.
          `select id, concat_ws('|', label, array_to_string(array(select w from regexp_split_to_table(terms, ' ') w order by w), ' '),
             digits, strip(body)::text, strip(traits)::text, places::text, strip(about)::text, status) as entry
           from search_entries where tenant_id = $1 and kind = 'contact' order by id`,
          [app.tenant.tenant_id],
        )
      ).rows
    const written = await entries()
    expect(written).toHaveLength(240)
    // As the owner, with the business set: forced security shows the owner's function that business's rows.
    await app.t.db.transaction(
      (tx) => tx.query(`select search_refresh_contacts($1, array(select id from contacts where tenant_id = $1))`, [app.tenant.tenant_id]),
      `select set_config('app.tenant_id', '${app.tenant.tenant_id}', true)`,
    )
    expect(await entries()).toEqual(written)
  })

  it('writes what it reports, into the one business only', async () => {
    expect(data).toMatchObject({ contacts: 240, tickets: 240, leads: 30 })
    expect(data.notes).toBeGreaterThan(240 * 3)
    expect(data.addresses).toBeGreaterThanOrEqual(240)
    for (const [table, n] of [
      ['contacts', data.contacts],
      ['addresses', data.addresses],
      ['notes', data.notes],
      ['attributes', data.attributes],
      ['tickets', data.tickets],
      ['invoices', data.invoices],
      ['leads', data.leads],
    ] as const) {
      expect(await countAsTenant(app, table), table).toBe(n)
    }
    const other = await app.createTenant('Untouched Windows')
    const theirs = await app.t.admin.query('select count(*)::int as n from contacts where tenant_id = $1', [other.tenant_id])
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

  it('knows the ids of what it sampled: people, outlying towns, rare features, tickets, invoices and leads', async () => {
    const k = data.known
    const one = (text: string, params: unknown[]) => asTenant(app, async (tx) => (await tx.query<{ n: number }>(text, params)).rows[0].n)
    expect(k.people.length).toBeGreaterThan(0)
    for (const p of k.people.slice(0, 5)) {
      expect(
        await one(
          `select count(*)::int as n from contacts c where c.id = $1 and c.display_name = $2 and c.phone = $3 and c.email = $4
        and exists (select 1 from addresses a where a.contact_id = c.id and a.line1 = $5)`,
          [p.id, p.name, p.phone, p.email, p.street],
        ),
        p.name,
      ).toBe(1)
    }
    expect(k.towns.length).toBeGreaterThan(1)
    for (const t of k.towns) {
      expect(await one('select count(*)::int as n from addresses where contact_id = $1 and city = $2', [t.id, t.town]), t.town).toBe(1)
      // A few customers each, so a search for the town has a known answer.
      expect(await one('select count(distinct contact_id)::int as n from addresses where city = $1', [t.town])).toBeLessThanOrEqual(8)
    }
    expect(k.traits.length).toBeGreaterThan(1)
    for (const t of k.traits) {
      expect(
        await one(`select count(*)::int as n from attributes where contact_id = $1 and key = $2 and value = 'true'`, [
          t.id,
          t.words.replace(/ /g, '_'),
        ]),
      ).toBe(1)
    }
    for (const t of k.tickets)
      expect(await one('select count(*)::int as n from tickets where id = $1 and number = $2', [t.id, t.number])).toBe(1)
    for (const i of k.invoices)
      expect(await one('select count(*)::int as n from invoices where id = $1 and number = $2', [i.id, i.number])).toBe(1)
    expect(k.leads.length).toBe(30)
    for (const l of k.leads.slice(0, 5))
      expect(await one('select count(*)::int as n from leads where id = $1 and name = $2', [l.id, l.name])).toBe(1)
  })

  it('leaves the counters where the app continues numbering without a clash', async () => {
    const contact = await newContact(app, { display_name: 'After Generation' })
    const ticket = await made(app, 'ticket', 'create', {
      contact_id: contact,
      scheduled_start: '2031-06-02T15:00:00Z',
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 10_000 }],
    })
    expect(ticket.number).toBe(data.tickets + 1)
    const years = data.samples.invoiceNumbers.map((n) => n.split('-')[1])
    const invoice = await made(app, 'invoice', 'create_from_ticket', { ticket_id: ticket.id, issued_on: `${years[0]}-12-31` })
    expect(invoice.number).toMatch(new RegExp(`^INV-${years[0]}-\\d{4}$`))
  })
})
