import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../api/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectEscaped, PAYLOAD } from '../../helpers/hostile-markup.js'
import { insertUser, signedIn, type SignedIn } from '../tickets/fixtures.js'
import { pageClient, type PageClient } from '../../web-review/technician-fixture.js'

describe.each(engines)('a customer\'s data export (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let pages: PageClient
  let jane: string
  const ok = async (domain: string, action: string, data: unknown) => expectData(await app.action(domain, action, data))

  beforeAll(async () => {
    app = await startTestApp(engine, { payments: null })
    owner = await signedIn(app, app.tenant.owner_user_id)
    pages = await pageClient(app, 'owner@sparkle.test')
    jane = (await ok('contact', 'create', { display_name: 'Jane Export', email: 'jane@export.test', phone: '(256) 555-0142' })).id
    await ok('address', 'add', { contact_id: jane, line1: '12 Oak Street', city: 'Huntsville', state: 'AL', postal_code: '35801' })
    await ok('attribute', 'set', { contact_id: jane, key: 'pets', value: 'dog' })
    await ok('note', 'add', { contact_id: jane, content: PAYLOAD })
    const ticket = await ok('ticket', 'create', { contact_id: jane, scheduled_start: '2031-04-01T15:00:00Z', duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 9000 }] })
    await ok('note', 'add', { ticket_id: ticket.id, content: 'Bring the ladder' })
    const invoice = await ok('invoice', 'create', { contact_id: jane, line_items: [{ description: 'Windows', unit_price_cents: 9000 }] })
    await ok('invoice', 'mark_sent', { invoice_id: invoice.id })
    await ok('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 9000, method: 'cash' })
    await ok('interaction', 'log', { contact_id: jane, kind: 'call', direction: 'inbound', summary: 'Asked what we hold about her' })
    await ok('message', 'schedule', { contact_id: jane, kind: 'custom', body: 'Thanks', send_at: '2031-01-01T00:00:00Z' })
    const other = (await ok('contact', 'create', { display_name: 'Someone Else', email: 'else@export.test' })).id
    await ok('note', 'add', { contact_id: other, content: 'Not Jane' })
  })
  afterAll(() => app.close())

  it('gives the owner everything held about the customer and nothing about anyone else', async () => {
    const [data] = expectData(await owner.query({ type: 'customer_export', contact_id: jane })).items
    expect(data.contact).toMatchObject({ id: jane, display_name: 'Jane Export' })
    expect(data.contact).not.toHaveProperty('tenant_id')
    const counts = Object.fromEntries(Object.entries(data).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, (v as unknown[]).length]))
    expect(counts).toMatchObject({ addresses: 1, attributes: 1, notes: 1, tickets: 1, ticket_line_items: 1, ticket_notes: 1, invoices: 1,
      invoice_line_items: 1, payments: 1, interactions: 1 })
    // The booking queued its own confirmation and reminders beside the email scheduled by hand.
    expect(data.messages.map((m: any) => m.body)).toContain('Thanks')
    expect(data.audit.length).toBeGreaterThanOrEqual(8)
    expect(data.audit.map((a: any) => a.entity_type)).toEqual(expect.arrayContaining(['contact', 'address', 'note', 'ticket', 'invoice', 'interaction']))
    expect(JSON.stringify(data)).not.toContain('Not Jane')
    expect(JSON.stringify(data)).not.toContain('Someone Else')
  })

  it('is for the owner alone: the agent and technicians are refused; an unknown or another business\'s customer gives nothing', async () => {
    expectError(await app.query({ type: 'customer_export', contact_id: jane }), 403, 'FORBIDDEN')
    const tech = await signedIn(app, await insertUser(app, 'tess@sparkle.test', 'technician', 'Tess'))
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
    expect(page.html).toContain('Calls, emails and meetings: 1')
    expectEscaped(page, 'the export page')
    const json = await pages.get(`/customers/${jane}/export.json`)
    expect(json.status).toBe(200)
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="customer-${jane}.json"`)
    expect(JSON.parse(json.html).contact.id).toBe(jane)
    expect((await pages.get('/customers/00000000-0000-4000-8000-000000000123/export')).status).toBe(404)
  })
})
