import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOOGLE_SCOPES } from '../../../core/clients/google.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { googleBusiness, googleCustomers } from './contacts-fixtures.js'

describe.each(engines)('importing Google contacts through the import path (%s)', (engine) => {
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

  it('reports first and writes nothing, then creates, matches by email and by phone, and creates nothing the second time', async () => {
    const b = await googleBusiness(app, google)
    const byEmail = await b.act('contact', 'create', { display_name: 'Already Emailed', email: 'here@example.com' })
    const byPhone = await b.act('contact', 'create', { display_name: 'Already Called', phone: '(256) 555-0142' })
    const people = google.fake.people
    people.add(b.email, { names: [{ givenName: 'Here', familyName: 'Again' }], emailAddresses: [{ value: 'HERE@example.com' }] })
    people.add(b.email, { names: [{ displayName: 'Called Again' }], phoneNumbers: [{ value: '+1 256-555-0142' }] })
    people.add(b.email, {
      names: [{ givenName: 'Maria', familyName: 'Lopez' }],
      emailAddresses: [{ value: 'maria@example.com' }],
      phoneNumbers: [{ value: '(256) 555-0100' }],
      addresses: [
        {
          streetAddress: '4 Elm Rd\nUnit 2',
          city: 'Madison',
          region: 'AL',
          postalCode: '35758',
          country: 'United States',
          countryCode: 'US',
        },
      ],
      organizations: [{ name: 'Lopez Bakery' }],
      biographies: [{ value: 'Side gate, dog is friendly' }],
    })
    people.add(b.email, { organizations: [{ name: 'Acme Offices' }], emailAddresses: [{ value: 'not an email' }] })
    people.add(b.email, { phoneNumbers: [{ value: '(256) 555-0177' }] })

    const dry = await b.act('google', 'import_contacts', {})
    expect(dry).toMatchObject({ dry_run: true, total: 5, created: 2, matched: 2, refused: 1, source: 'google', google_email: b.email })
    expect(dry.rows.map((r: any) => [r.name, r.outcome, r.matched_by])).toEqual([
      ['Here Again', 'matched', 'email'],
      ['Called Again', 'matched', 'phone'],
      ['Maria Lopez', 'created', undefined],
      ['Acme Offices', 'created', undefined],
      ['', 'refused', undefined],
    ])
    expect(dry.rows[3].warnings[0]).toContain('not an email address')
    expect(dry.rows[4].reason).toContain('has no name')
    expect(await googleCustomers(b)).toEqual([])
    expect(await b.sql('select * from google_contacts_sync')).toEqual([])
    expect(await b.sql("select count(*)::int as n from contacts where source = 'google_import'")).toEqual([{ n: 0 }])

    const done = await b.act('google', 'import_contacts', { dry_run: false })
    expect(done).toMatchObject({ dry_run: false, created: 2, matched: 2, refused: 1 })
    expect(done.rows[0].contact_id).toBe(byEmail.id)
    expect(done.rows[1].contact_id).toBe(byPhone.id)
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual([
      'Acme Offices',
      'Already Called',
      'Already Emailed',
      'Maria Lopez',
    ])
    const [maria] = await b.sql("select id, kind, first_name, email, phone from contacts where display_name = 'Maria Lopez'")
    expect(maria).toMatchObject({ kind: 'person', first_name: 'Maria', email: 'maria@example.com', phone: '(256) 555-0100' })
    expect(await b.sql('select line1, line2, city, state, postal_code, country from addresses where contact_id = $1', [maria.id])).toEqual([
      { line1: '4 Elm Rd', line2: 'Unit 2', city: 'Madison', state: 'AL', postal_code: '35758', country: 'US' },
    ])
    expect(await b.sql('select content from notes where contact_id = $1', [maria.id])).toEqual([{ content: 'Side gate, dog is friendly' }])
    expect(await b.sql("select value from attributes where contact_id = $1 and key = 'company_name'", [maria.id])).toEqual([
      { value: 'Lopez Bakery' },
    ])
    const [acme] = await b.sql("select kind, email from contacts where display_name = 'Acme Offices'")
    expect(acme).toEqual({ kind: 'organization', email: null })
    // Each customer keeps its Google resource name; the refresh starts from the sync token of this read.
    const links = await b.sql('select resource_name, contact_id, etag from google_contacts order by resource_name')
    expect(links).toHaveLength(4)
    expect(links.every((l) => /^people\/c\d+$/.test(l.resource_name) && l.etag)).toBe(true)
    const [state] = await b.sql('select user_id, google_email, sync_token, full_reads from google_contacts_sync')
    expect(state).toMatchObject({ user_id: b.ownerId, google_email: b.email, full_reads: 1 })
    expect(state.sync_token).toBeTruthy()

    const again = await b.act('google', 'import_contacts', { dry_run: false })
    expect(again).toMatchObject({ created: 0, matched: 4, refused: 1 })
    expect(again.rows.slice(0, 4).every((r: any) => r.matched_by === 'external_id')).toBe(true)
    expect(await b.sql("select count(*)::int as n from contacts where source = 'google_import'")).toEqual([{ n: 2 }])
    expect(await b.sql('select count(*)::int as n from addresses where contact_id = $1', [maria.id])).toEqual([{ n: 1 }])
    expect(await b.sql('select count(*)::int as n from notes where contact_id = $1', [maria.id])).toEqual([{ n: 1 }])
  })

  it("runs an agent's dry run at once and queues its real run for the owner", async () => {
    const b = await googleBusiness(app, google)
    google.fake.people.add(b.email, { names: [{ givenName: 'Agent', familyName: 'Seen' }] })
    const dry = await app.action('google', 'import_contacts', { dry_run: true }, { token: b.agentToken })
    expect(dry.status, JSON.stringify(dry.body.error)).toBe(200)
    expect(dry.body.data).toMatchObject({ dry_run: true, created: 1 })
    const real = await app.action('google', 'import_contacts', { dry_run: false }, { token: b.agentToken, reasoning: 'The owner asked' })
    expect(real.status, JSON.stringify(real.body.error)).toBe(202)
    expect(real.body.data.status).toBe('pending_authorization')
    expect(await googleCustomers(b)).toEqual([])
  })

  it('waits out a 429 from Google and imports', async () => {
    const b = await googleBusiness(app, google)
    google.fake.people.add(b.email, { names: [{ givenName: 'Patient', familyName: 'Person' }] })
    const throttled = google.fake.counts.throttled
    google.fake.failNext(429, undefined, { 'Retry-After': '0' })
    google.fake.failNext(429)
    const done = await b.act('google', 'import_contacts', { dry_run: false })
    expect(done).toMatchObject({ created: 1 })
    expect(google.fake.counts.throttled - throttled).toBe(2)
    expect((await googleCustomers(b)).map((c) => c.display_name)).toEqual(['Patient Person'])
  })

  it('says clearly when contacts are off, not granted, or Google is not connected', async () => {
    const calendarOnly = await googleBusiness(app, google, ['calendar'])
    await expect(calendarOnly.act('google', 'import_contacts', {})).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`Google contacts is off for ${calendarOnly.email}`),
    })
    const notGranted = await googleBusiness(app, google)
    await notGranted.sql('update google_connections set scopes = array_remove(scopes, $1)', [GOOGLE_SCOPES.contacts])
    await expect(notGranted.act('google', 'import_contacts', {})).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('Google did not grant reading the contacts'),
    })
    const disconnected = await googleBusiness(app, google)
    await disconnected.act('google', 'disconnect', { reason: 'Trying another account' })
    await expect(disconnected.act('google', 'import_contacts', {})).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('Google was disconnected: Trying another account'),
    })
    const tenant = await app.createTenant('No Google Yet')
    const none = await app.action('google', 'import_contacts', {}, { token: tenant.agent_token })
    expect(none.status).toBe(409)
    expect(none.body.error.message).toContain("No owner's Google account is connected")
  })
})
