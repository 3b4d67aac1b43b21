import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, newContactRecord, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('contact.create with addresses (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('creates the contact and its addresses in one call, each audited and listed like one from address.add', async () => {
    const created = await newContactRecord(app, {
      display_name: 'Nora Hill',
      addresses: [
        { label: 'Home', line1: '12 Oak St', city: 'Madison', state: 'AL', postal_code: '35758', access_notes: 'Gate 4821' },
        { line1: '40 Pine Rd', line2: 'Unit 2', city: 'Huntsville', state: 'AL', postal_code: '35801', country: 'ca' },
      ],
    })
    expect(created.display_name).toBe('Nora Hill')
    expect(created.addresses).toHaveLength(2)
    expect(created.addresses[0]).toMatchObject({
      contact_id: created.id,
      label: 'Home',
      line1: '12 Oak St',
      country: 'US',
      access_notes: 'Gate 4821',
    })
    expect(created.addresses[1]).toMatchObject({ contact_id: created.id, label: null, line2: 'Unit 2', country: 'CA' })
    const listed = expectData(await app.query({ type: 'addresses', contact_id: created.id }))
    expect(listed.items.map((a: any) => a.id).sort()).toEqual(created.addresses.map((a: any) => a.id).sort())
    expect(await auditEntries(app, 'address', created.addresses[0].id)).toMatchObject([{ action: 'create', actor_type: 'agent' }])
  })

  it('answers a contact without addresses as before', async () => {
    const created = await newContactRecord(app, { display_name: 'No Address Yet' })
    expect(created).not.toHaveProperty('addresses')
  })

  it('refuses a bad address naming its field, and writes neither the contact nor any address', async () => {
    const contacts = await countRows(app, 'contacts')
    const addresses = await countRows(app, 'addresses')
    const bad = await app.action('contact', 'create', {
      display_name: 'Half Written',
      addresses: [
        { line1: '1 Good St', city: 'Madison', state: 'AL', postal_code: '35758' },
        { line1: ' ', city: 'Madison', state: 'AL', postal_code: 'not a zip!' },
      ],
    })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(validationFieldsOf(bad).sort()).toEqual(['data.addresses.1.line1', 'data.addresses.1.postal_code'])
    const unknown = await app.action('contact', 'create', {
      display_name: 'Odd Field',
      addresses: [{ street: '1 Main', line1: '1 Main', city: 'X', state: 'AL', postal_code: '35758' }],
    })
    expect(validationFieldsOf(unknown)).toEqual(['data.addresses.0'])
    const tooMany = await app.action('contact', 'create', {
      display_name: 'Many Homes',
      addresses: Array.from({ length: 6 }, (_, i) => ({ line1: `${i} Main St`, city: 'Madison', state: 'AL', postal_code: '35758' })),
    })
    expect(validationFieldsOf(tooMany)).toEqual(['data.addresses'])
    expect(await countRows(app, 'contacts')).toBe(contacts)
    expect(await countRows(app, 'addresses')).toBe(addresses)
  })
})
