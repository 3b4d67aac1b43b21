import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { googleBusiness, googleCustomers } from './contacts-fixtures.js'

describe.each(engines)('a customer erased here is never brought back from Google (%s)', (engine) => {
  let google: GoogleFixture
  let app: TestApp

  beforeAll(async () => {
    google = await googleFixture()
    app = await startTestApp(engine, google.services)
  })
  afterAll(async () => {
    await app?.close()
    await google?.close()
  })

  const skipWords = /1 person in Google was erased here on the customer’s request and not brought back; .*add them by hand/

  it('skips the erased person in the refresh (changed in Google, then a full read) and in a new import, and still brings others', async () => {
    const b = await googleBusiness(app, google)
    const people = google.fake.people
    const ana = people.add(b.email, {
      names: [{ givenName: 'Ana', familyName: 'Silva' }],
      emailAddresses: [{ value: 'ana@example.com' }],
      phoneNumbers: [{ value: '(256) 555-0111' }],
    })
    people.add(b.email, { names: [{ givenName: 'Ben', familyName: 'Ode' }] })
    await b.act('google', 'import_contacts', { dry_run: false })
    const [{ id: anaId }] = await b.sql("select id from contacts where display_name = 'Ana Silva'")
    const erased = await b.act('contact', 'erase', { contact_id: anaId, confirm: true })
    expect(erased.rows_changed.google_contacts).toBe(1)
    expect(await b.sql('select count(*)::int as n from google_contacts_erased')).toEqual([{ n: 1 }])

    // Ana changes in Google: the incremental read brings her, and she is skipped.
    people.change(b.email, ana, { emailAddresses: [{ value: 'ana.silva@example.com' }] })
    expect((await b.sync()).steps.contacts).toMatchObject({ read: 1, created: 0, matched: 0, erased_here: 1, full_read: 0 })

    // The sync token expires: every contact is read again; Ana stays out, a new person comes in.
    people.add(b.email, { names: [{ givenName: 'Cy', familyName: 'Young' }] })
    people.expireSyncTokens(b.email)
    expect((await b.sync()).steps.contacts).toMatchObject({ full_read: 1, read: 3, created: 1, erased_here: 1, deleted_in_google: 0 })
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual(['Ben Ode', 'Cy Young'])

    // A new import: the dry run says why Ana is left out and how to have her back; the real run leaves her out too.
    const dry = await b.act('google', 'import_contacts', { dry_run: true })
    expect(dry).toMatchObject({ dry_run: true, total: 2, created: 0, matched: 2, erased_here: 1 })
    expect(dry.erased_here_note).toMatch(skipWords)
    expect(dry.rows.map((r: any) => r.name).sort()).toEqual(['Ben Ode', 'Cy Young'])
    const real = await b.act('google', 'import_contacts', { dry_run: false })
    expect(real).toMatchObject({ dry_run: false, created: 0, erased_here: 1 })
    expect(real.erased_here_note).toMatch(skipWords)

    expect(await b.sql("select count(*)::int as n from contacts where display_name ilike '%ana%' or email ilike '%ana%'")).toEqual([
      { n: 0 },
    ])
    expect(await b.sql('select display_name, email, phone from contacts where id = $1', [anaId])).toEqual([
      { display_name: 'Erased customer', email: null, phone: null },
    ])
    expect(await b.sql('select count(*)::int as n from google_contacts where resource_name = $1', [ana])).toEqual([{ n: 0 }])
    expect(await b.sql('select count(*)::int as n from contact_external_ids where external_id = $1', [ana])).toEqual([{ n: 0 }])

    // The owner wants her back: added by hand, she is a customer again, and Google still does not link her.
    await b.act('contact', 'create', { display_name: 'Ana Silva', email: 'ana@example.com' })
    people.change(b.email, ana, { phoneNumbers: [{ value: '(256) 555-0199' }] })
    expect((await b.sync()).steps.contacts).toMatchObject({ read: 1, created: 0, matched: 0, erased_here: 1 })
    expect(await b.sql("select phone from contacts where display_name = 'Ana Silva'")).toEqual([{ phone: null }])
  })

  it('marks a person merged into the customer erased, and brings them back by no full read', async () => {
    const b = await googleBusiness(app, google)
    const people = google.fake.people
    const dan = people.add(b.email, { names: [{ givenName: 'Dan', familyName: 'Merged' }], emailAddresses: [{ value: 'dan@example.com' }] })
    await b.act('google', 'import_contacts', { dry_run: false })
    const [{ id: danId }] = await b.sql("select id from contacts where display_name = 'Dan Merged'")
    const survivor = await b.act('contact', 'create', { display_name: 'Daniel Merged' })
    await b.act('contact', 'merge', { survivor_id: survivor.id, merged_id: danId })
    await b.act('contact', 'erase', { contact_id: survivor.id, confirm: true })
    expect(await b.sql('select count(*)::int as n from google_contacts where resource_name = $1', [dan])).toEqual([{ n: 0 }])
    people.expireSyncTokens(b.email)
    expect((await b.sync()).steps.contacts).toMatchObject({ full_read: 1, read: 1, created: 0, matched: 0, erased_here: 1 })
    expect(await googleCustomers(b)).toEqual([])
  })

  it('keeps a one-way mark: no name, email, phone or resource name, per business, written only by an erasure', async () => {
    const b = await googleBusiness(app, google)
    const ana = google.fake.people.add(b.email, {
      names: [{ givenName: 'Ana', familyName: 'Marked' }],
      emailAddresses: [{ value: 'ana.marked@example.com' }],
      phoneNumbers: [{ value: '(256) 555-0177' }],
    })
    const ben = google.fake.people.add(b.email, { names: [{ givenName: 'Ben', familyName: 'Unlinked' }] })
    await b.act('google', 'import_contacts', { dry_run: false })
    // A link removed other than by an erasure leaves no mark.
    await b.sql('delete from google_contacts where resource_name = $1', [ben])
    expect(await b.sql('select count(*)::int as n from google_contacts_erased')).toEqual([{ n: 0 }])
    const [{ id }] = await b.sql("select id from contacts where display_name = 'Ana Marked'")
    await b.act('contact', 'erase', { contact_id: id, confirm: true })

    const rows = await b.sql('select * from google_contacts_erased')
    expect(rows).toHaveLength(1)
    expect(Object.keys(rows[0]).sort()).toEqual(['erased_at', 'resource_hash', 'tenant_id'])
    expect(rows[0].tenant_id).toBe(b.tenantId)
    expect(rows[0].resource_hash).toBe(createHash('sha256').update(`${b.tenantId} ${ana}`).digest('hex'))
    const raw = JSON.stringify(rows).toLowerCase()
    // The phone whole, as written and as digits: three or four digits alone turn up in a random hash or id now and then.
    for (const text of ['ana', 'marked', 'example.com', '555-0177', '2565550177', ana.toLowerCase(), ana.slice('people/'.length)]) {
      expect(raw).not.toContain(text)
    }
    // Another business sees none of it, and the app can neither write nor remove a mark.
    const other = await googleBusiness(app, google)
    expect(await other.sql('select * from google_contacts_erased')).toEqual([])
    await expect(b.sql('delete from google_contacts_erased')).rejects.toThrow(/not allowed/i)
    await expect(
      b.sql('insert into google_contacts_erased (tenant_id, resource_hash) values ($1, $2)', [b.tenantId, '0'.repeat(64)]),
    ).rejects.toThrow(/not allowed/i)
    expect(await b.sql('select count(*)::int as n from google_contacts_erased')).toEqual([{ n: 1 }])
  })
})
