import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditEntries, countRows, insertTicket, newContactRecord, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('notes (%s)', (engine) => {
  let app: TestApp
  let c: any
  let ticketId: string
  let leadId: string
  beforeAll(async () => {
    app = await startTestApp(engine)
    c = await newContactRecord(app, { display_name: 'Noted Person' })
    ticketId = await insertTicket(app, c.id, { start: '2026-06-01T14:00:00Z' })
    const lead = await app.t.admin.query<{ id: string }>(
      `insert into leads (tenant_id, raw_notes) values ($1, 'Called about gutters') returning id`,
      [app.tenant.tenant_id],
    )
    leadId = lead.rows[0].id
  })
  afterAll(() => app.close())

  it('adds notes to a contact, a ticket and a lead, written by the caller and audited', async () => {
    const onContact = expectData(await app.action('note', 'add', { contact_id: c.id, content: '  Two dogs in the back yard  ' }))
    expect(onContact).toMatchObject({
      contact_id: c.id,
      ticket_id: null,
      lead_id: null,
      content: 'Two dogs in the back yard',
      author_type: 'agent',
    })
    expect(onContact).not.toHaveProperty('redactions')
    const onTicket = expectData(await app.action('note', 'add', { ticket_id: ticketId, content: 'Bring the tall ladder' }))
    expect(onTicket.ticket_id).toBe(ticketId)
    const onLead = expectData(await app.action('note', 'add', { lead_id: leadId, content: 'Wants a quote by Friday' }))
    expect(onLead.lead_id).toBe(leadId)
    const audit = await auditEntries(app, 'note', onContact.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ action: 'create', actor_type: 'agent' })
    expect(audit[0].changes.content).toEqual({ old: null, new: 'Two dogs in the back yard' })
  })

  it('needs exactly one of contact_id, ticket_id, lead_id, and names the fields', async () => {
    const before = await countRows(app, 'notes')
    const none = await app.action('note', 'add', { content: 'Floating note' })
    expectError(none, 400, 'VALIDATION_ERROR')
    expect(validationFieldsOf(none)).toEqual(['data.contact_id', 'data.ticket_id', 'data.lead_id'])
    const two = await app.action('note', 'add', { contact_id: c.id, lead_id: leadId, content: 'Two places' })
    expect(validationFieldsOf(two)).toEqual(['data.contact_id', 'data.lead_id'])
    expect(validationFieldsOf(await app.action('note', 'add', { contact_id: c.id, content: '   ' }))).toEqual(['data.content'])
    expect(validationFieldsOf(await app.action('note', 'add', { contact_id: c.id }))).toEqual(['data.content'])
    expect(validationFieldsOf(await app.action('note', 'add', { contact_id: c.id, content: 'x'.repeat(10_001) }))).toEqual(['data.content'])
    const missing = await app.action('note', 'add', { ticket_id: '00000000-0000-4000-8000-000000000000', content: 'Lost' })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('data.ticket_id')
    expect(await countRows(app, 'notes')).toBe(before)
  })

  it('lists the notes of one subject, newest first, and finds them by stemmed words', async () => {
    const other = await newContactRecord(app, { display_name: 'Other Person' })
    for (const content of ['First visit went well', 'Dog barked at the technician', 'Paid by check']) {
      expectData(await app.action('note', 'add', { contact_id: other.id, content }))
    }
    const list = expectData(await app.query({ type: 'notes', contact_id: other.id }))
    expect(list.items.map((n: any) => n.content)).toEqual(['Paid by check', 'Dog barked at the technician', 'First visit went well'])
    const page1 = expectData(await app.query({ type: 'notes', contact_id: other.id, limit: 2 }))
    const page2 = expectData(await app.query({ type: 'notes', contact_id: other.id, limit: 2, cursor: page1.next_cursor }))
    expect([...page1.items, ...page2.items].map((n: any) => n.id)).toEqual(list.items.map((n: any) => n.id))
    expect(page2.next_cursor).toBeNull()
    expect(expectData(await app.query({ type: 'notes', ticket_id: ticketId })).items.map((n: any) => n.content)).toEqual([
      'Bring the tall ladder',
    ])
    expect(expectData(await app.query({ type: 'notes', lead_id: leadId })).items).toHaveLength(1)
    expect(expectData(await app.query({ type: 'notes', contact_id: other.id, q: 'dogs' })).items.map((n: any) => n.content)).toEqual([
      'Dog barked at the technician',
    ])
    const one = expectData(await app.query({ type: 'notes', id: list.items[0].id, include: 'audit_trail' }))
    expect(one.audit_trail.map((a: any) => a.action)).toEqual(['create'])
  })
})
