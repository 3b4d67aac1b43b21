import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, insertTicket, newContactRecord, person, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('contacts (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('creates a contact with name parts, channels, preferences, tags, source and standing notes (about)', async () => {
    const created = await newContactRecord(app, {
      first_name: 'Ruth',
      last_name: 'Baker',
      emails: [
        { value: 'ruth@home.test', label: 'home' },
        { value: 'ruth@work.test', label: 'work' },
      ],
      phones: [
        { value: '(256) 555-0101', label: 'cell' },
        { value: '256-555-0102', label: 'home', primary: true },
      ],
      preferences: { time_of_day: 'morning', preferred_days: ['thu', 'mon', 'thu'], notes: 'Call before arriving' },
      tags: ['VIP', ' vip ', 'Screens'],
      source: 'referral',
      about: 'Has two dogs',
    })
    expect(created).toMatchObject({
      display_name: 'Ruth Baker',
      kind: 'person',
      status: 'active',
      source: 'referral',
      about: 'Has two dogs',
      email: 'ruth@home.test',
      phone: '256-555-0102',
      emails: [
        { value: 'ruth@home.test', label: 'home', primary: true },
        { value: 'ruth@work.test', label: 'work', primary: false },
      ],
      preferences: { time_of_day: 'morning', preferred_days: ['mon', 'thu'], notes: 'Call before arriving' },
      tags: ['vip', 'screens'],
    })
    const audit = await auditEntries(app, 'contact', created.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ action: 'create', actor_type: 'agent' })
    expect(audit[0].changes.display_name).toEqual({ old: null, new: 'Ruth Baker' })
  })

  it('keeps the email and phone shorthands: they set the primary entry', async () => {
    const c = await newContactRecord(app, {
      display_name: 'Acme Property Management',
      kind: 'organization',
      email: 'office@acme.test',
      emails: [{ value: 'billing@acme.test', label: 'billing' }],
    })
    expect(c.kind).toBe('organization')
    expect(c.email).toBe('office@acme.test')
    expect(c.emails).toEqual([
      { value: 'office@acme.test', label: null, primary: true },
      { value: 'billing@acme.test', label: 'billing', primary: false },
    ])
    const changed = expectData(await app.action('contact', 'update', { contact_id: c.id, email: 'Billing@Acme.test' }))
    expect(changed.email).toBe('billing@acme.test')
    expect(changed.emails).toEqual([
      { value: 'Billing@Acme.test', label: 'billing', primary: true },
      { value: 'office@acme.test', label: null, primary: false },
    ])
    expect(changed.phone).toBeNull()
    const replaced = expectData(await app.action('contact', 'update', { contact_id: c.id, email: 'front@acme.test' }))
    expect(replaced.emails).toEqual([
      { value: 'front@acme.test', label: 'billing', primary: true },
      { value: 'office@acme.test', label: null, primary: false },
    ])
    const cleared = expectData(await app.action('contact', 'update', { contact_id: c.id, phone: '(256) 555-0199' }))
    expect(cleared.phone).toBe('(256) 555-0199')
    expect(expectData(await app.action('contact', 'update', { contact_id: c.id, phone: null })).phone).toBeNull()
  })

  it('refuses two primaries, a repeated address and a missing name, naming the field and writing nothing', async () => {
    const before = await countRows(app, 'contacts')
    const two = await app.action('contact', 'create', {
      display_name: 'Two Primaries',
      emails: [
        { value: 'a@x.test', primary: true },
        { value: 'b@x.test', primary: true },
      ],
    })
    expectError(two, 400, 'VALIDATION_ERROR')
    expect(validationFieldsOf(two)).toEqual(['data.emails'])
    const twice = await app.action('contact', 'create', {
      display_name: 'Twice',
      phones: [{ value: '256-555-0111' }, { value: '(256) 555-0111' }],
    })
    expect(validationFieldsOf(twice)).toEqual(['data.phones.1.value'])
    const nameless = await app.action('contact', 'create', { email: 'x@y.test' })
    expect(validationFieldsOf(nameless)).toEqual(['data.display_name'])
    const badPrefs = await app.action('contact', 'create', {
      display_name: 'P',
      preferences: { time_of_day: 'evening', preferred_days: ['monday'] },
    })
    expect(validationFieldsOf(badPrefs)).toEqual(['data.preferences.time_of_day', 'data.preferences.preferred_days.0'])
    const badStatus = await app.action('contact', 'create', { display_name: 'S', status: 'gone', kind: 'robot' })
    expect(validationFieldsOf(badStatus).sort()).toEqual(['data.kind', 'data.status'])
    expect(await countRows(app, 'contacts')).toBe(before)
  })

  it('updates tags without resending them, merges preferences, follows the name, and audits old and new', async () => {
    const c = await newContactRecord(app, {
      first_name: 'Tom',
      last_name: 'Ford',
      tags: ['gutters', 'vip'],
      preferences: { time_of_day: 'afternoon', preferred_days: ['fri'] },
    })
    const added = expectData(
      await app.action('contact', 'update', { contact_id: c.id, tags_add: ['Screens', 'vip'], tags_remove: ['gutters'] }),
    )
    expect(added.tags).toEqual(['vip', 'screens'])
    const prefs = expectData(
      await app.action('contact', 'update', { contact_id: c.id, preferences: { time_of_day: null, notes: 'Side gate' } }),
    )
    expect(prefs.preferences).toEqual({ preferred_days: ['fri'], notes: 'Side gate' })
    const renamed = expectData(
      await app.action('contact', 'update', { contact_id: c.id, last_name: 'Fordham', status: 'inactive', source: 'google' }),
    )
    expect(renamed).toMatchObject({ display_name: 'Tom Fordham', status: 'inactive', source: 'google' })
    const custom = expectData(await app.action('contact', 'update', { contact_id: c.id, display_name: 'Tommy' }))
    expect(expectData(await app.action('contact', 'update', { contact_id: custom.id, first_name: 'Thomas' })).display_name).toBe('Tommy')
    const audit = await auditEntries(app, 'contact', c.id)
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'update', 'update', 'update', 'update'])
    expect(audit[1].changes.tags).toEqual({ old: ['gutters', 'vip'], new: ['vip', 'screens'] })
    expect(audit[3].changes.display_name).toEqual({ old: 'Tom Ford', new: 'Tom Fordham' })
    const same = expectData(await app.action('contact', 'update', { contact_id: c.id, tags_add: ['vip'] }))
    expect(same.tags).toEqual(['vip', 'screens'])
    expect(await auditEntries(app, 'contact', c.id)).toHaveLength(6)
  })

  it('says NOT_FOUND for an unknown contact and names unknown fields', async () => {
    expectError(await app.action('contact', 'update', { contact_id: '00000000-0000-4000-8000-000000000000', about: 'x' }), 404, 'NOT_FOUND')
    const unknown = await app.action('contact', 'update', { contact_id: '00000000-0000-4000-8000-000000000000', tag: 'vip' })
    expect(validationFieldsOf(unknown)).toEqual(['data'])
    expect(unknown.body.error.message).toContain('tag')
    expect(unknown.body.error.message).toContain('tag (did you mean tags or tags_add?)')
    const address = await app.action('contact', 'create', { display_name: 'Ada Lane', address: { line1: '1 Main St' } })
    expect(address.body.error.message).toBe('data: has unknown field(s) address (did you mean addresses or billing_address?)')
    const far = await app.action('contact', 'create', {
      display_name: 'Ada Lane',
      addresses: [{ line1: '1 Main St', city: 'Owens Cross Roads', state: 'AL', postal_code: '35763', zipcode: '35763' }],
    })
    expect(validationFieldsOf(far)).toEqual(['data.addresses.0'])
    expect(far.body.error.message).toContain(
      'has unknown field(s) zipcode; the fields are label, line1, line2, city, state, postal_code, country, access_notes',
    )
  })

  it('archives a contact and restores it', async () => {
    const c = await newContactRecord(app, { display_name: 'Archie Archived' })
    const archived = expectData(await app.action('contact', 'archive', { contact_id: c.id }))
    expect(archived.status).toBe('archived')
    expect(Date.parse(archived.archived_at)).not.toBeNaN()
    expect(expectData(await app.action('contact', 'archive', { contact_id: c.id }))).toMatchObject({
      status: 'archived',
      archived_at: archived.archived_at,
    })
    expect(expectData(await app.action('contact', 'update', { contact_id: c.id, status: 'active' }))).toMatchObject({
      status: 'active',
      archived_at: null,
    })
    expect((await auditEntries(app, 'contact', c.id)).map((a) => a.action)).toEqual(['create', 'archive', 'update'])
  })

  describe('delete', () => {
    it("queues an agent's delete for the owner, and deleting then removes the addresses, attributes and links too", async () => {
      const c = await newContactRecord(app, { display_name: 'Mistaken Entry' })
      const other = await newContactRecord(app, { display_name: 'Mistaken Employer', kind: 'organization' })
      expectData(
        await app.action('address', 'add', { contact_id: c.id, line1: '1 Wrong Way', city: 'Madison', state: 'AL', postal_code: '35758' }),
      )
      expectData(await app.action('attribute', 'set', { contact_id: c.id, key: 'has_pets', value: true }))
      expectData(await app.action('contact', 'link', { contact_id: c.id, to_contact_id: other.id, link_type: 'works_at' }))
      const refused = await app.action('contact', 'delete', { contact_id: c.id })
      expectError(refused, 422, 'REASONING_REQUIRED')
      const queued = await app.action('contact', 'delete', { contact_id: c.id }, { reasoning: 'Duplicate created by mistake' })
      expect(queued.status).toBe(202)
      expect(queued.body.data.status).toBe('pending_authorization')
      expect(await countRows(app, 'contacts', 'id = $2', [c.id])).toBe(1)
      const owner = await person(app, 'deleter@sparkle.test')
      const deleted = expectData(await owner.action('contact', 'delete', { contact_id: c.id }))
      expect(deleted).toMatchObject({ id: c.id, deleted: true, addresses_deleted: 1, attributes_deleted: 1, links_deleted: 1 })
      expect(await countRows(app, 'contacts', 'id = $2', [c.id])).toBe(0)
      expect(await countRows(app, 'addresses', 'contact_id = $2', [c.id])).toBe(0)
      expect(await countRows(app, 'contact_links', 'from_contact_id = $2 or to_contact_id = $2', [c.id])).toBe(0)
      const audit = await auditEntries(app, 'contact', c.id)
      expect(audit.at(-1)).toMatchObject({ action: 'delete', actor_type: 'user', actor_id: owner.userId })
      expect(audit.at(-1).changes.display_name).toEqual({ old: 'Mistaken Entry', new: null })
      expect((await auditEntries(app, 'contact', other.id)).map((a) => a.action)).toEqual(['create', 'link', 'unlink'])
    })

    it('refuses to delete a contact with history, even for the owner, and points to archive', async () => {
      const owner = await person(app, 'keeper@sparkle.test')
      const withTicket = await newContactRecord(app, { display_name: 'Loyal Customer' })
      await insertTicket(app, withTicket.id, { start: '2026-03-02T15:00:00Z' })
      const withNote = await newContactRecord(app, { display_name: 'Noted Customer' })
      expectData(await app.action('note', 'add', { contact_id: withNote.id, content: 'Asked about gutters' }))
      for (const [c, what] of [
        [withTicket, '1 tickets'],
        [withNote, '1 notes'],
      ] as const) {
        const res = await owner.action('contact', 'delete', { contact_id: c.id })
        expectError(res, 409, 'CONFLICT')
        expect(res.body.error.message).toContain(what)
        expect(res.body.error.message).toContain('contact.archive')
        expect(res.body.error.details.suggestion).toBe('contact.archive')
        expect(await countRows(app, 'contacts', 'id = $2', [c.id])).toBe(1)
      }
    })

    it('is registered as requires_authorization', async () => {
      const caps = expectData(await app.call('GET', '/api/capabilities'))
      const del = caps.domains.contact.actions.find((a: any) => a.name === 'delete')
      expect(del.permission).toBe('requires_authorization')
    })
  })
})
