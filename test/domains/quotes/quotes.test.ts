import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../core/db/tenant.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { allowAgentWords, auditTrailActions, countRows, expectFields, newContact, newService } from '../../helpers/fixtures.js'

/** The server's clock: Tuesday 2026-10-27, 10:15 in Chicago. */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)('quotes: lines from the catalog, tax and totals in cents, numbered, draft until sent (%s)', (engine) => {
  let app: TestApp
  let jane: string
  let windows: any
  let gutters: any
  let screens: any

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    // Pages and fields under test, not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
    await app.ownerAction('settings', 'update', { default_tax_rate_bp: 800 })
    jane = await newContact(app, { display_name: 'Jane Quote' })
    windows = await newService(app, { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000 })
    gutters = await newService(app, { name: 'Gutter clearing', pricing: 'per_unit', price_cents: 250, unit_name: 'foot' })
    screens = await newService(app, { name: 'Screen repair', pricing: 'fixed', price_cents: 1_999, taxable: false })
  })
  afterAll(() => app.close())

  const create = (data: Record<string, unknown>) => app.action('quote', 'create', { contact_id: jane, ...data })

  it('prices lines from the catalog (a line may override), taxes each line, adds up in cents and numbers quotes per business', async () => {
    const q = expectData(
      await create({
        line_items: [
          { service_id: windows.id },
          { service_id: gutters.id, quantity: 41, description: 'Gutters, front and back' },
          { service_id: screens.id, quantity: 3 },
          { description: 'Skylight', unit_price_cents: 1_050, tax_rate_bp: 500 },
        ],
        notes: 'Ladder work included',
      }),
    )
    expect(q).toMatchObject({
      number: 'Q-2026-0001',
      status: 'draft',
      contact_id: jane,
      currency: 'USD',
      valid_until: '2026-11-26',
      tax_rate_bp: null,
      notes: 'Ladder work included',
      sent_at: null,
    })
    expect(
      q.line_items.map((l: any) => [l.description, l.quantity, l.unit_price_cents, l.price_cents, l.tax_rate_bp, l.tax_cents]),
    ).toEqual([
      ['Window cleaning', 1, 15_000, 15_000, 800, 1_200],
      ['Gutters, front and back', 41, 250, 10_250, 800, 820],
      ['Screen repair', 3, 1_999, 5_997, 0, 0],
      // 1050 at 5 % is 52.5 cents: half a cent goes up.
      ['Skylight', 1, 1_050, 1_050, 500, 53],
    ])
    expect([q.subtotal_cents, q.tax_cents, q.total_cents]).toEqual([32_297, 2_073, 34_370])
    expect(await auditTrailActions(app, 'quotes', q.id)).toEqual(['create'])
    const second = expectData(await create({ line_items: [{ service_id: windows.id }], tax_rate_bp: 0, valid_until: '2026-10-27' }))
    expect(second).toMatchObject({ number: 'Q-2026-0002', tax_rate_bp: 0, tax_cents: 0, total_cents: 15_000, valid_until: '2026-10-27' })
    const other = await app.createTenant('Other Windows')
    const theirs = await app.action('contact', 'create', { display_name: 'Their customer' }, { token: other.agent_token })
    const firstOfTheirs = expectData(
      await app.action(
        'quote',
        'create',
        { contact_id: theirs.body.data.id, line_items: [{ description: 'Windows', unit_price_cents: 100 }] },
        { token: other.agent_token },
      ),
    )
    expect(firstOfTheirs.number).toBe('Q-2026-0001')
  })

  it('refuses what cannot be right, naming the field, and writes nothing', async () => {
    const before = [await countRows(app, 'quotes'), await countRows(app, 'quote_line_items')]
    expectFields(await create({ line_items: [] }), ['data.line_items'])
    expectFields(await create({ line_items: [{ description: 'No price' }] }), ['data.line_items.0.unit_price_cents'])
    expectFields(await create({ line_items: [{ unit_price_cents: 100 }] }), ['data.line_items.0.description'])
    expectFields(await create({ line_items: [{ service_id: windows.id, tax_rate_bp: 10_001 }] }), ['data.line_items.0.tax_rate_bp'])
    expectFields(await create({ line_items: [{ service_id: screens.id, tax_rate_bp: 800 }] }), ['data.line_items.0.tax_rate_bp'])
    expectFields(await create({ line_items: [{ service_id: windows.id }], valid_until: '2026-10-26' }), ['data.valid_until'])
    expectFields(await create({ line_items: [{ service_id: windows.id }], valid_until: '2026-02-30' }), ['data.valid_until'])
    expectFields(await create({ line_items: [{ service_id: windows.id, quantity: 0 }] }), ['data.line_items.0.quantity'])
    const missing = await app.action('quote', 'create', {
      contact_id: '00000000-0000-4000-8000-000000000001',
      line_items: [{ service_id: windows.id }],
    })
    expectError(missing, 404, 'NOT_FOUND')
    expect([await countRows(app, 'quotes'), await countRows(app, 'quote_line_items')]).toEqual(before)
  })

  it('changes only a draft: new lines or a new quote-wide rate recompute the totals; a sent quote is a record', async () => {
    const q = expectData(await create({ line_items: [{ service_id: windows.id }, { service_id: screens.id }] }))
    const rerated = expectData(await app.action('quote', 'update', { quote_id: q.id, tax_rate_bp: 1_000, notes: 'Spring price' }))
    expect(rerated.line_items.map((l: any) => [l.tax_rate_bp, l.tax_cents])).toEqual([
      [1_000, 1_500],
      [0, 0],
    ])
    expect([rerated.tax_rate_bp, rerated.total_cents, rerated.notes]).toEqual([1_000, 18_499, 'Spring price'])
    const relined = expectData(
      await app.action('quote', 'update', { quote_id: q.id, line_items: [{ service_id: windows.id, quantity: 2 }], notes: null }),
    )
    expect([relined.subtotal_cents, relined.tax_cents, relined.total_cents, relined.notes]).toEqual([30_000, 3_000, 33_000, null])
    expectFields(await app.action('quote', 'update', { quote_id: q.id, valid_until: '2026-10-01' }), ['data.valid_until'])
    await app.action('contact', 'update', { contact_id: jane, email: 'jane@example.com' })
    expectData(await app.action('quote', 'send', { quote_id: q.id }, { reasoning: 'she asked for it' }))
    const refused = await app.action('quote', 'update', { quote_id: q.id, notes: 'sneaky' })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toContain('only a draft quote can be changed')
    // Not even a statement past the actions changes what the customer was sent.
    const direct = withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) =>
      tx.query('update quote_line_items set unit_price_cents = 1 where quote_id = $1', [q.id]),
    )
    await expect(direct).rejects.toMatchObject({ code: 'IMMUTABLE' })
    const read = expectData(await app.query({ type: 'quotes', id: q.id, include: 'line_items' }))
    expect([read.status, read.total_cents, read.line_items[0].unit_price_cents]).toEqual(['sent', 33_000, 15_000])
    expect(await auditTrailActions(app, 'quotes', q.id)).toEqual(['create', 'update', 'update', 'send'])
  })

  it('cancels a draft or sent quote once, stopping its queued email; a cancelled quote never changes again', async () => {
    const q = expectData(await create({ line_items: [{ service_id: windows.id }] }))
    const sent = expectData(await app.action('quote', 'send', { quote_id: q.id }, { reasoning: 'asked' }))
    const cancelled = expectData(await app.action('quote', 'cancel', { quote_id: q.id, reason: 'customer moved' }, { reasoning: 'moved' }))
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: 'customer moved', cancelled_at: NOW.toISOString() })
    const message = expectData(await app.query({ type: 'scheduled_messages', id: sent.message.id }))
    expect([message.status, message.kind, message.quote_id]).toEqual(['cancelled', 'quote', q.id])
    expect(expectData(await app.action('quote', 'cancel', { quote_id: q.id }, { reasoning: 'again' })).cancelled_at).toBe(NOW.toISOString())
    expectError(await app.action('quote', 'send', { quote_id: q.id }, { reasoning: 'x' }), 409, 'CONFLICT')
    const direct = withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) =>
      tx.query(`update quotes set status = 'sent' where id = $1`, [q.id]),
    )
    await expect(direct).rejects.toMatchObject({ code: 'IMMUTABLE' })
  })

  it('refuses to send to a customer without an email address', async () => {
    const noEmail = await newContact(app, { display_name: 'Nora Noemail' })
    const q = expectData(await app.action('quote', 'create', { contact_id: noEmail, line_items: [{ service_id: windows.id }] }))
    expectFields(await app.action('quote', 'send', { quote_id: q.id }, { reasoning: 'x' }), ['data.quote_id'])
    expect(expectData(await app.query({ type: 'quotes', id: q.id })).status).toBe('draft')
    expect(expectData(await app.query({ type: 'scheduled_messages', contact_id: noEmail })).items).toEqual([])
  })

  it('lists quotes newest first by status, customer, number and last day, with lines, customer and order on request', async () => {
    const all = expectData(await app.query({ type: 'quotes', contact_id: jane })).items
    expect(all.length).toBeGreaterThanOrEqual(4)
    expect(all.map((q: any) => q.number)).toEqual([...all.map((q: any) => q.number)].sort().reverse())
    const drafts = expectData(await app.query({ type: 'quotes', status: 'draft', contact_id: jane })).items
    expect(drafts.every((q: any) => q.status === 'draft')).toBe(true)
    const byNumber = expectData(await app.query({ type: 'quotes', number: 'q-2026-0001', include: 'line_items,contact,order' })).items
    expect(byNumber.map((q: any) => [q.number, q.line_items.length, q.contact.display_name, q.order])).toEqual([
      ['Q-2026-0001', 4, 'Jane Quote', null],
    ])
    const lapsingToday = expectData(await app.query({ type: 'quotes', valid_until_by: '2026-10-27' })).items
    expect(lapsingToday.map((q: any) => q.number)).toEqual(['Q-2026-0002'])
    expectFields(await app.query({ type: 'quotes', status: 'won' }), ['status'])
  })
})
