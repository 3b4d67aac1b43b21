import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, newContact, newService, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

describe.each(engines)('the service catalog (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('creates each kind of pricing and lists the catalog by name', async () => {
    const gutter = await newService(app, { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 90 })
    expect(gutter).toMatchObject({ pricing: 'fixed', price_cents: 15000, taxable: true, status: 'active', unit_name: null })
    const windows = await newService(app, { name: 'Window Cleaning', pricing: 'flexible', description: 'Interior and exterior' })
    expect(windows.price_cents).toBeNull()
    const screens = await newService(app, {
      name: 'Screen Cleaning',
      pricing: 'per_unit',
      price_cents: 500,
      unit_name: 'screen',
      default_duration_minutes: 3,
    })
    expect(screens.unit_name).toBe('screen')
    await newService(app, { name: 'Squeegee Kit', pricing: 'product', price_cents: 2500, taxable: false })
    const list = expectData(await app.query({ type: 'services' }))
    expect(list.items.map((s: any) => s.name)).toEqual(['Gutter Cleaning', 'Screen Cleaning', 'Squeegee Kit', 'Window Cleaning'])
    expect(expectData(await app.query({ type: 'services', q: 'screen' })).items.map((s: any) => s.name)).toEqual(['Screen Cleaning'])
    expect(expectData(await app.query({ type: 'services', q: 'Guter' })).items.map((s: any) => s.name)).toContain('Gutter Cleaning')
    const page1 = expectData(await app.query({ type: 'services', limit: 2 }))
    const page2 = expectData(await app.query({ type: 'services', limit: 2, cursor: page1.next_cursor }))
    expect([...page1.items, ...page2.items].map((s: any) => s.name)).toEqual(list.items.map((s: any) => s.name))
  })

  it('refuses a price rule that does not fit the pricing, naming the fields, and writes nothing', async () => {
    const before = await countRows(app, 'services')
    expectFields(await app.action('service', 'create', { name: 'No Price', pricing: 'fixed' }), ['data.price_cents'])
    expectFields(await app.action('service', 'create', { name: 'No Unit', pricing: 'per_unit', price_cents: 100 }), ['data.unit_name'])
    expectFields(await app.action('service', 'create', { name: 'Odd Unit', pricing: 'fixed', price_cents: 100, unit_name: 'pane' }), [
      'data.unit_name',
    ])
    expectFields(await app.action('service', 'create', { name: '', pricing: 'hourly', price_cents: -1 }), [
      'data.name',
      'data.pricing',
      'data.price_cents',
    ])
    const dup = await app.action('service', 'create', { name: 'gutter cleaning', pricing: 'fixed', price_cents: 1 })
    expectError(dup, 409, 'CONFLICT')
    expect(dup.body.error.message).toMatch(/already named/)
    expect(await countRows(app, 'services')).toBe(before)
  })

  it('updates a service, checking the merged pricing rule, and audits it', async () => {
    const s = await newService(app, { name: 'Pressure Washing', pricing: 'fixed', price_cents: 20000 })
    const cheaper = expectData(await app.action('service', 'update', { service_id: s.id, price_cents: 18000, description: 'Driveways' }))
    expect(cheaper).toMatchObject({ price_cents: 18000, description: 'Driveways', pricing: 'fixed' })
    expectFields(await app.action('service', 'update', { service_id: s.id, pricing: 'per_unit' }), ['data.unit_name'])
    const perUnit = expectData(
      await app.action('service', 'update', { service_id: s.id, pricing: 'per_unit', unit_name: 'square yard', price_cents: 40 }),
    )
    expect(perUnit).toMatchObject({ pricing: 'per_unit', unit_name: 'square yard', price_cents: 40 })
    expectFields(await app.action('service', 'update', { service_id: s.id, pricing: 'flexible' }), ['data.unit_name'])
    const trail = expectData(await app.query({ type: 'services', id: s.id, include: 'audit_trail' })).audit_trail
    expect(trail.map((a: any) => a.action)).toEqual(['create', 'update', 'update'])
    expect(trail[1].changes.price_cents).toEqual({ old: 20000, new: 18000 })
    expectError(await app.action('service', 'update', { service_id: '00000000-0000-4000-8000-000000000000', name: 'X' }), 404, 'NOT_FOUND')
  })

  it('deletes a never-used service, but a used one can only be archived and stays on its tickets', async () => {
    const unused = await newService(app, { name: 'Typo Servce', pricing: 'flexible' })
    expectError(await app.action('service', 'delete', { service_id: unused.id }), 422, 'REASONING_REQUIRED')
    expect(
      expectData(await app.action('service', 'delete', { service_id: unused.id }, { reasoning: 'Created by mistake, misspelled' })),
    ).toEqual({ id: unused.id, deleted: true })
    expectError(await app.query({ type: 'services', id: unused.id }), 404, 'NOT_FOUND')
    const trail = expectData(await app.query({ type: 'audit_trail', entity_id: unused.id })).items
    expect(trail.map((a: any) => a.action)).toEqual(['delete', 'create'])

    const used = await newService(app, { name: 'Skylight Cleaning', pricing: 'fixed', price_cents: 4000 })
    const contact = await newContact(app, { display_name: 'Used Service Customer' })
    const ticket = expectData(
      await app.action('ticket', 'create', {
        contact_id: contact,
        scheduled_start: '2031-03-03T15:00:00Z',
        line_items: [{ service_id: used.id }],
      }),
    )
    const refused = await app.action('service', 'delete', { service_id: used.id }, { reasoning: 'No longer offered' })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toMatch(/archive it/)
    const archived = expectData(await app.action('service', 'archive', { service_id: used.id }))
    expect(archived.status).toBe('archived')
    expect(expectData(await app.action('service', 'archive', { service_id: used.id })).updated_at).toBe(archived.updated_at)
    expect(expectData(await app.query({ type: 'services' })).items.map((s: any) => s.id)).not.toContain(used.id)
    expect(expectData(await app.query({ type: 'services', status: 'archived' })).items.map((s: any) => s.id)).toContain(used.id)
    const kept = expectData(await app.query({ type: 'tickets', id: ticket.id, include: 'line_items' }))
    expect(kept.line_items[0]).toMatchObject({ service_id: used.id, description: 'Skylight Cleaning', unit_price_cents: 4000 })
    const rebook = await app.action('ticket', 'create', {
      contact_id: contact,
      scheduled_start: '2031-03-04T15:00:00Z',
      line_items: [{ service_id: used.id }],
    })
    expectFields(rebook, ['data.line_items.0.service_id'])
    expect(rebook.body.error.message).toMatch(/archived/)
    expect(await auditTrailActions(app, 'services', used.id)).toEqual(['create', 'archive'])
    expect(await newService(app, { name: 'Skylight Cleaning', pricing: 'fixed', price_cents: 4500 })).toMatchObject({ status: 'active' })
  })

  it('is for owners: a technician may read the catalog but not change it', async () => {
    const tech = await signedIn(app, await addUser(app, 'tina@sparkle.test', 'technician', 'Tina'))
    expectError(await tech.action('service', 'create', { name: 'Tech Special', pricing: 'fixed', price_cents: 1 }), 403, 'FORBIDDEN')
    expect(expectData(await tech.query({ type: 'services' })).items.length).toBeGreaterThan(0)
  })
})
