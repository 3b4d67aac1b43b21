import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { withTenant } from '../../../core/db/tenant.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** Tuesday 2026-10-27, 10:15 in Chicago. */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)('custom fields on customers and tickets (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let tech: SignedIn
  const define = async (data: Record<string, unknown>) => expectData(await owner.action('custom_field', 'define', data))

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    owner = await signedIn(app, app.tenant.owner_user_id)
    tech = await signedIn(app, await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech'))
    await define({ applies_to: 'contact', key: 'gate_code', label: 'Gate code', field_type: 'text' })
    await define({
      applies_to: 'contact',
      key: 'building',
      label: 'Building',
      field_type: 'choice',
      options: ['House', 'Condo', 'Office'],
      required: true,
    })
    await define({ applies_to: 'organization', key: 'floors', label: 'Floors', field_type: 'number' })
    await define({ applies_to: 'ticket', key: 'ladder_needed', label: 'Ladder needed', field_type: 'yes_no' })
    await define({ applies_to: 'ticket', key: 'permit_until', label: 'Permit valid until', field_type: 'date' })
  })
  afterAll(() => app.close())

  it("the owner defines fields, listed in order; the agent's definition waits for the owner; a technician may not define one", async () => {
    const listed = expectData(await app.query({ type: 'custom_fields' })).items
    expect(listed.map((f: any) => [f.applies_to, f.key, f.field_type])).toEqual([
      ['contact', 'gate_code', 'text'],
      ['contact', 'building', 'choice'],
      ['organization', 'floors', 'number'],
      ['ticket', 'ladder_needed', 'yes_no'],
      ['ticket', 'permit_until', 'date'],
    ])
    expect(listed.find((f: any) => f.key === 'building')).toMatchObject({
      label: 'Building',
      options: ['House', 'Condo', 'Office'],
      required: true,
    })
    const queued = await app.action(
      'custom_field',
      'define',
      { applies_to: 'contact', key: 'dog_name', label: 'Dog', field_type: 'text' },
      { reasoning: 'The owner asked to track dogs' },
    )
    expect(queued.status).toBe(202)
    expect(queued.body.data.status).toBe('pending_authorization')
    expectError(
      await tech.action('custom_field', 'define', { applies_to: 'contact', key: 'dog_name', label: 'Dog', field_type: 'text' }),
      403,
      'FORBIDDEN',
    )
    expect(expectData(await app.query({ type: 'custom_fields', applies_to: 'contact' })).items.map((f: any) => f.key)).toEqual([
      'gate_code',
      'building',
    ])
    // Page by page, the next page starts after the field the first one ended with.
    const first = expectData(await app.query({ type: 'custom_fields', applies_to: 'contact', limit: 1 }))
    const second = expectData(await app.query({ type: 'custom_fields', applies_to: 'contact', limit: 1, cursor: first.next_cursor }))
    expect([...first.items, ...second.items].map((f: any) => f.key)).toEqual(['gate_code', 'building'])
  })

  it('refuses a definition that cannot work, naming the field', async () => {
    const before = await countRows(app, 'custom_field_definitions')
    expectFields(
      await owner.action('custom_field', 'define', { applies_to: 'contact', key: 'size', label: 'Size', field_type: 'choice' }),
      ['data.options'],
    )
    expectFields(
      await owner.action('custom_field', 'define', {
        applies_to: 'contact',
        key: 'size',
        label: 'Size',
        field_type: 'text',
        options: ['S'],
      }),
      ['data.options'],
    )
    expectFields(
      await owner.action('custom_field', 'define', { applies_to: 'contact', key: 'Big Size', label: 'Size', field_type: 'text' }),
      ['data.key'],
    )
    expectFields(await owner.action('custom_field', 'define', { applies_to: 'lead', key: 'size', label: 'Size', field_type: 'text' }), [
      'data.applies_to',
    ])
    const taken = await owner.action('custom_field', 'define', {
      applies_to: 'ticket',
      key: 'gate_code',
      label: 'Gate',
      field_type: 'text',
    })
    expectError(taken, 409, 'CONFLICT')
    expect(taken.body.error.message).toContain('Gate code')
    expect(await countRows(app, 'custom_field_definitions')).toBe(before)
    const derived = expectData(
      await owner.action('custom_field', 'define', { applies_to: 'person', label: "Dog's name", field_type: 'text' }),
    )
    expect(derived).toMatchObject({ key: 'dog_s_name', applies_to: 'person', required: false, archived_at: null })
  })

  it('sets values through contact.create and contact.update, checked against each definition, and reads them back', async () => {
    const ada = expectData(
      await app.action('contact', 'create', { display_name: 'Ada Gate', custom_fields: { gate_code: '  4821  ', building: 'condo' } }),
    )
    expect(ada.custom_fields).toEqual({ gate_code: '4821', building: 'Condo' })
    const updated = expectData(
      await app.action('contact', 'update', { contact_id: ada.id, custom_fields: { gate_code: null, building: 'House' } }),
    )
    expect(updated.custom_fields).toEqual({ building: 'House' })
    expect(expectData(await app.query({ type: 'contacts', id: ada.id })).custom_fields).toEqual({ building: 'House' })
    expect(await auditTrailActions(app, 'contacts', ada.id)).toEqual(['create', 'update'])
    const org = expectData(
      await app.action('contact', 'create', {
        kind: 'organization',
        display_name: 'Acme Offices',
        custom_fields: { building: 'Office', floors: 12 },
      }),
    )
    expect(org.custom_fields).toEqual({ building: 'Office', floors: 12 })
  })

  it('refuses a value its field cannot hold, naming data.custom_fields.<key> and what was expected, and writes nothing', async () => {
    const before = await countRows(app, 'contacts')
    const wrong = await app.action('contact', 'create', {
      display_name: 'Wrong Values',
      custom_fields: { building: 'Castle', gate_code: 4821, shoe_size: 9 },
    })
    expectFields(wrong, ['data.custom_fields.building', 'data.custom_fields.gate_code', 'data.custom_fields.shoe_size'])
    const issues = Object.fromEntries(wrong.body.error.details.issues.map((i: any) => [i.field, i.message]))
    expect(issues['data.custom_fields.building']).toBe('expected one of: House, Condo, Office')
    expect(issues['data.custom_fields.gate_code']).toContain('expected text')
    expect(issues['data.custom_fields.shoe_size']).toContain('fields: gate_code, building')
    const missing = await app.action('contact', 'create', { display_name: 'No Building' })
    expectFields(missing, ['data.custom_fields.building'])
    expect(missing.body.error.message).toContain('is required: expected one of: House, Condo, Office')
    expectFields(await app.action('contact', 'create', { display_name: 'A Person', custom_fields: { building: 'House', floors: 2 } }), [
      'data.custom_fields.floors',
    ])
    expect(await countRows(app, 'contacts')).toBe(before)
    const kept = expectData(await app.action('contact', 'create', { display_name: 'Kept', custom_fields: { building: 'House' } }))
    expectFields(await app.action('contact', 'update', { contact_id: kept.id, custom_fields: { building: null } }), [
      'data.custom_fields.building',
    ])
    expect(expectData(await app.query({ type: 'contacts', id: kept.id })).custom_fields).toEqual({ building: 'House' })
  })

  it("filters contacts and tickets by a field's value through custom_field and custom_value", async () => {
    const bea = expectData(
      await app.action('contact', 'create', { display_name: 'Bea Filter', custom_fields: { building: 'Office', gate_code: '1234' } }),
    )
    const cy = expectData(await app.action('contact', 'create', { display_name: 'Cy Filter', custom_fields: { building: 'House' } }))
    const offices = expectData(await app.query({ type: 'contacts', custom_field: 'building', custom_value: 'office' })).items.map(
      (c: any) => c.display_name,
    )
    expect(offices).toContain('Bea Filter')
    expect(offices).not.toContain('Cy Filter')
    const withCode = expectData(await app.query({ type: 'contacts', custom_field: 'gate_code' })).items.map((c: any) => c.id)
    expect(withCode).toContain(bea.id)
    expect(withCode).not.toContain(cy.id)
    const ticket = expectData(
      await app.action('ticket', 'create', {
        contact_id: cy.id,
        scheduled_start: '2026-11-02T15:00:00Z',
        custom_fields: { ladder_needed: true, permit_until: '2026-12-31' },
      }),
    )
    expect(ticket.custom_fields).toEqual({ ladder_needed: true, permit_until: '2026-12-31' })
    await app.action('ticket', 'create', {
      contact_id: bea.id,
      scheduled_start: '2026-11-03T15:00:00Z',
      custom_fields: { ladder_needed: false },
    })
    const ladders = expectData(await app.query({ type: 'tickets', custom_field: 'ladder_needed', custom_value: 'yes' })).items
    expect(ladders.map((t: any) => t.id)).toEqual([ticket.id])
    expect(ladders[0].custom_fields).toEqual({ ladder_needed: true, permit_until: '2026-12-31' })
    expectFields(await app.query({ type: 'tickets', custom_field: 'ladder_needed', custom_value: 'maybe' }), ['custom_value'])
    expectFields(await app.query({ type: 'contacts', custom_field: 'no_such_field' }), ['custom_field'])
    expectFields(await app.query({ type: 'contacts', custom_value: 'House' }), ['custom_field'])
    expectFields(
      await app.action('ticket', 'create', {
        contact_id: cy.id,
        scheduled_start: '2026-11-04T15:00:00Z',
        custom_fields: { permit_until: '2026-02-30' },
      }),
      ['data.custom_fields.permit_until'],
    )
  })

  it('finds a customer by a text value in the universal search, and redacts card numbers typed into one', async () => {
    const dee = expectData(
      await app.action('contact', 'create', {
        display_name: 'Dee Search',
        custom_fields: { building: 'House', gate_code: 'Bluebonnet lane keypad' },
      }),
    )
    const hits = expectData(await app.query({ type: 'contacts', words: 'bluebonnet' })).items.map((c: any) => c.id)
    expect(hits).toEqual([dee.id])
    const card = expectData(
      await app.action('contact', 'update', { contact_id: dee.id, custom_fields: { gate_code: 'card 4111 1111 1111 1111' } }),
    )
    expect(card.custom_fields.gate_code).not.toContain('4111')
    const stored = await app.t.admin.query<{ v: string }>(`select custom_fields->>'gate_code' as v from contacts where id = $1`, [dee.id])
    expect(stored.rows[0].v).toContain('[REDACTED]')
    // The database redacts too, whatever wrote the row.
    await app.t.admin.query(`update contacts set custom_fields = custom_fields || '{"gate_code": "ssn 078-05-1120"}' where id = $1`, [
      dee.id,
    ])
    expect(expectData(await app.query({ type: 'contacts', id: dee.id })).custom_fields.gate_code).toBe('ssn [REDACTED]')
  })

  it('an archived field takes no new values and leaves the forms, while values already set are kept', async () => {
    const eve = expectData(
      await app.action('contact', 'create', { display_name: 'Eve Archive', custom_fields: { building: 'House', gate_code: '9' } }),
    )
    const gate = expectData(await app.query({ type: 'custom_fields' })).items.find((f: any) => f.key === 'gate_code')
    const archived = expectData(await owner.action('custom_field', 'archive', { custom_field_id: gate.id }))
    expect(archived.archived_at).not.toBeNull()
    expect(expectData(await app.query({ type: 'custom_fields' })).items.map((f: any) => f.key)).not.toContain('gate_code')
    expectFields(await app.action('contact', 'update', { contact_id: eve.id, custom_fields: { gate_code: '10' } }), [
      'data.custom_fields.gate_code',
    ])
    expect(expectData(await app.query({ type: 'contacts', id: eve.id })).custom_fields).toEqual({ building: 'House', gate_code: '9' })
    const restored = expectData(
      await owner.action('custom_field', 'update', { custom_field_id: gate.id, archived: false, label: 'Gate or door code' }),
    )
    expect(restored).toMatchObject({ archived_at: null, label: 'Gate or door code', key: 'gate_code', field_type: 'text' })
    expect(await auditTrailActions(app, 'custom_fields', gate.id)).toEqual(['create', 'archive', 'update'])
  })

  it("a completed ticket's values never change, by the action or by the database", async () => {
    const fay = expectData(await app.action('contact', 'create', { display_name: 'Fay Closed', custom_fields: { building: 'House' } }))
    const t = expectData(
      await app.action('ticket', 'create', {
        contact_id: fay.id,
        scheduled_start: '2026-10-27T14:00:00Z',
        line_items: [{ description: 'Windows', unit_price_cents: 10000 }],
        custom_fields: { ladder_needed: true },
      }),
    )
    expectData(
      await owner.action('ticket', 'close', {
        ticket_id: t.id,
        duration_minutes: 60,
        line_items: [{ line_item_id: t.line_items[0].id }],
        notes: 'All clean',
        next_service: { kind: 'none' },
      }),
    )
    expectError(await app.action('ticket', 'update', { ticket_id: t.id, custom_fields: { ladder_needed: false } }), 409, 'IMMUTABLE')
    await expect(app.t.admin.query(`update tickets set custom_fields = '{"ladder_needed": false}' where id = $1`, [t.id])).rejects.toThrow(
      /closed/,
    )
    expect(expectData(await app.query({ type: 'tickets', id: t.id })).custom_fields).toEqual({ ladder_needed: true })
  })

  it("exports the values: a column per field in the CSV lists, and in the customer's own export", async () => {
    const gus = expectData(
      await app.action('contact', 'create', { display_name: 'Gus Export', custom_fields: { building: 'Condo', gate_code: '=1+2' } }),
    )
    await app.action('ticket', 'create', {
      contact_id: gus.id,
      scheduled_start: '2026-11-09T15:00:00Z',
      custom_fields: { ladder_needed: true },
    })
    const csv = async (query: string) => {
      const res = await fetch(`${app.url}/api/export?${query}`, { headers: { authorization: `Bearer ${app.tenant.agent_token}` } })
      expect(res.status).toBe(200)
      return parse(await res.text(), { columns: true }) as Array<Record<string, string>>
    }
    const contacts = await csv('type=contacts&custom_field=building&custom_value=Condo')
    expect(contacts.map((r) => [r.display_name, r['custom.building'], r['custom.gate_code']])).toEqual([['Gus Export', 'Condo', "'=1+2"]])
    expect(Object.keys(contacts[0])).not.toContain('custom_fields')
    const tickets = await csv(`type=tickets&contact_id=${gus.id}`)
    expect(tickets.map((r) => r['custom.ladder_needed'])).toEqual(['true'])
    const own = expectData(await owner.query({ type: 'customer_export', contact_id: gus.id })).items[0]
    expect(own.contact.custom_fields).toEqual({ building: 'Condo', gate_code: '=1+2' })
    expect(own.tickets[0].custom_fields).toEqual({ ladder_needed: true })
  })

  it("a merge keeps the custom fields of both customers, the survivor's where both have one", async () => {
    const keep = expectData(await app.action('contact', 'create', { display_name: 'Hal Keep', custom_fields: { building: 'House' } }))
    const dup = expectData(
      await app.action('contact', 'create', { display_name: 'Hal Dup', custom_fields: { building: 'Condo', gate_code: '77' } }),
    )
    const merged = expectData(await owner.action('contact', 'merge', { survivor_id: keep.id, merged_id: dup.id }))
    expect(merged.survivor.custom_fields).toEqual({ building: 'House', gate_code: '77' })
  })

  it('the filters find their records through the index, reading none of the others', async () => {
    const many = Array.from({ length: 200 }, (_, i) => `('${app.tenant.tenant_id}', 'Bulk ${i}', '{"building": "House"}'::jsonb)`).join(
      ', ',
    )
    await app.t.admin.query(`insert into contacts (tenant_id, display_name, custom_fields) values ${many}`)
    await app.t.admin.query('analyze contacts')
    const reads = await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'agent' }, async (tx) => {
      const stat = async () =>
        (await tx.query<{ seq: number }>(`select seq_scan::int as seq from pg_stat_xact_user_tables where relname = 'contacts'`)).rows[0]
          ?.seq ?? 0
      const before = await stat()
      const found = await tx.query(`select contact_ids_with_custom_value('gate_code', '"1234"') as id`)
      return { found: found.rows.length, seqScans: (await stat()) - before }
    })
    expect(reads).toEqual({ found: 1, seqScans: 0 })
  })
})
