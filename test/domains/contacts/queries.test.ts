import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { insertService, insertTicket, newContactRecord, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('the contacts data type (%s)', (engine) => {
  let app: TestApp
  const ids: Record<string, string> = {}
  const names = async (params: Record<string, string>) =>
    expectData(await app.query({ type: 'contacts', limit: 100, ...params }))
      .items.map((c: any) => c.display_name)
      .sort()

  beforeAll(async () => {
    app = await startTestApp(engine)
    const edna = await newContactRecord(app, {
      display_name: 'Edna Elder',
      tags: ['vip', 'screens'],
      phone: '(256) 555-0177',
      email: 'edna@old.test',
    })
    const frank = await newContactRecord(app, { display_name: 'Frank Young', tags: ['vip'] })
    const gina = await newContactRecord(app, { display_name: 'Gina Gutter', tags: ['commercial'] })
    const hank = await newContactRecord(app, { display_name: 'Hank Hidden' })
    Object.assign(ids, { edna: edna.id, frank: frank.id, gina: gina.id, hank: hank.id })
    expectData(await app.action('contact', 'archive', { contact_id: hank.id }))
    expectData(
      await app.action('address', 'add', {
        contact_id: edna.id,
        line1: '9 Oak Ln',
        city: 'Owens Cross Roads',
        state: 'AL',
        postal_code: '35763-1234',
      }),
    )
    expectData(
      await app.action('address', 'add', { contact_id: frank.id, line1: '2 Elm St', city: 'Madison', state: 'AL', postal_code: '35758' }),
    )
    const old = expectData(
      await app.action('address', 'add', {
        contact_id: gina.id,
        line1: '5 Old Rd',
        city: 'Owens Cross Roads',
        state: 'AL',
        postal_code: '35763',
      }),
    )
    expectData(await app.action('address', 'archive', { address_id: old.id }))
    expectData(
      await app.action('address', 'add', { contact_id: gina.id, line1: '7 New Rd', city: 'Huntsville', state: 'AL', postal_code: '35801' }),
    )
    expectData(await app.action('attribute', 'set', { contact_id: edna.id, key: 'customer_demographic', value: 'Elderly' }))
    expectData(await app.action('attribute', 'set', { contact_id: edna.id, key: 'pet', value: ['dog', 'cat'] }))
    expectData(await app.action('attribute', 'set', { contact_id: frank.id, key: 'pet', value: 'fish' }))
    expectData(await app.action('attribute', 'set', { contact_id: gina.id, key: 'customer_demographic', value: 'young family' }))
    expectData(await app.action('note', 'add', { contact_id: edna.id, content: 'Prefers the side door' }))
    const gutters = await insertService(app, 'Gutter Cleaning')
    const windows = await insertService(app, 'Window Cleaning')
    ids.gutters = gutters
    ids.windows = windows
    // 04:30 UTC on March 3 is 22:30 on March 2 in Chicago (UTC-6 until DST begins on March 8): a March 2 job locally.
    await insertTicket(app, edna.id, { start: '2026-03-03T04:30:00Z', completed: true, serviceId: gutters })
    await insertTicket(app, frank.id, { start: '2026-04-10T15:00:00Z', completed: true, serviceId: windows })
    await insertTicket(app, gina.id, { start: '2026-03-05T15:00:00Z', completed: false, serviceId: gutters })
  })
  afterAll(() => app.close())

  it('filters by name with typos, email and phone digits, and hides archived contacts unless asked', async () => {
    expect(await names({ q: 'Edan Elder' })).toEqual(['Edna Elder'])
    expect(await names({ q: 'edna@old.test' })).toEqual(['Edna Elder'])
    expect(await names({ q: '0177' })).toEqual(['Edna Elder'])
    expect(await names({})).toEqual(['Edna Elder', 'Frank Young', 'Gina Gutter'])
    expect(await names({ status: 'archived' })).toEqual(['Hank Hidden'])
  })

  it('filters by tag and by attribute key or key:value', async () => {
    expect(await names({ tag: 'VIP' })).toEqual(['Edna Elder', 'Frank Young'])
    expect(await names({ tag: 'vip,screens' })).toEqual(['Edna Elder'])
    expect(await names({ attribute: 'pet' })).toEqual(['Edna Elder', 'Frank Young'])
    expect(await names({ attribute: 'customer_demographic:elderly' })).toEqual(['Edna Elder'])
    expect(await names({ attribute: 'pet=cat' })).toEqual(['Edna Elder'])
    expect(await names({ attribute: 'pet:fish,customer_demographic' })).toEqual([])
    expect(validationFieldsOf(await app.query({ type: 'contacts', attribute: 'Not A Key:x' }))).toEqual(['attribute'])
  })

  it('filters by the city and postal code of an address in use', async () => {
    expect(await names({ city: 'owens cross roads' })).toEqual(['Edna Elder'])
    expect(await names({ postal_code: '35763' })).toEqual(['Edna Elder'])
    expect(await names({ postal_code: '3575' })).toEqual(['Frank Young'])
    expect(await names({ city: 'Owens Cross Roads', attribute: 'customer_demographic:elderly', tag: 'screens' })).toEqual(['Edna Elder'])
  })

  it("filters by a service received between two dates of the business's calendar", async () => {
    expect(await names({ service_id: ids.gutters })).toEqual(['Edna Elder'])
    expect(await names({ service_id: ids.gutters, received_from: '2026-03-02', received_to: '2026-03-02' })).toEqual(['Edna Elder'])
    expect(await names({ service_id: ids.gutters, received_from: '2026-03-03', received_to: '2026-03-31' })).toEqual([])
    expect(await names({ received_from: '2026-04-01', received_to: '2026-04-30' })).toEqual(['Frank Young'])
    expect(validationFieldsOf(await app.query({ type: 'contacts', received_from: '2026-05-01', received_to: '2026-04-01' }))).toEqual([
      'received_to',
    ])
    expect(validationFieldsOf(await app.query({ type: 'contacts', received_from: 'March 1' }))).toEqual(['received_from'])
  })

  it('keeps the default payload small and expands addresses, attributes, notes and links on request', async () => {
    const plain = expectData(await app.query({ type: 'contacts', id: ids.edna }))
    for (const key of ['addresses', 'attributes', 'notes', 'links']) expect(plain).not.toHaveProperty(key)
    const full = expectData(await app.query({ type: 'contacts', id: ids.edna, include: 'addresses,attributes,notes,links' }))
    expect(full.addresses.map((a: any) => a.city)).toEqual(['Owens Cross Roads'])
    expect(full.attributes.map((a: any) => [a.key, a.value])).toEqual([
      ['customer_demographic', 'Elderly'],
      ['pet', ['dog', 'cat']],
    ])
    expect(full.notes.map((n: any) => n.content)).toEqual(['Prefers the side door'])
    expect(full.links).toEqual([])
    const gina = expectData(await app.query({ type: 'contacts', id: ids.gina, include: 'addresses' }))
    expect(gina.addresses.map((a: any) => a.line1)).toEqual(['7 New Rd'])
  })
})
