import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, insertTicket, newContactRecord, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('addresses (%s)', (engine) => {
  let app: TestApp
  let owner: any
  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await newContactRecord(app, { display_name: 'Address Owner' })
  })
  afterAll(() => app.close())

  it('adds, updates and archives an address, auditing each step', async () => {
    const added = expectData(
      await app.action('address', 'add', {
        contact_id: owner.id,
        label: 'Home',
        line1: '12 Dogwood Dr',
        line2: 'Unit B',
        city: 'Madison',
        state: 'AL',
        postal_code: '35758-1234',
        country: 'us',
        access_notes: 'Gate code 4821#',
      }),
    )
    expect(added).toMatchObject({
      contact_id: owner.id,
      country: 'US',
      postal_code: '35758-1234',
      access_notes: 'Gate code 4821#',
      archived_at: null,
    })
    const updated = expectData(await app.action('address', 'update', { address_id: added.id, line2: null, label: 'Main house' }))
    expect(updated).toMatchObject({ line2: null, label: 'Main house', line1: '12 Dogwood Dr' })
    const archived = expectData(await app.action('address', 'archive', { address_id: added.id }))
    expect(archived.archived_at).not.toBeNull()
    const again = expectData(await app.action('address', 'archive', { address_id: added.id }))
    expect(again.archived_at).toBe(archived.archived_at)
    const audit = await auditEntries(app, 'address', added.id)
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'archive'])
    expect(audit[1].changes).toEqual({ line2: { old: 'Unit B', new: null }, label: { old: 'Home', new: 'Main house' } })
    const trail = expectData(await app.query({ type: 'addresses', id: added.id, include: 'audit_trail' }))
    expect(trail.audit_trail.map((a: any) => a.action)).toEqual(['create', 'update', 'archive'])
  })

  it('keeps an address a ticket points at: archived, never deleted', async () => {
    const a = expectData(
      await app.action('address', 'add', {
        contact_id: owner.id,
        line1: '3 Job Site',
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
      }),
    )
    const ticket = await insertTicket(app, owner.id, { start: '2026-05-04T14:00:00Z', addressId: a.id })
    expectData(await app.action('address', 'archive', { address_id: a.id }))
    const r = await app.t.admin.query('select address_id from tickets where id = $1', [ticket])
    expect(r.rows[0].address_id).toBe(a.id)
    expect(await countRows(app, 'addresses', 'id = $2', [a.id])).toBe(1)
  })

  it('names the field of bad input and writes nothing', async () => {
    const before = await countRows(app, 'addresses')
    const bad = await app.action('address', 'add', {
      contact_id: owner.id,
      line1: '',
      city: 'Madison',
      state: 'AL',
      postal_code: '!!',
      country: 'USA',
    })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(validationFieldsOf(bad).sort()).toEqual(['data.country', 'data.line1', 'data.postal_code'])
    expect(
      validationFieldsOf(await app.action('address', 'add', { contact_id: owner.id, line1: '1 A St', state: 'AL', postal_code: '35801' })),
    ).toEqual(['data.city'])
    const missing = await app.action('address', 'add', {
      contact_id: '00000000-0000-4000-8000-000000000000',
      line1: '1 A St',
      city: 'X',
      state: 'AL',
      postal_code: '35801',
    })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('data.contact_id')
    expectError(await app.action('address', 'update', { address_id: '00000000-0000-4000-8000-000000000000', city: 'X' }), 404, 'NOT_FOUND')
    expect(await countRows(app, 'addresses')).toBe(before)
  })

  it('lists addresses by contact, city and postal code; archived ones only when asked', async () => {
    const c = await newContactRecord(app, { display_name: 'Many Places' })
    const one = expectData(
      await app.action('address', 'add', {
        contact_id: c.id,
        line1: '1 First',
        city: 'Owens Cross Roads',
        state: 'AL',
        postal_code: '35763',
      }),
    )
    const two = expectData(
      await app.action('address', 'add', { contact_id: c.id, line1: '2 Second', city: 'Madison', state: 'AL', postal_code: '35758-0001' }),
    )
    expectData(await app.action('address', 'archive', { address_id: one.id }))
    const list = async (params: Record<string, string>) =>
      expectData(await app.query({ type: 'addresses', contact_id: c.id, ...params })).items.map((a: any) => a.id)
    expect(await list({})).toEqual([two.id])
    expect(await list({ status: 'archived' })).toEqual([one.id])
    expect(await list({ status: 'all' })).toEqual([one.id, two.id])
    expect(await list({ postal_code: '35758' })).toEqual([two.id])
    expect(await list({ city: 'MADISON' })).toEqual([two.id])
  })
})
