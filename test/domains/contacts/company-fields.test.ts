import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, newContactRecord, signedIn, type SignedIn, validationFieldsOf } from '../../helpers/fixtures.js'

const BILLING = { line1: '400 Commerce Way', line2: 'Suite 12', city: 'Huntsville', state: 'AL', postal_code: '35801' }

describe.each(engines)('company fields of an organization (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app.close())

  it('stores them on an organization, shows them on reads, filters by industry in any case, and exports them', async () => {
    const acme = await newContactRecord(app, {
      kind: 'organization',
      display_name: 'Acme Offices',
      legal_name: 'Acme Offices LLC',
      industry: ' Property Management ',
      website: 'https://acme.example',
      tax_id: '12-3456789',
      billing_address: BILLING,
    })
    expect(acme).toMatchObject({
      legal_name: 'Acme Offices LLC',
      industry: 'property management',
      website: 'https://acme.example',
      tax_id: '12-3456789',
      billing_address: { ...BILLING, country: 'US' },
    })
    await newContactRecord(app, { kind: 'organization', display_name: 'Bolt Diner', industry: 'restaurant' })
    const read = expectData(await app.query({ type: 'contacts', id: acme.id }))
    expect(read).toMatchObject({ legal_name: 'Acme Offices LLC', billing_address: { city: 'Huntsville', line2: 'Suite 12' } })
    const filtered = expectData(await app.query({ type: 'contacts', industry: 'PROPERTY management' }))
    expect(filtered.items.map((c: any) => c.display_name)).toEqual(['Acme Offices'])
    const [exported] = expectData(await owner.query({ type: 'customer_export', contact_id: acme.id })).items
    expect(exported.contact).toMatchObject({
      legal_name: 'Acme Offices LLC',
      industry: 'property management',
      tax_id: '12-3456789',
      billing_address: { line1: '400 Commerce Way' },
    })
  })

  it('refuses company fields on a person, naming each field, and writes nothing', async () => {
    const before = await countRows(app, 'contacts')
    const refused = await app.action('contact', 'create', { display_name: 'Jane Person', industry: 'retail', tax_id: '98-7654321' })
    expect(validationFieldsOf(refused)).toEqual(['data.industry', 'data.tax_id'])
    expect(refused.body.error.message).toContain('for organizations only')
    expect(await countRows(app, 'contacts')).toBe(before)
    const jane = await newContactRecord(app, { display_name: 'Jane Person' })
    expect(jane).toMatchObject({ kind: 'person', legal_name: null, industry: null, website: null, tax_id: null, billing_address: null })
    expect(validationFieldsOf(await app.action('contact', 'update', { contact_id: jane.id, website: 'https://jane.example' }))).toEqual([
      'data.website',
    ])
    expect(
      validationFieldsOf(
        await app.action('contact', 'create', { kind: 'organization', display_name: 'Bad Site', website: 'acme dot com' }),
      ),
    ).toEqual(['data.website'])
    expect(
      validationFieldsOf(
        await app.action('contact', 'create', {
          kind: 'organization',
          display_name: 'Bad Zip',
          billing_address: { ...BILLING, postal_code: '!' },
        }),
      ),
    ).toEqual(['data.billing_address.postal_code'])
  })

  it('changes and clears them on update, audited; a person may become an organization with them, and back only when they are cleared', async () => {
    const pat = await newContactRecord(app, { display_name: 'Pat Builder' })
    const org = expectData(
      await app.action('contact', 'update', {
        contact_id: pat.id,
        kind: 'organization',
        display_name: 'Pat Builders',
        industry: 'Construction',
      }),
    )
    expect(org).toMatchObject({ kind: 'organization', industry: 'construction' })
    const audit = await auditEntries(app, 'contact', pat.id)
    expect(audit.at(-1).changes.industry).toEqual({ old: null, new: 'construction' })
    const back = await app.action('contact', 'update', { contact_id: pat.id, kind: 'person' })
    expect(validationFieldsOf(back)).toEqual(['data.kind'])
    expect(back.body.error.message).toContain('industry')
    const person = expectData(await app.action('contact', 'update', { contact_id: pat.id, kind: 'person', industry: null }))
    expect(person).toMatchObject({ kind: 'person', industry: null })
  })

  it("keeps company fields through a merge: the survivor's, filled from the merged one, and a person taking them becomes an organization", async () => {
    const survivor = await newContactRecord(app, { kind: 'organization', display_name: 'Merge Co', industry: 'cleaning' })
    const merged = await newContactRecord(app, {
      kind: 'organization',
      display_name: 'Merge Company',
      industry: 'janitorial',
      tax_id: '11-2223334',
    })
    const done = expectData(await owner.action('contact', 'merge', { survivor_id: survivor.id, merged_id: merged.id }))
    expect(done.survivor).toMatchObject({ kind: 'organization', industry: 'cleaning', tax_id: '11-2223334' })
    const person = await newContactRecord(app, { display_name: 'Dee Owner' })
    const shop = await newContactRecord(app, { kind: 'organization', display_name: 'Dee Shop', legal_name: 'Dee Shop LLC' })
    const joined = expectData(await owner.action('contact', 'merge', { survivor_id: person.id, merged_id: shop.id }))
    expect(joined.survivor).toMatchObject({ id: person.id, kind: 'organization', legal_name: 'Dee Shop LLC' })
  })

  it('lists the people who work at an organization', async () => {
    const shop = await newContactRecord(app, { kind: 'organization', display_name: 'Corner Shop' })
    const [ann, bob] = [
      await newContactRecord(app, { display_name: 'Ann Clerk' }),
      await newContactRecord(app, { display_name: 'Bob Clerk' }),
    ]
    await newContactRecord(app, { display_name: 'Cy Elsewhere' })
    for (const p of [ann, bob])
      expectData(await app.action('contact', 'link', { contact_id: p.id, to_contact_id: shop.id, link_type: 'works_at' }))
    const staff = expectData(await app.query({ type: 'contacts', works_at: shop.id, sort: 'name' }))
    expect(staff.items.map((c: any) => c.display_name)).toEqual(['Ann Clerk', 'Bob Clerk'])
    const read = expectData(await app.query({ type: 'contacts', id: shop.id, include: 'links' }))
    expect(read.links.map((l: any) => [l.relation, l.display_name])).toEqual([
      ['employee', 'Ann Clerk'],
      ['employee', 'Bob Clerk'],
    ])
    expectError(await app.query({ type: 'contacts', works_at: 'not-an-id' }), 400, 'VALIDATION_ERROR')
  })
})
