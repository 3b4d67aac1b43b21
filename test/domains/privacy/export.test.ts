import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { okOf } from '../../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../../helpers/hostile-markup.js'
import { b64, pdf } from '../../helpers/files.js'
import { allowAgentWords, newService, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'
import { pageClient, type PageClient } from '../../helpers/technician-fixture.js'

describe.each(engines)("a customer's data export (%s)", (engine) => {
  let app: TestApp
  let owner: SignedIn
  let pages: PageClient
  let jane: string
  let contract: string
  let sketch: string
  let ticket: { id: string }
  const ok = okOf(() => app)

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    // What these tests check is not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
    owner = await signedIn(app, app.tenant.owner_user_id)
    pages = await pageClient(app, 'owner@sparkle.test')
    jane = (await ok('contact', 'create', { display_name: 'Jane Export', email: 'jane@export.test', phone: '(256) 555-0142' })).id
    await ok('address', 'add', { contact_id: jane, line1: '12 Oak Street', city: 'Huntsville', state: 'AL', postal_code: '35801' })
    await ok('attribute', 'set', { contact_id: jane, key: 'pets', value: 'dog' })
    await ok('note', 'add', { contact_id: jane, content: PAYLOAD })
    ticket = await ok('ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2031-04-01T15:00:00Z',
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
    })
    await ok('note', 'add', { ticket_id: ticket.id, content: 'Bring the ladder' })
    const invoice = await ok('invoice', 'create', { contact_id: jane, line_items: [{ description: 'Windows', unit_price_cents: 9000 }] })
    await ok('invoice', 'mark_sent', { invoice_id: invoice.id })
    await ok('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 9000, method: 'cash' }, 'The customer paid')
    await ok('interaction', 'log', { contact_id: jane, kind: 'call', direction: 'inbound', summary: 'Asked what we hold about her' })
    await ok('message', 'schedule', { contact_id: jane, kind: 'custom', body: 'Thanks', send_at: '2031-01-01T00:00:00Z' })
    const other = (await ok('contact', 'create', { display_name: 'Someone Else', email: 'else@export.test' })).id
    await ok('note', 'add', { contact_id: other, content: 'Not Jane' })

    const acme = (await ok('contact', 'create', { kind: 'organization', display_name: 'Acme Export', legal_name: 'Acme Export LLC' })).id
    await ok('contact', 'link', { contact_id: jane, to_contact_id: acme, link_type: 'works_at', strength: 'strong' })
    await ok('contact', 'link', { contact_id: other, to_contact_id: jane, link_type: 'referred_by' })
    await owner.action('custom_field', 'define', { applies_to: 'contact', key: 'gate_code', label: 'Gate code', field_type: 'text' })
    await owner.action('custom_field', 'define', { applies_to: 'ticket', key: 'ladder_spot', label: 'Ladder spot', field_type: 'text' })
    await ok('contact', 'update', { contact_id: jane, custom_fields: { gate_code: '4821' } })
    await ok('ticket', 'update', { ticket_id: ticket.id, custom_fields: { ladder_spot: 'By the shed' } })
    const deal = (await ok('opportunity', 'create', { title: 'Conservatory glazing', contact_id: jane, amount_cents: 480_000 })).id
    await ok('interaction', 'log', { opportunity_id: deal, kind: 'call', direction: 'outbound', summary: 'Talked about the conservatory' })
    const service = await newService(app, { name: 'Skylight cleaning', pricing: 'fixed', price_cents: 9_000 })
    const skylightQuote = (
      await ok('quote', 'create', {
        contact_id: jane,
        notes: 'Skylight quote',
        line_items: [{ service_id: service.id }, { description: 'Ladder', unit_price_cents: 500 }],
      })
    ).id
    const accepted = (await ok('quote', 'create', { contact_id: jane, line_items: [{ service_id: service.id }] })).id
    expectData(await owner.action('quote', 'record_answer', { quote_id: accepted, answer: 'accept' }))
    const list = (await ok('segment', 'create', { name: 'Skylight owners', kind: 'manual' })).id
    await ok('segment', 'add_members', { segment_id: list, contact_ids: [jane] })
    contract = (
      await ok('document', 'upload', {
        contact_id: jane,
        name: 'Contract',
        category: 'contract',
        content_base64: b64(pdf('first')),
        content_type: 'application/pdf',
      })
    ).id
    await ok('document', 'new_version', { document_id: contract, content_base64: b64(pdf('second')), content_type: 'application/pdf' })
    sketch = (
      await ok('document', 'upload', {
        quote_id: skylightQuote,
        name: 'Skylight sketch',
        content_base64: b64(pdf('sketch')),
        content_type: 'application/pdf',
      })
    ).id
  })
  afterAll(() => app.close())

  it('gives the owner everything held about the customer and nothing about anyone else', async () => {
    const [data] = expectData(await owner.query({ type: 'customer_export', contact_id: jane })).items
    expect(data.contact).toMatchObject({ id: jane, display_name: 'Jane Export' })
    expect(data.contact).not.toHaveProperty('tenant_id')
    const counts = Object.fromEntries(
      Object.entries(data)
        .filter(([, v]) => Array.isArray(v))
        .map(([k, v]) => [k, (v as unknown[]).length]),
    )
    expect(counts).toMatchObject({
      addresses: 1,
      attributes: 1,
      notes: 1,
      tickets: 1,
      ticket_line_items: 1,
      ticket_notes: 1,
      invoices: 1,
      invoice_line_items: 1,
      payments: 1,
      interactions: 2,
    })
    // The booking queued its own confirmation and reminders beside the email scheduled by hand.
    expect(data.messages.map((m: any) => m.body)).toContain('Thanks')
    expect(data.audit.length).toBeGreaterThanOrEqual(8)
    expect(data.audit.map((a: any) => a.entity_type)).toEqual(
      expect.arrayContaining(['contact', 'address', 'note', 'ticket', 'invoice', 'interaction']),
    )
    expect(JSON.stringify(data)).not.toContain('Not Jane')
    expect(JSON.stringify(data)).not.toContain('Someone Else')
  })

  it('includes the later records: relationships both ways, labelled custom fields, opportunities, quotes, orders, segments and files', async () => {
    const [data] = expectData(await owner.query({ type: 'customer_export', contact_id: jane })).items
    expect(data.links.map((l: any) => l.link_type).sort()).toEqual(['referred_by', 'works_at'])
    expect(data.links.find((l: any) => l.link_type === 'works_at')).toMatchObject({ from_contact_id: jane, strength: 'strong' })
    expect(data.custom_fields).toEqual([
      { record: 'contact', record_id: jane, key: 'gate_code', label: 'Gate code', field_type: 'text', value: '4821' },
      { record: 'ticket', record_id: ticket.id, key: 'ladder_spot', label: 'Ladder spot', field_type: 'text', value: 'By the shed' },
    ])
    expect(data.opportunities).toEqual([expect.objectContaining({ title: 'Conservatory glazing', amount_cents: 480_000 })])
    expect(data.interactions.map((i: any) => i.summary)).toContain('Talked about the conservatory')
    expect(data.quotes).toHaveLength(2)
    expect(data.quote_line_items.map((l: any) => l.description).sort()).toEqual(['Ladder', 'Skylight cleaning', 'Skylight cleaning'])
    expect(data.orders).toEqual([expect.objectContaining({ contact_id: jane, status: 'pending_fulfilment' })])
    expect(data.segments).toEqual([expect.objectContaining({ name: 'Skylight owners', kind: 'manual' })])
    expect(data.documents).toEqual([
      expect.objectContaining({ id: contract, name: 'Contract', version: 2, download: `/documents/${contract}/file` }),
      expect.objectContaining({ id: sketch, name: 'Skylight sketch', version: 1, download: `/documents/${sketch}/file` }),
    ])
    expect(data.document_versions.map((v: any) => v.download)).toEqual([
      `/documents/${contract}/file?version=1`,
      `/documents/${contract}/file?version=2`,
      `/documents/${sketch}/file?version=1`,
    ])
    expect(data.document_versions[0]).not.toHaveProperty('content')
    expect(data.audit.map((a: any) => a.entity_type)).toEqual(expect.arrayContaining(['opportunity', 'quote', 'order', 'document']))
  })

  it('reads what erasure reaches through the same declarations: the notes and calls of a lead that became the customer', async () => {
    const lena = (await ok('contact', 'create', { display_name: 'Lena Lead', email: 'lena@export.test' })).id
    const lead = (await ok('lead', 'create', { raw_notes: 'Wants her skylights done', name: 'Lena Lead', email: 'lena@export.test' })).id
    await ok('note', 'add', { lead_id: lead, content: 'Called back about the skylights' })
    await ok('interaction', 'log', { lead_id: lead, kind: 'call', direction: 'inbound', summary: 'Asked for a price' })
    await ok('lead', 'convert', { lead_id: lead, contact_id: lena })
    const [data] = expectData(await owner.query({ type: 'customer_export', contact_id: lena })).items
    expect(data.leads).toEqual([expect.objectContaining({ id: lead, raw_notes: 'Wants her skylights done' })])
    // Conversion hands the lead's notes and calls to the customer: exported once, as the customer's.
    expect(data.notes).toEqual([expect.objectContaining({ contact_id: lena, lead_id: null, content: 'Called back about the skylights' })])
    expect(data.interactions).toEqual([expect.objectContaining({ contact_id: lena, summary: 'Asked for a price' })])
    expect(data.audit.map((a: any) => a.entity_type)).toEqual(expect.arrayContaining(['lead', 'note', 'interaction']))
  })

  it("is for the owner alone: the agent and technicians are refused; an unknown or another business's customer gives nothing", async () => {
    expectError(await app.query({ type: 'customer_export', contact_id: jane }), 403, 'FORBIDDEN')
    const tech = await signedIn(app, await addUser(app, 'tess@sparkle.test', 'technician', 'Tess'))
    expectError(await tech.query({ type: 'customer_export', contact_id: jane }), 403, 'FORBIDDEN')
    expect(expectData(await owner.query({ type: 'customer_export', contact_id: '00000000-0000-4000-8000-000000000123' })).items).toEqual([])
    expectError(await owner.query({ type: 'customer_export' }), 400, 'VALIDATION_ERROR')
    const second = await app.createTenant('Second Windows')
    const theirs = expectData(await app.action('contact', 'create', { display_name: 'Their Customer' }, { token: second.agent_token })).id
    expect(expectData(await owner.query({ type: 'customer_export', contact_id: theirs })).items).toEqual([])
  })

  it('shows it on a page to read, escaped, and downloads it as JSON; the customer page links to it', async () => {
    expect((await pages.get(`/customers/${jane}`)).html).toContain(`href="/customers/${jane}/export"`)
    const page = await pages.get(`/customers/${jane}/export`)
    expect(page.status).toBe(200)
    expect(page.html).toContain('Everything this business holds about Jane Export')
    expect(page.html).toContain('Calls, emails and meetings: 2')
    for (const heading of [
      'Relationships, both ways: 2',
      'Custom fields: 2',
      'Opportunities: 1',
      'Quotes: 2',
      'Quote lines: 3',
      'Orders: 1',
      'Segments they are in: 1',
      'Files: 2',
      'Versions of files: 3',
    ])
      expect(page.html).toContain(heading)
    expect(page.html).toContain(`<a href="/documents/${contract}/file?version=2">Download</a>`)
    expect((await pages.get(`/documents/${contract}/file?version=1`)).status).toBe(200)
    expectEscaped(page, 'the export page')
    const json = await pages.get(`/customers/${jane}/export.json`)
    expect(json.status).toBe(200)
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="customer-${jane}.json"`)
    expect(JSON.parse(json.html).contact.id).toBe(jane)
    expect((await pages.get('/customers/00000000-0000-4000-8000-000000000123/export')).status).toBe(404)
  })
})
