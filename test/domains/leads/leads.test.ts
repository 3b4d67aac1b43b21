import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, auditActions, countAsTenant, newContact } from '../../helpers/fixtures.js'

describe.each(engines)('leads through the API (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const lead = async (data: Record<string, unknown>) => {
    const r = await app.action('lead', 'create', data)
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    return r.body.data
  }

  it('records a lead with its raw notes and extracted fields, and reads it back with its audit trail', async () => {
    const created = await lead({
      raw_notes: 'Called Tue: Maria Lopez, 2-story house, wants outside windows + gutters before Easter. 256-555-0199',
      name: 'Maria Lopez',
      phone: '256-555-0199',
      service_interest: 'exterior windows, gutters',
      source: 'phone',
      urgency: 'high',
      property_details: 'two-story',
      reminder_at: '2026-03-20T15:00:00Z',
    })
    expect(created).toMatchObject({ status: 'new', name: 'Maria Lopez', urgency: 'high', converted_contact_id: null })
    const read = await app.query({ type: 'leads', id: created.id, include: 'audit_trail' })
    expect(read.status).toBe(200)
    expect(read.body.data.raw_notes).toContain('before Easter')
    expect(read.body.data.audit_trail.map((a: any) => a.action)).toEqual(['create'])
    expect(read.body.data.audit_trail[0].changes.name).toEqual({ old: null, new: 'Maria Lopez' })
  })

  it('refuses a lead without raw notes or with a bad field, naming the field, and writes nothing', async () => {
    const before = await countAsTenant(app, 'leads')
    const missing = await app.action('lead', 'create', { name: 'No Notes' })
    expect(missing.status).toBe(400)
    expect(missing.body.error.code).toBe('VALIDATION_ERROR')
    expect(missing.body.error.details.issues.map((i: any) => i.field)).toContain('data.raw_notes')
    const blank = await app.action('lead', 'create', { raw_notes: '   ' })
    expect(blank.body.error.details.issues.map((i: any) => i.field)).toContain('data.raw_notes')
    const bad = await app.action('lead', 'create', { raw_notes: 'x', email: 'nope', urgency: 'asap', reminder_at: 'tomorrow' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.issues.map((i: any) => i.field)).toEqual(
      expect.arrayContaining(['data.email', 'data.urgency', 'data.reminder_at']),
    )
    expect(await countAsTenant(app, 'leads')).toBe(before)
  })

  it('redacts a card number read out in the inquiry, keeping the phone number', async () => {
    const l = await lead({ raw_notes: 'Wants to pay now, card 4111 1111 1111 1111, call back 256-555-0100' })
    expect(l.raw_notes).toBe('Wants to pay now, card [REDACTED], call back 256-555-0100')
  })

  it('updates fields, clears one with null, and audits the change', async () => {
    const l = await lead({ raw_notes: 'Email from Bob about screens', name: 'Bob', email: 'bob@example.com' })
    const r = await app.action('lead', 'update', { lead_id: l.id, phone: '(256) 555-0123', email: null, urgency: 'low' })
    expect(r.status).toBe(200)
    expect(r.body.data).toMatchObject({ phone: '(256) 555-0123', email: null, urgency: 'low', raw_notes: 'Email from Bob about screens' })
    const trail = await app.query({ type: 'audit_trail', entity_id: l.id })
    const update = trail.body.data.items.find((a: any) => a.action === 'update')
    expect(update.changes).toMatchObject({ email: { old: 'bob@example.com', new: null }, phone: { old: null, new: '(256) 555-0123' } })
    const clearNotes = await app.action('lead', 'update', { lead_id: l.id, raw_notes: null })
    expect(clearNotes.status).toBe(400)
    expect(clearNotes.body.error.details.issues[0].field).toBe('data.raw_notes')
    const unknown = await app.action('lead', 'update', { lead_id: '00000000-0000-4000-8000-000000000001', name: 'X' })
    expect(unknown.status).toBe(404)
  })

  it('moves a lead through its statuses and refuses illegal moves with CONFLICT naming from and to', async () => {
    const l = await lead({ raw_notes: 'Referral from the Smiths' })
    const step = (status: string) => app.action('lead', 'set_status', { lead_id: l.id, status })
    expect((await step('contacted')).body.data.status).toBe('contacted')
    expect((await step('qualified')).body.data.status).toBe('qualified')
    const twoBack = await step('new')
    expect(twoBack.status).toBe(409)
    expect(twoBack.body.error.code).toBe('CONFLICT')
    expect(twoBack.body.error.details).toMatchObject({ from: 'qualified', to: 'new' })
    expect(twoBack.body.error.message).toContain('qualified to new')
    expect((await step('contacted')).body.data.status).toBe('contacted')
    expect((await step('contacted')).status).toBe(200)
    const viaSetStatus = await app.action('lead', 'set_status', { lead_id: l.id, status: 'archived' })
    expect(viaSetStatus.status).toBe(400)
    expect(viaSetStatus.body.error.details.issues[0].field).toBe('data.status')
    expect(await auditActions(app, 'lead', l.id)).toEqual(['create', 'set_status', 'set_status', 'set_status'])
  })

  it('archives only with reasoning from an agent, keeps the reason, hides it by default, and reopens it', async () => {
    const l = await lead({ raw_notes: 'Wants a quote for a 40-story tower', name: 'Tower Co' })
    const noReason = await app.action('lead', 'archive', { lead_id: l.id, reason: 'out of scope' })
    expect(noReason.status).toBe(422)
    expect(noReason.body.error.code).toBe('REASONING_REQUIRED')
    expect((await app.query({ type: 'leads', id: l.id })).body.data.status).toBe('new')
    const archived = await app.action(
      'lead',
      'archive',
      { lead_id: l.id, reason: 'out of scope' },
      { reasoning: 'We do not clean high-rises' },
    )
    expect(archived.status).toBe(200)
    expect(archived.body.data).toMatchObject({ status: 'archived', archive_reason: 'out of scope' })
    expect(archived.body.data.archived_at).not.toBeNull()
    const trail = await app.query({ type: 'audit_trail', entity_id: l.id, action: 'archive' })
    expect(trail.body.data.items[0].reasoning).toBe('We do not clean high-rises')
    const again = await app.action('lead', 'archive', { lead_id: l.id }, { reasoning: 'again' })
    expect(again.body.data.archive_reason).toBe('out of scope')
    const list = await app.query({ type: 'leads', limit: 100 })
    expect(list.body.data.items.map((x: any) => x.id)).not.toContain(l.id)
    const archivedList = await app.query({ type: 'leads', status: 'archived' })
    expect(archivedList.body.data.items.map((x: any) => x.id)).toContain(l.id)
    const reopened = await app.action('lead', 'set_status', { lead_id: l.id, status: 'qualified' })
    expect(reopened.body.data).toMatchObject({ status: 'qualified', archive_reason: null, archived_at: null })
    expect(await auditActions(app, 'lead', l.id)).toEqual(['create', 'archive', 'set_status'])
  })

  it('converts a lead into a new contact with the address read from the lead, audited on both, once', async () => {
    const l = await lead({
      raw_notes: 'Web form: Priya Raman, priya@example.net, 12 Oak Hollow Dr, Apt 3, Owens Cross Roads, AL 35763, USA',
      name: 'Priya Raman',
      email: 'priya@example.net',
      phone: '+1 (256) 555-0777',
      source: 'website',
      address: '12 Oak Hollow Dr, Apt 3, Owens Cross Roads, AL 35763, USA',
    })
    const contactsBefore = await countAsTenant(app, 'contacts')
    const r = await app.action('lead', 'convert', { lead_id: l.id })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    expect(r.body.data).toMatchObject({ contact_created: true, matched_by: null, lead: { status: 'converted' } })
    const contactId = r.body.data.contact.id
    expect(r.body.data.lead.converted_contact_id).toBe(contactId)
    expect(r.body.data.lead.converted_at).toBeTruthy()
    expect(await countAsTenant(app, 'contacts')).toBe(contactsBefore + 1)
    const c = await app.query({ type: 'contacts', id: contactId })
    expect(c.body.data).toMatchObject({ display_name: 'Priya Raman', email: 'priya@example.net', phone: '+1 (256) 555-0777' })
    const stored = await asTenant(app, (tx) =>
      tx.query('select line1, line2, city, state, postal_code, country from addresses where contact_id = $1', [contactId]),
    )
    expect(stored.rows).toEqual([
      { line1: '12 Oak Hollow Dr', line2: 'Apt 3', city: 'Owens Cross Roads', state: 'AL', postal_code: '35763', country: 'US' },
    ])
    expect(await auditActions(app, 'lead', l.id)).toEqual(['create', 'convert'])
    expect(await auditActions(app, 'contact', contactId)).toEqual(['create'])
    expect(await auditActions(app, 'address', r.body.data.address_id)).toEqual(['create'])

    const twice = await app.action('lead', 'convert', { lead_id: l.id })
    expect(twice.status).toBe(409)
    expect(twice.body.error.code).toBe('CONFLICT')
    expect(twice.body.error.message).toContain(contactId)
    expect(await countAsTenant(app, 'contacts')).toBe(contactsBefore + 1)
    const back = await app.action('lead', 'set_status', { lead_id: l.id, status: 'qualified' })
    expect(back.status).toBe(409)
    expect(back.body.error.details).toMatchObject({ from: 'converted', to: 'qualified' })
  })

  it('links an existing contact matched by email whatever its case, or by phone digits, without creating one', async () => {
    const jane = await newContact(app, { display_name: 'Jane Whitfield', email: 'Jane.W@Example.com' })
    const sam = await newContact(app, { display_name: 'Sam Ortiz', phone: '(256) 555-0142' })
    const byEmail = await lead({
      raw_notes: 'Jane wants a spring clean',
      name: 'J. Whitfield',
      email: 'jane.w@EXAMPLE.com',
      address: 'somewhere nice',
    })
    const byPhone = await lead({ raw_notes: 'Voicemail from 1-256-555-0142 about screens', phone: '+1 256.555.0142' })
    const contactsBefore = await countAsTenant(app, 'contacts')
    const first = await app.action('lead', 'convert', { lead_id: byEmail.id })
    expect(first.status, JSON.stringify(first.body.error)).toBe(200)
    expect(first.body.data).toMatchObject({ contact_created: false, matched_by: 'email', contact: { id: jane }, address_id: null })
    const second = await app.action('lead', 'convert', { lead_id: byPhone.id })
    expect(second.body.data).toMatchObject({ contact_created: false, matched_by: 'phone', contact: { id: sam } })
    expect(await countAsTenant(app, 'contacts')).toBe(contactsBefore)
    expect(await auditActions(app, 'contact', jane)).toEqual(['create', 'link_lead'])
    const read = await app.query({ type: 'leads', id: byPhone.id, include: 'contact' })
    expect(read.body.data.contact).toMatchObject({ id: sam, display_name: 'Sam Ortiz' })
  })

  it('links the contact given, and refuses one of no record', async () => {
    const given = await newContact(app, { display_name: 'Given Person' })
    const l = await lead({ raw_notes: 'Neighbour of Given Person', name: 'Someone Else', email: 'else@example.org' })
    const missing = await app.action('lead', 'convert', { lead_id: l.id, contact_id: '00000000-0000-4000-8000-00000000abcd' })
    expect(missing.status).toBe(404)
    expect((await app.query({ type: 'leads', id: l.id })).body.data.status).toBe('new')
    const r = await app.action('lead', 'convert', { lead_id: l.id, contact_id: given })
    expect(r.body.data).toMatchObject({ matched_by: 'contact_id', contact_created: false, contact: { id: given } })
  })

  it("asks for the address parts when the lead's address cannot be read, writing nothing, and converts without one on request", async () => {
    const l = await lead({ raw_notes: 'Out by the old mill', name: 'Hank Mill', address: 'the white house past the old mill' })
    const contactsBefore = await countAsTenant(app, 'contacts')
    const addressesBefore = await countAsTenant(app, 'addresses')
    const refused = await app.action('lead', 'convert', { lead_id: l.id })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details.issues[0].field).toBe('data.address')
    expect(refused.body.error.message).toContain('line1, city, ST 12345')
    expect(await countAsTenant(app, 'contacts')).toBe(contactsBefore)
    expect((await app.query({ type: 'leads', id: l.id })).body.data.status).toBe('new')

    const badParts = await app.action('lead', 'convert', { lead_id: l.id, address: { line1: '1 Mill Rd', city: 'Madison' } })
    expect(badParts.status).toBe(400)
    expect(badParts.body.error.details.issues.map((i: any) => i.field)).toEqual(
      expect.arrayContaining(['data.address.state', 'data.address.postal_code']),
    )

    const given = await app.action('lead', 'convert', {
      lead_id: l.id,
      address: { line1: '1 Mill Rd', city: 'Madison', state: 'AL', postal_code: '35758' },
    })
    expect(given.status).toBe(200)
    expect(await countAsTenant(app, 'addresses')).toBe(addressesBefore + 1)

    const other = await lead({ raw_notes: 'No fixed address', name: 'Nomad', address: '???' })
    const without = await app.action('lead', 'convert', { lead_id: other.id, address: null })
    expect(without.body.data).toMatchObject({ contact_created: true, address_id: null })
    expect(await countAsTenant(app, 'addresses')).toBe(addressesBefore + 1)
  })

  it('needs a name for a new contact', async () => {
    const l = await lead({ raw_notes: 'Text message: how much for windows?', phone: '(256) 555-0911' })
    const r = await app.action('lead', 'convert', { lead_id: l.id })
    expect(r.status).toBe(400)
    expect(r.body.error.details.issues[0].field).toBe('data.display_name')
    const named = await app.action('lead', 'convert', { lead_id: l.id, display_name: 'Texting Customer' })
    expect(named.body.data.contact.display_name).toBe('Texting Customer')
  })

  it('refuses to convert an archived lead', async () => {
    const l = await lead({ raw_notes: 'Spam?', name: 'Spam Bot' })
    await app.action('lead', 'archive', { lead_id: l.id }, { reasoning: 'spam' })
    const r = await app.action('lead', 'convert', { lead_id: l.id })
    expect(r.status).toBe(409)
    expect(r.body.error.details).toMatchObject({ from: 'archived', to: 'converted' })
  })

  it('lists leads by status, due reminder, urgency and words, newest first, page by page', async () => {
    const a = await lead({
      raw_notes: 'Filter test alpha gutters',
      name: 'Filter Alpha',
      urgency: 'high',
      reminder_at: '2026-01-05T15:00:00Z',
      phone: '256-555-8811',
    })
    const b = await lead({ raw_notes: 'Filter test bravo windows', name: 'Filter Bravo', reminder_at: '2030-01-05T15:00:00Z' })
    const c = await lead({ raw_notes: 'Filter test charlie screens', name: 'Filter Charlie' })
    await app.action('lead', 'set_status', { lead_id: c.id, status: 'contacted' })
    const ids = async (params: Record<string, string>) =>
      (await app.query({ type: 'leads', q: 'Filter test', limit: 100, ...params })).body.data.items.map((x: any) => x.id)
    expect(await ids({})).toEqual([c.id, b.id, a.id])
    expect(await ids({ status: 'contacted' })).toEqual([c.id])
    expect(await ids({ status: 'open' })).toEqual([c.id, b.id, a.id])
    expect(await ids({ status: 'converted' })).toEqual([])
    expect(await ids({ urgency: 'high' })).toEqual([a.id])
    expect(await ids({ reminder_due_before: '2026-03-01T00:00:00Z' })).toEqual([a.id])
    expect((await app.query({ type: 'leads', q: '8811' })).body.data.items.map((x: any) => x.id)).toEqual([a.id])
    expect((await app.query({ type: 'leads', q: 'charlie SCREENS' })).body.data.items.map((x: any) => x.id)).toEqual([c.id])
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await app.query({ type: 'leads', q: 'Filter test', limit: 2, ...(cursor ? { cursor } : {}) })
      seen.push(...page.body.data.items.map((x: any) => x.id))
      cursor = page.body.data.next_cursor
    } while (cursor)
    expect(seen).toEqual([c.id, b.id, a.id])
    const badFilter = await app.query({ type: 'leads', status: 'hot' })
    expect(badFilter.status).toBe(400)
    expect(badFilter.body.error.details.issues[0].field).toBe('status')
  })
})
