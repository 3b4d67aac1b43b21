import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../../core/kernel/context.js'
import { AppError } from '../../../core/kernel/errors.js'
import { performAction } from '../../../core/kernel/operations.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { squareCsv } from '../../../core/demo/square-export.js'
import { address, asTenant, newContact, service, ticket } from '../../helpers/fixtures.js'

describe.each(engines)('merging two records of one customer (%s)', (engine) => {
  let app: TestApp
  let owner: Principal
  let windows: string
  const merge = (data: Record<string, unknown>) =>
    performAction(app.services, owner, { domain: 'contact', action: 'merge', data }, { requestId: randomUUID() }).then(
      (r) => r.result as any,
    )
  const refusal = async (call: Promise<unknown>): Promise<AppError> => {
    const err = await call.then(
      () => null,
      (e) => e,
    )
    expect(err).toBeInstanceOf(AppError)
    return err as AppError
  }
  const sql = (text: string, args: unknown[] = []) => asTenant(app, (tx) => tx.query<any>(text, args)).then((r) => r.rows)

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    windows = await service(app, { name: 'Window cleaning', price_cents: 15000 })
  })
  afterAll(() => app.close())

  /** A survivor and a duplicate with one record of every kind a customer can have. */
  async function duplicatePair(tag: string) {
    const ruth = await newContact(app, { display_name: `Ruth ${tag}`, email: `ruth.${tag}@home.test`, tags: ['vip'] })
    const dup = await newContact(app, {
      first_name: 'Ruthie',
      last_name: tag,
      display_name: `Ruthie ${tag}`,
      email: `rb.${tag}@work.test`,
      phone: '(256) 555-0142',
      source: 'google',
      about: 'gate code 4821',
      tags: ['commercial'],
      allow_duplicate: true,
    })
    const friend = await newContact(app, { display_name: `Frank ${tag}` })
    const addressId = await address(app, dup, { line1: '12 Oak St', city: 'Huntsville', postal_code: '35801' })
    const open = await ticket(app, dup, [{ service_id: windows }])
    const closed = await ticket(app, dup, [{ service_id: windows }], 'completed')
    const invoice = expectData(
      await app.action('invoice', 'create', {
        contact_id: dup,
        line_items: [{ description: 'Windows', unit_price_cents: 8000, taxable: false }],
      }),
    )
    expectData(await app.action('invoice', 'mark_sent', { invoice_id: invoice.id }))
    expectData(
      await app.action(
        'invoice',
        'record_payment',
        { invoice_id: invoice.id, amount_cents: 3000, method: 'cash' },
        { reasoning: 'The customer paid' },
      ),
    )
    const note = expectData(await app.action('note', 'add', { contact_id: dup, content: 'Prefers a text before arriving' }))
    expectData(await app.action('attribute', 'set', { contact_id: ruth, key: 'pets', value: 'dog' }))
    expectData(await app.action('attribute', 'set', { contact_id: dup, key: 'pets', value: 'cat' }))
    expectData(await app.action('attribute', 'set', { contact_id: dup, key: 'ladder', value: '30 ft' }))
    expectData(await app.action('contact', 'link', { contact_id: dup, to_contact_id: friend, link_type: 'referred_by' }))
    expectData(await app.action('contact', 'link', { contact_id: ruth, to_contact_id: dup, link_type: 'household' }))
    expectData(await app.action('waitlist', 'add', { contact_id: ruth, service_id: windows, latest_date: '2027-01-31' }))
    const waiting = expectData(await app.action('waitlist', 'add', { contact_id: dup, service_id: windows, latest_date: '2027-01-31' }))
    const [message] = await sql(
      `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at)
      values ($1, $2, 'custom', 'Spring special', 'Hello', now() + interval '3 days') returning id`,
      [app.tenant.tenant_id, dup],
    )
    await sql(`insert into contact_external_ids (tenant_id, source, external_id, contact_id) values ($1, 'square', $2, $3)`, [
      app.tenant.tenant_id,
      `SQ-${tag}`,
      dup,
    ])
    const [lead] = await sql(
      `insert into leads (tenant_id, raw_notes, name, status, converted_contact_id, converted_at)
      values ($1, 'Called about windows', 'Ruthie', 'converted', $2, now()) returning id`,
      [app.tenant.tenant_id, dup],
    )
    return { ruth, dup, friend, addressId, open, closed, invoice, note, waiting, message: message.id, lead: lead.id }
  }

  it('moves every kind of record to the survivor, fills its empty fields and keeps the value it did not keep in a note', async () => {
    const p = await duplicatePair('Bell')
    const [closedBefore] = await sql('select * from tickets where id = $1', [p.closed.id])
    expect(
      (
        await app.action('document', 'upload', {
          contact_id: p.dup,
          name: 'Contract',
          content_base64: Buffer.from('%PDF-1.4 signed').toString('base64'),
        })
      ).status,
    ).toBe(200)
    const result = await merge({ survivor_id: p.ruth, merged_id: p.dup })

    expect(result.moved).toEqual({
      addresses: 1,
      tickets: 2,
      invoices: 1,
      notes: 1,
      scheduled_messages: 1,
      converted_leads: 1,
      waitlist_entries: 1,
      documents: 1,
      attributes: 1,
      links: 1,
      external_ids: 1,
    })
    expect(result).toMatchObject({
      links_removed: 1,
      waitlist_entries_removed: 1,
      attribute_conflicts: [{ key: 'pets', survivor_value: 'dog', merged_value: 'cat', kept: 'survivor' }],
    })
    for (const [table, column] of [
      ['addresses', 'contact_id'],
      ['tickets', 'contact_id'],
      ['invoices', 'contact_id'],
      ['notes', 'contact_id'],
      ['scheduled_messages', 'contact_id'],
      ['leads', 'converted_contact_id'],
      ['waitlist_entries', 'contact_id'],
      ['documents', 'contact_id'],
      ['attributes', 'contact_id'],
      ['contact_external_ids', 'contact_id'],
      ['contact_links', 'from_contact_id'],
      ['contact_links', 'to_contact_id'],
    ]) {
      expect(await sql(`select 1 from ${table} where ${column} = $1`, [p.dup]), `${table}.${column}`).toEqual([])
    }
    const [closedAfter] = await sql('select * from tickets where id = $1', [p.closed.id])
    expect(closedAfter.contact_id).toBe(p.ruth)
    const { contact_id: _a, updated_at: _b, ...frozenAfter } = closedAfter
    const { contact_id: _c, updated_at: _d, ...frozenBefore } = closedBefore
    expect(frozenAfter).toEqual(frozenBefore)

    const invoice = expectData(await app.query({ type: 'invoices', id: p.invoice.id, include: 'payments' }))
    expect(invoice).toMatchObject({ contact_id: p.ruth, amount_paid_cents: 3000 })
    expect(invoice.payments).toHaveLength(1)
    const waiting = await sql('select contact_id, status from waitlist_entries where id = $1', [p.waiting.id])
    expect(waiting).toEqual([{ contact_id: p.ruth, status: 'removed' }])
    expect(await sql(`select contact_id from contact_external_ids where external_id = 'SQ-Bell'`)).toEqual([{ contact_id: p.ruth }])

    const survivor = expectData(await app.query({ type: 'contacts', id: p.ruth, include: 'attributes,links,notes,addresses' }))
    expect(survivor).toMatchObject({
      display_name: 'Ruth Bell',
      first_name: 'Ruthie',
      last_name: 'Bell',
      email: 'ruth.bell@home.test',
      phone: '(256) 555-0142',
      source: 'google',
      about: 'gate code 4821',
      tags: ['vip', 'commercial'],
      merged_into: null,
    })
    expect(survivor.emails.map((e: any) => e.value)).toEqual(['ruth.Bell@home.test', 'rb.Bell@work.test'])
    expect(Object.fromEntries(survivor.attributes.map((a: any) => [a.key, a.value]))).toEqual({ pets: 'dog', ladder: '30 ft' })
    expect(survivor.links).toEqual([expect.objectContaining({ link_type: 'referred_by', direction: 'outgoing', contact_id: p.friend })])
    expect(survivor.addresses.map((a: any) => a.id)).toEqual([p.addressId])
    const kept = survivor.notes.find((n: any) => n.content.includes('pets'))
    expect(kept.content).toContain('"cat"')
    expect(survivor.notes.map((n: any) => n.id)).toContain(p.note.id)

    const trail = await sql(
      `select entity_id, action, changes from audit_log where entity_type = 'contact' and action = 'merge'
      and entity_id = any($1::uuid[]) order by id`,
      [[p.ruth, p.dup]],
    )
    expect(trail.find((a: any) => a.entity_id === p.dup).changes.merged_into).toEqual({ old: null, new: p.ruth })
    expect(trail.find((a: any) => a.entity_id === p.ruth).changes.merged_contact_id).toEqual({ old: null, new: p.dup })
    const ticketTrail = await sql(`select changes from audit_log where entity_type = 'ticket' and entity_id = $1 and action = 'merge'`, [
      p.closed.id,
    ])
    expect(ticketTrail).toEqual([{ changes: { contact_id: { old: p.dup, new: p.ruth } } }])
  })

  it('leaves the merged contact as a pointer: out of lists and search, read by id names the survivor, every action on it refused', async () => {
    const p = await duplicatePair('Lane')
    await merge({ survivor_id: p.ruth, merged_id: p.dup })

    const list = expectData(await app.query({ type: 'contacts', q: 'Ruthie Lane', limit: 100 }))
    expect(list.items.map((c: any) => c.id)).not.toContain(p.dup)
    const archived = expectData(await app.query({ type: 'contacts', status: 'archived', limit: 100 }))
    expect(archived.items.map((c: any) => c.id)).not.toContain(p.dup)
    const found = expectData(await app.query({ type: 'search', q: 'Ruthie' }))
    const ids = JSON.stringify(found)
    expect(ids).not.toContain(p.dup)
    expect(ids).toContain(p.ruth)

    const pointer = expectData(await app.query({ type: 'contacts', id: p.dup }))
    expect(pointer).toMatchObject({ merged_into: p.ruth, merged: { into: { id: p.ruth, display_name: 'Ruth Lane' } } })

    for (const [domain, action, data] of [
      ['contact', 'update', { contact_id: p.dup, source: 'referral' }],
      ['note', 'add', { contact_id: p.dup, content: 'hello' }],
      ['ticket', 'create', { contact_id: p.dup, scheduled_start: '2027-03-02T15:00:00Z', duration_minutes: 60 }],
      ['contact', 'link', { contact_id: p.friend, to_contact_id: p.dup, link_type: 'other' }],
    ] as const) {
      const refused = await app.action(domain, action, data)
      expectError(refused, 409, 'CONFLICT')
      expect(refused.body.error.message).toContain(p.ruth)
      expect(refused.body.error.details.merged_into).toEqual({ id: p.ruth, display_name: 'Ruth Lane' })
    }

    const read = await app.query({ type: 'tickets', contact_id: p.dup })
    expectError(read, 409, 'CONFLICT')
    expect(read.body.error.details).toMatchObject({ field: 'contact_id', merged_into: { id: p.ruth } })
    expect(expectData(await app.query({ type: 'tickets', contact_id: p.ruth })).items).toHaveLength(2)
    expect(expectData(await app.query({ type: 'audit_trail', entity_id: p.dup })).items.map((a: any) => a.action)).toContain('merge')

    // A new customer with the merged contact's email is reported as the survivor, saying what matched.
    const again = await app.action('contact', 'create', { display_name: 'R. Lane', email: 'RB.Lane@work.test' })
    expectError(again, 409, 'CONFLICT')
    expect(again.body.error.details).toMatchObject({
      field: 'data.email',
      matched: { field: 'email', value: 'rb.lane@work.test' },
      existing: { id: p.ruth, display_name: 'Ruth Lane' },
    })
  })

  it("refuses a contact merged into itself, an unknown or another business's contact, and either side already merged", async () => {
    const a = await newContact(app, { display_name: 'Ada Stone' })
    const b = await newContact(app, { display_name: 'Ada M. Stone' })
    const c = await newContact(app, { display_name: 'Ada Marie Stone' })
    const self = await refusal(merge({ survivor_id: a, merged_id: a }))
    expect(self.code).toBe('VALIDATION_ERROR')
    expect(self.message).toContain('data.merged_id')
    const unknown = await refusal(merge({ survivor_id: a, merged_id: randomUUID() }))
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', details: { field: 'data.merged_id' } })
    const other = await app.createTenant('Other Windows')
    const [theirs] = (
      await app.t.admin.query<{ id: string }>(`insert into contacts (tenant_id, display_name) values ($1, 'Ada Stone') returning id`, [
        other.tenant_id,
      ])
    ).rows
    const foreign = await refusal(merge({ survivor_id: theirs.id, merged_id: a }))
    expect(foreign).toMatchObject({ code: 'NOT_FOUND', details: { field: 'data.survivor_id' } })
    // A contact may be named instead of its id: one no customer has is not found, naming the field.
    const bad = await app.action('contact', 'merge', { survivor_id: a, merged_id: 'not-an-id' }, { reasoning: 'same person' })
    expectError(bad, 404, 'NOT_FOUND')
    expect(bad.body.error.details.field).toBe('data.merged_id')

    await merge({ survivor_id: a, merged_id: b })
    const twice = await refusal(merge({ survivor_id: c, merged_id: b }))
    expect(twice).toMatchObject({ code: 'CONFLICT', details: { field: 'data.merged_id', merged_into: { id: a } } })
    const intoPointer = await refusal(merge({ survivor_id: b, merged_id: c }))
    expect(intoPointer).toMatchObject({ code: 'CONFLICT', details: { field: 'data.survivor_id', merged_into: { id: a } } })
    expect(await sql('select merged_into from contacts where id = $1', [c])).toEqual([{ merged_into: null }])
  })

  it('points earlier merges at the new survivor, so a pointer never leads to another pointer', async () => {
    const a = await newContact(app, { display_name: 'Bo Reed' })
    const b = await newContact(app, { display_name: 'Bo Reed (old)' })
    const c = await newContact(app, { display_name: 'Robert Reed' })
    await merge({ survivor_id: b, merged_id: a })
    await merge({ survivor_id: c, merged_id: b })
    expect(await sql('select id, merged_into from contacts where id = any($1::uuid[]) order by display_name', [[a, b, c]])).toEqual([
      { id: a, merged_into: c },
      { id: b, merged_into: c },
      { id: c, merged_into: null },
    ])
  })

  it('keeps a survivor from being deleted, even with nothing else of its own, so no pointer leads nowhere', async () => {
    const a = await newContact(app, { display_name: 'Hal Pine' })
    const b = await newContact(app, { display_name: 'Harold Pine' })
    await merge({ survivor_id: a, merged_id: b })
    const err = await refusal(
      performAction(app.services, owner, { domain: 'contact', action: 'delete', data: { contact_id: a } }, { requestId: randomUUID() }),
    )
    expect(err).toMatchObject({ code: 'CONFLICT', details: { history: { merged_contacts: 1 } } })
    expect(await sql('select count(*)::int as n from contacts where id = any($1::uuid[])', [[a, b]])).toEqual([{ n: 2 }])
  })

  it("with prefer merged keeps the merged contact's values where both have one, and notes the survivor's", async () => {
    const a = await newContact(app, { display_name: 'Cy Young', email: 'cy@old.test' })
    const b = await newContact(app, { display_name: 'Cyrus Young', email: 'cyrus@new.test' })
    expectData(await app.action('attribute', 'set', { contact_id: a, key: 'floors', value: 1 }))
    expectData(await app.action('attribute', 'set', { contact_id: b, key: 'floors', value: 2 }))
    const result = await merge({ survivor_id: a, merged_id: b, prefer: 'merged' })
    expect(result.survivor).toMatchObject({ id: a, display_name: 'Cyrus Young', email: 'cyrus@new.test' })
    expect(result.survivor.emails.map((e: any) => e.value)).toEqual(['cyrus@new.test', 'cy@old.test'])
    const read = expectData(await app.query({ type: 'contacts', id: a, include: 'attributes,notes' }))
    expect(read.attributes).toEqual([expect.objectContaining({ key: 'floors', value: 2 })])
    expect(read.notes[0].content).toContain('floors: kept 2')
  })

  it('lets a closed ticket follow a merge and nothing else: no other change, no other customer', async () => {
    const a = await newContact(app, { display_name: 'Dee Frost' })
    const b = await newContact(app, { display_name: 'Dee Frost (work)' })
    const c = await newContact(app, { display_name: 'Somebody Else' })
    const closed = await ticket(app, a, [{ service_id: windows }], 'completed')
    await sql(`update contacts set merged_into = $1, merged_at = now() where id = $2`, [b, a])
    const refusedWith = async (text: string, args: unknown[]) => {
      const err = await sql(text, args).then(
        () => null,
        (e) => e,
      )
      expect(err?.message ?? 'changed', text).toMatch(/closed/)
    }
    await refusedWith(`update tickets set contact_id = $1 where id = $2`, [c, closed.id])
    await refusedWith(`update tickets set contact_id = $1, notes = 'changed' where id = $2`, [b, closed.id])
    await refusedWith(`update tickets set notes = 'changed' where id = $1`, [closed.id])
    await refusedWith(`delete from tickets where id = $1`, [closed.id])
    await sql(`update tickets set contact_id = $1 where id = $2`, [b, closed.id])
    expect(await sql('select contact_id, notes, status from tickets where id = $1', [closed.id])).toEqual([
      { contact_id: b, notes: null, status: 'completed' },
    ])
    // Back to the contact that was merged is not following a merge.
    await refusedWith(`update tickets set contact_id = $1 where id = $2`, [a, closed.id])
    await refusedWith(`update ticket_line_items set unit_price_cents = 1 where ticket_id = $1`, [closed.id])
  })

  it('waits for the owner when an agent asks, showing both customers and what moves, and runs once allowed', async () => {
    const a = await newContact(app, { display_name: 'Eve Park' })
    const b = await newContact(app, { display_name: 'Evelyn Park' })
    await ticket(app, b, [{ service_id: windows }])
    const bare = await app.action('contact', 'merge', { survivor_id: a, merged_id: b })
    expectError(bare, 422, 'REASONING_REQUIRED')
    const asked = await app.action('contact', 'merge', { survivor_id: a, merged_id: b }, { reasoning: 'Same customer booked twice' })
    expect(asked.status).toBe(202)
    expect(asked.body.data).toMatchObject({ status: 'pending_authorization' })
    expect(await sql('select merged_into from contacts where id = $1', [b])).toEqual([{ merged_into: null }])
    const [request] = await sql('select summary, preview from authorization_requests where id = $1', [asked.body.data.request_id])
    expect(request.summary).toBe('Merge customer Evelyn Park into Eve Park: 1 tickets move to Eve Park')
    expect(request.preview.customer).toEqual({ id: a, name: 'Eve Park' })

    const decided = await performAction(
      app.services,
      owner,
      { domain: 'authorization', action: 'decide', data: { request_id: asked.body.data.request_id, decision: 'allow_once' } },
      { requestId: randomUUID() },
    )
    expect(decided.result).toMatchObject({ status: 'executed' })
    expect(await sql('select merged_into from contacts where id = $1', [b])).toEqual([{ merged_into: a }])
    expect(await sql('select count(*)::int as n from tickets where contact_id = $1', [a])).toEqual([{ n: 1 }])
  })

  it("an import run again finds the survivor by the merged contact's Square id, email and phone, and doubles nothing", async () => {
    const file = squareCsv(
      [
        { 'First Name': 'Gus', 'Last Name': 'Marsh', 'Email Address': 'gus@marsh.test', 'Square Customer ID': 'SQ-GUS' },
        { 'First Name': 'Gustav', 'Last Name': 'Marsh', 'Phone Number': '(256) 555-0177', 'Square Customer ID': 'SQ-GUSTAV' },
      ],
      [],
    )
    const importFile = async (csv: string) =>
      (
        await performAction(
          app.services,
          owner,
          { domain: 'import', action: 'square_customers', data: { csv, dry_run: false } },
          { requestId: randomUUID() },
        )
      ).result as any
    const first = await importFile(file)
    const [gus, gustav] = first.rows.map((r: any) => r.contact_id)
    await merge({ survivor_id: gus, merged_id: gustav })
    const contacts = async () => (await sql('select count(*)::int as n from contacts')).at(0).n
    const before = await contacts()
    const again = await importFile(file)
    expect(again.rows.map((r: any) => [r.outcome, r.contact_id])).toEqual([
      ['matched', gus],
      ['matched', gus],
    ])
    const byContact = await importFile(squareCsv([{ 'First Name': 'G.', 'Last Name': 'Marsh', 'Phone Number': '256-555-0177' }], []))
    expect(byContact.rows[0]).toMatchObject({ outcome: 'matched', matched_by: 'phone', contact_id: gus })
    expect(await contacts()).toBe(before)
  })

  it("gives a survivor without an email the merged contact's, and its upcoming appointments their confirmation emails", async () => {
    const a = await newContact(app, { display_name: 'Ike Lowe', phone: '(256) 555-0190' })
    const b = await newContact(app, { display_name: 'Isaac Lowe', email: 'isaac@lowe.test' })
    const upcoming = expectData(
      await app.action('ticket', 'create', { contact_id: a, scheduled_start: '2027-04-05T15:00:00Z', duration_minutes: 60 }),
    )
    expect(await sql('select kind from scheduled_messages where ticket_id = $1', [upcoming.id])).toEqual([])
    const result = await merge({ survivor_id: a, merged_id: b })
    expect(result.survivor).toMatchObject({ email: 'isaac@lowe.test', phone: '(256) 555-0190' })
    const kinds = (await sql(`select kind from scheduled_messages where ticket_id = $1 and status = 'pending'`, [upcoming.id])).map(
      (m: any) => m.kind,
    )
    expect(kinds).toContain('confirmation')
  })

  it('is closed to technicians', async () => {
    const a = await newContact(app, { display_name: 'Finn Hale' })
    const b = await newContact(app, { display_name: 'Finn Hale Jr' })
    const [tech] = (
      await app.t.admin.query<{ id: string }>(
        `insert into users (tenant_id, email, name, role) values ($1, 'tech@sparkle.test', 'Tess', 'technician') returning id`,
        [app.tenant.tenant_id],
      )
    ).rows
    const err = await refusal(
      performAction(
        app.services,
        { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: tech.id, role: 'technician' } },
        { domain: 'contact', action: 'merge', data: { survivor_id: a, merged_id: b } },
        { requestId: randomUUID() },
      ),
    )
    expect(err.code).toBe('FORBIDDEN')
    expect(await sql('select merged_into from contacts where id = $1', [b])).toEqual([{ merged_into: null }])
  })
})
