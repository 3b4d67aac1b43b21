import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncGoogle } from '../../../core/domains/google/sync-job.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { googleBusiness, googleCustomers } from './contacts-fixtures.js'

describe.each(engines)('refreshing Google contacts with the sync token (%s)', (engine) => {
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

  /** People API requests the account made so far. */
  const peopleCalls = (email: string) => google.fake.requests.filter((r) => r.account === email && r.path === '/v1/people/me/connections')

  it('waits for the first import, then brings a change and a new person, and keeps a customer deleted in Google', async () => {
    const b = await googleBusiness(app, google)
    const people = google.fake.people
    const ana = people.add(b.email, { names: [{ givenName: 'Ana', familyName: 'Silva' }], emailAddresses: [{ value: 'ana@example.com' }] })
    const ben = people.add(b.email, { names: [{ givenName: 'Ben', familyName: 'Ode' }] })
    people.add(b.email, { names: [{ givenName: 'Cy', familyName: 'Young' }] })
    expect((await b.sync()).steps.contacts).toEqual({ waiting_for_import: 1 })
    expect(peopleCalls(b.email)).toHaveLength(0)

    await b.act('google', 'import_contacts', { dry_run: false })
    const [anaId] = (await b.sql("select id from contacts where display_name = 'Ana Silva'")).map((r) => r.id)
    const [benId] = (await b.sql("select id from contacts where display_name = 'Ben Ode'")).map((r) => r.id)
    // Nothing changed in Google: the refresh reads with the token and finds nothing.
    expect((await b.sync()).steps.contacts).toMatchObject({ read: 0, created: 0, full_read: 0 })
    expect(peopleCalls(b.email).at(-1)?.query.syncToken).toBeTruthy()

    people.change(b.email, ana, {
      phoneNumbers: [{ value: '(256) 555-0111' }],
      addresses: [{ streetAddress: '9 Oak St', city: 'Huntsville', region: 'AL', postalCode: '35801' }],
    })
    people.add(b.email, { names: [{ givenName: 'Dee', familyName: 'New' }], emailAddresses: [{ value: 'dee@example.com' }] })
    people.remove(b.email, ben)
    const report = (await b.sync()).steps.contacts
    expect(report).toMatchObject({ read: 3, created: 1, matched: 1, deleted_in_google: 1, full_read: 0 })
    expect(await b.sql('select phone from contacts where id = $1', [anaId])).toEqual([{ phone: '(256) 555-0111' }])
    expect(await b.sql('select line1, city from addresses where contact_id = $1', [anaId])).toEqual([
      { line1: '9 Oak St', city: 'Huntsville' },
    ])
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual(['Ana Silva', 'Ben Ode', 'Cy Young', 'Dee New'])
    // Ben was deleted in Google: he stays a customer, and his link and audit say so.
    expect(await b.sql('select archived_at from contacts where id = $1', [benId])).toEqual([{ archived_at: null }])
    const [link] = await b.sql('select contact_id, deleted_in_google_at from google_contacts where resource_name = $1', [ben])
    expect(link.contact_id).toBe(benId)
    expect(link.deleted_in_google_at).toBeTruthy()
    expect(await b.sql("select entity_id from audit_log where action = 'google_contact_deleted'")).toEqual([{ entity_id: benId }])
    // The owner and the agent read it.
    const deleted = await app.query({ type: 'google_contacts', state: 'deleted_in_google' }, b.agentToken)
    expect(deleted.status, JSON.stringify(deleted.body.error)).toBe(200)
    expect(deleted.body.data.items).toEqual([
      expect.objectContaining({ id: benId, name: 'Ben Ode', resource_name: ben, state: 'deleted_in_google' }),
    ])
    const linked = await app.query({ type: 'google_contacts', state: 'linked' }, b.agentToken)
    expect(linked.body.data.items.map((i: any) => i.name).sort()).toEqual(['Ana Silva', 'Cy Young', 'Dee New'])
    // Ana merged into a customer made here: she is read as the survivor, and her next change in Google reaches it.
    const survivor = await b.act('contact', 'create', { display_name: 'Ana S. Silva' })
    await b.act('contact', 'merge', { survivor_id: survivor.id, merged_id: anaId })
    const byId = await app.query({ type: 'google_contacts', id: survivor.id }, b.agentToken)
    expect(byId.body.data).toMatchObject({ id: survivor.id, name: 'Ana S. Silva', resource_name: ana, state: 'linked' })
    people.change(b.email, ana, { emailAddresses: [{ value: 'ana.new@example.com' }] })
    expect((await b.sync()).steps.contacts).toMatchObject({ read: 1, matched: 1, created: 0 })
    expect(await b.sql('select contact_id from google_contacts where resource_name = $1', [ana])).toEqual([{ contact_id: survivor.id }])
    // Read again, nothing new: no second customer, no second address.
    expect((await b.sync()).steps.contacts).toMatchObject({ read: 0, created: 0 })
    expect(await b.sql('select count(*)::int as n from addresses where contact_id = $1', [survivor.id])).toEqual([{ n: 1 }])
  })

  it('reads every contact again after Google refuses an expired sync token, and doubles nothing', async () => {
    const b = await googleBusiness(app, google)
    const people = google.fake.people
    people.add(b.email, { names: [{ givenName: 'Eve', familyName: 'Old' }], emailAddresses: [{ value: 'eve@example.com' }] })
    const gone = people.add(b.email, { names: [{ givenName: 'Fay', familyName: 'Gone' }] })
    await b.act('google', 'import_contacts', { dry_run: false })
    people.add(b.email, { names: [{ givenName: 'Gus', familyName: 'Later' }] })
    people.remove(b.email, gone)
    people.expireSyncTokens(b.email)

    const report = (await b.sync()).steps.contacts
    expect(report).toMatchObject({ full_read: 1, read: 2, created: 1, unchanged: 1, deleted_in_google: 1 })
    const calls = peopleCalls(b.email).slice(-2)
    expect(calls[0].query.syncToken).toBeTruthy()
    expect(calls[1].query.syncToken).toBeUndefined()
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual(['Eve Old', 'Fay Gone', 'Gus Later'])
    expect(await b.sql("select count(*)::int as n from contacts where source = 'google_import'")).toEqual([{ n: 3 }])
    expect(await b.sql('select full_reads from google_contacts_sync')).toEqual([{ full_reads: 2 }])
    // The new token works: the next refresh is incremental again.
    expect((await b.sync()).steps.contacts).toMatchObject({ full_read: 0, read: 0 })
  })

  it('reads every contact of another account the owner connects instead, matching by email, and deletes no link of the first', async () => {
    const b = await googleBusiness(app, google)
    google.fake.people.add(b.email, { names: [{ givenName: 'Kim', familyName: 'Both' }], emailAddresses: [{ value: 'kim@example.com' }] })
    await b.act('google', 'import_contacts', { dry_run: false })
    const other = `other-${b.email}`
    google.fake.people.add(other, { names: [{ displayName: 'Kim B.' }], emailAddresses: [{ value: 'kim@example.com' }] })
    google.fake.people.add(other, { names: [{ givenName: 'Lou', familyName: 'Only' }] })
    await google.connect(app.t.db, b.tenantId, b.ownerId, ['contacts'], other)
    expect((await b.sync()).steps.contacts).toMatchObject({ full_read: 1, read: 2, created: 1, matched: 1, deleted_in_google: 0 })
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual(['Kim Both', 'Lou Only'])
    expect(await b.sql('select google_email from google_contacts_sync')).toEqual([{ google_email: other }])
    expect(await b.sql('select count(*)::int as n from google_contacts where deleted_in_google_at is not null')).toEqual([{ n: 0 }])
  })

  it('waits out a 429 in the worker, and keeps the sync token only after the changes are applied', async () => {
    const b = await googleBusiness(app, google)
    google.fake.people.add(b.email, { names: [{ givenName: 'Hal', familyName: 'First' }] })
    await b.act('google', 'import_contacts', { dry_run: false })
    google.fake.people.add(b.email, { names: [{ givenName: 'Ivy', familyName: 'Throttled' }] })
    await b.sql('update google_connections set sync_requested_at = now()')
    google.fake.failNext(429, undefined, { 'Retry-After': '0' })
    const pass = await syncGoogle(app.services)
    const mine = pass.synced.find((s) => s.tenant_id === b.tenantId)
    expect(mine?.report.steps.contacts).toMatchObject({ created: 1 })
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual(['Hal First', 'Ivy Throttled'])

    // Google down past every retry: the step fails with Google's words, and the token stays for the next try.
    const [before] = await b.sql('select sync_token from google_contacts_sync')
    google.fake.people.add(b.email, { names: [{ givenName: 'Jo', familyName: 'Waiting' }] })
    for (let i = 0; i < 4; i++) google.fake.failNext(503)
    await expect(b.sync()).rejects.toThrow(/contacts: Google answered 503/)
    expect(await b.sql('select sync_token from google_contacts_sync')).toEqual([before])
    expect((await b.sync()).steps.contacts).toMatchObject({ created: 1 })
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual(['Hal First', 'Ivy Throttled', 'Jo Waiting'])
  })
})
