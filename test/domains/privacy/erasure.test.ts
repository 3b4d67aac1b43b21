import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../core/db/tenant.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { snapshotTenant } from '../../helpers/tenant-data.js'
import { b64, pdf } from '../../helpers/files.js'
import { newService, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** The server's clock: Tuesday 2026-10-27, 10:15 in Chicago. */
const NOW = new Date('2026-10-27T15:15:00Z')

/** Every value typed about the customer holds one of these, so any trace of them left anywhere is found. */
const TRACES = /quix|zebulon|5550143|555-0143/i

/** Every row of the business but the sign-in sessions, whose last-seen time moves with each request. */
async function rows(app: TestApp): Promise<Record<string, string[]>> {
  const { sessions: _, ...rest } = await snapshotTenant(app.t.admin, app.tenant.tenant_id)
  return rest
}

/** Rows of a snapshot that still hold a trace of the customer, as "table: row". */
function traces(snapshot: Record<string, string[]>): string[] {
  return Object.entries(snapshot).flatMap(([table, rows]) => rows.filter((r) => TRACES.test(r)).map((r) => `${table}: ${r}`))
}

describe.each(engines)('erasing a customer on request (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let zeb: string
  let closedTicket: string
  let futureTicket: string
  let invoice: { id: string; number: string; total_cents: number }
  let message: string
  let bystander: string
  let company: string
  let shared: string
  let contentHashes: string[]

  /** Whether the store still holds some bytes of the business (a file in the data folder, a row of the server). */
  const stored = async (sha256: string) => {
    try {
      await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'agent' }, (tx) =>
        app.services.documents.get(tx, app.tenant.tenant_id, sha256),
      )
      return true
    } catch {
      return false
    }
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    owner = await signedIn(app, app.tenant.owner_user_id)
    const act = async (domain: string, action: string, data: unknown) => expectData(await owner.action(domain, action, data))
    zeb = (
      await act('contact', 'create', {
        first_name: 'Zebulon',
        last_name: 'Quixotic',
        email: 'zeb.quixotic@erasure.test',
        phone: '256-555-0143',
        tags: ['quixfan'],
        source: 'quixreferral',
        about: 'Quixgate code 4471',
        preferences: { notes: 'Ring the Quixbell' },
        addresses: [
          {
            line1: '77 Quixwombat Hollow',
            line2: 'Quixunit 9',
            city: 'Huntsville',
            state: 'AL',
            postal_code: '35801',
            access_notes: 'Quixdog in yard',
          },
        ],
      })
    ).id
    const duplicate = (await act('contact', 'create', { display_name: 'Zeb Quixotic Old', email: 'zq.old@erasure.test' })).id
    await act('contact', 'merge', { survivor_id: zeb, merged_id: duplicate })
    await act('attribute', 'set', { contact_id: zeb, key: 'dog_name', value: 'Quixbiscuit' })
    await act('note', 'add', { contact_id: zeb, content: 'Zebulon asked about Quixgutters' })
    await act('interaction', 'log', {
      contact_id: zeb,
      kind: 'call',
      direction: 'inbound',
      occurred_at: '2026-10-26T15:00:00Z',
      subject: 'Quixsubject',
      summary: 'Quixcall about screens',
      outcome: 'Quixoutcome',
    })
    closedTicket = (
      await act('ticket', 'create', {
        contact_id: zeb,
        scheduled_start: '2026-10-20T14:00:00Z',
        duration_minutes: 60,
        notes: 'Quixladder needed',
        line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
      })
    ).id
    await act('ticket', 'close', {
      ticket_id: closedTicket,
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
      notes: 'Zebulon wants the Quixskylight next time',
      next_service: { kind: 'none' },
    })
    invoice = await act('invoice', 'create_from_ticket', { ticket_id: closedTicket })
    await act('invoice', 'mark_sent', { invoice_id: invoice.id })
    await act('invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 2_000, method: 'check', reference: 'Quixcheque 101' })
    futureTicket = (
      await act('ticket', 'create', {
        contact_id: zeb,
        scheduled_start: '2026-11-05T15:00:00Z',
        duration_minutes: 60,
        notes: 'Quixfuture visit',
        line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
      })
    ).id
    message = (
      await act('message', 'schedule', {
        contact_id: zeb,
        kind: 'custom',
        subject: 'Quixhello',
        body: 'Dear Zebulon, Quixmessage',
        send_at: '2026-11-01T15:00:00Z',
      })
    ).id
    await act('waitlist', 'add', { contact_id: zeb, latest_date: '2026-12-01', notes: 'Quixwaitlist' })
    const lead = (
      await act('lead', 'create', { raw_notes: 'Quixlead wants gutters', name: 'Zebulon Quixotic', email: 'zeb.quixotic@erasure.test' })
    ).id
    await act('lead', 'convert', { lead_id: lead, contact_id: zeb })
    // An email kept in the outbox while no provider was configured (the delivery pass writes these).
    await app.t.admin.query(
      `insert into email_outbox (tenant_id, to_address, from_address, subject, text_body) values ($1, $2, 'shop@sparkle.test', $3, $4)`,
      [app.tenant.tenant_id, 'zeb.quixotic@erasure.test', 'Quixinvoice', 'Hello Zebulon'],
    )
    // The agent asks to merge in another record of them (queued for the owner), and corrects them with an Idempotency-Key (its answer is stored).
    const third = (await act('contact', 'create', { display_name: 'Another Record' })).id
    expect(
      (await app.action('contact', 'merge', { survivor_id: zeb, merged_id: third }, { reasoning: 'Zebulon Quixotic is the same person' }))
        .status,
    ).toBe(202)
    expectData(
      await app.action(
        'contact',
        'update',
        { contact_id: zeb, about: 'Quixgate code 4472' },
        { headers: { 'idempotency-key': 'correction-1' } },
      ),
    )
    bystander = (
      await act('contact', 'create', {
        display_name: 'Olive Bystander',
        addresses: [{ line1: '9 Elm St', city: 'Huntsville', state: 'AL', postal_code: '35801' }],
      })
    ).id
    await act('note', 'add', { contact_id: bystander, content: 'Olive likes Huntsville in spring' })

    // The records that came later: an organization they run with its company fields and a relationship, custom field
    // values, an opportunity with a call about it, a quote sent and one accepted (its order), a segment, documents.
    company = (
      await act('contact', 'create', {
        kind: 'organization',
        display_name: 'Quixotic Glazing',
        legal_name: 'Quixotic Glazing LLC',
        industry: 'quixglass',
        website: 'https://quixglazing.test',
        tax_id: 'QX-7781',
        billing_address: { line1: '12 Quixledger Way', city: 'Huntsville', state: 'AL', postal_code: '35801' },
      })
    ).id
    await act('contact', 'link', {
      contact_id: zeb,
      to_contact_id: company,
      link_type: 'works_at',
      strength: 'strong',
      note: 'Quixowner of it',
    })
    await act('custom_field', 'define', { applies_to: 'contact', key: 'gate_code', label: 'Gate code', field_type: 'text' })
    await act('custom_field', 'define', { applies_to: 'ticket', key: 'ladder_spot', label: 'Ladder spot', field_type: 'text' })
    await act('contact', 'update', { contact_id: zeb, custom_fields: { gate_code: 'Quixgate 8812' } })
    await act('contact', 'update', { contact_id: company, custom_fields: { gate_code: 'Quixloading dock' } })
    const bookedVisit = (
      await act('ticket', 'create', {
        contact_id: zeb,
        scheduled_start: '2026-10-21T14:00:00Z',
        duration_minutes: 60,
        custom_fields: { ladder_spot: 'Quixshed side' },
        line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
      })
    ).id
    await act('ticket', 'close', {
      ticket_id: bookedVisit,
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
      notes: '',
      next_service: { kind: 'none' },
    })
    const opportunity = (
      await act('opportunity', 'create', { title: 'Quixconservatory glazing', contact_id: company, amount_cents: 480_000 })
    ).id
    await act('opportunity', 'move', { opportunity_id: opportunity, stage: 'lost', reason: 'Zebulon chose Quixrival' })
    await act('interaction', 'log', {
      opportunity_id: opportunity,
      kind: 'call',
      direction: 'outbound',
      occurred_at: '2026-10-25T15:00:00Z',
      summary: 'Quixcall about the conservatory',
    })
    const service = await newService(app, { name: 'Skylight cleaning', pricing: 'fixed', price_cents: 9_000 })
    const sentQuote = (
      await act('quote', 'create', {
        contact_id: zeb,
        notes: 'Quixquote for the skylight',
        line_items: [{ service_id: service.id }, { description: 'Quixspecial ladder for Zebulon', unit_price_cents: 1_500 }],
      })
    ).id
    expectData(await owner.action('quote', 'send', { quote_id: sentQuote }))
    const acceptedQuote = (
      await act('quote', 'create', { contact_id: company, notes: 'Quixoffice quote', line_items: [{ service_id: service.id }] })
    ).id
    await act('quote', 'record_answer', { quote_id: acceptedQuote, answer: 'accept', note: 'Quixyes from the office' })
    const segment = (await act('segment', 'create', { name: 'Skylight owners', kind: 'manual' })).id
    await act('segment', 'add_members', { segment_id: segment, contact_ids: [zeb, company, bystander] })
    const contract = (
      await act('document', 'upload', {
        contact_id: company,
        name: 'Quixcontract',
        category: 'contract',
        tags: ['quixsigned'],
        content_base64: b64(pdf('Quixcontract first')),
        content_type: 'application/pdf',
      })
    ).id
    await act('document', 'new_version', {
      document_id: contract,
      content_base64: b64(pdf('Quixcontract second')),
      content_type: 'application/pdf',
    })
    await act('document', 'upload', {
      quote_id: sentQuote,
      name: 'Quixquote sketch',
      tags: ['quixladder'],
      content_base64: b64(pdf('Quixquote sketch')),
      content_type: 'application/pdf',
    })
    // The same bytes on another customer's document: those stay.
    await act('document', 'upload', {
      ticket_id: bookedVisit,
      name: 'Quixbefore photo',
      content_base64: b64(pdf('shared estimate')),
      content_type: 'application/pdf',
    })
    await act('document', 'upload', {
      contact_id: bystander,
      name: 'Olive estimate',
      content_base64: b64(pdf('shared estimate')),
      content_type: 'application/pdf',
    })
    shared = (await app.t.admin.query<{ sha256: string }>(`select sha256 from documents where name = 'Olive estimate'`)).rows[0].sha256
    contentHashes = (
      await app.t.admin.query<{ sha256: string }>(
        `select v.sha256 from document_versions v join documents d on d.tenant_id = v.tenant_id and d.id = v.document_id
       where d.name in ('Quixcontract', 'Quixquote sketch')`,
      )
    ).rows.map((r) => r.sha256)
  })
  afterAll(() => app.close())

  it("is the owner's alone: an agent and a technician are refused and nothing changes", async () => {
    const before = await rows(app)
    expectError(await app.action('contact', 'erase', { contact_id: zeb, confirm: true }), 403, 'FORBIDDEN')
    const tech = await signedIn(app, await addUser(app, 'tech@sparkle.test', 'technician', 'Terry Tech'))
    expectError(await tech.action('contact', 'erase', { contact_id: zeb, confirm: true }), 403, 'FORBIDDEN')
    const after = await rows(app)
    expect(after.contacts).toEqual(before.contacts)
    expect(after.audit_log).toEqual(before.audit_log)
    expect(after.erasures).toEqual([])
  })

  it('with an unpaid invoice and a visit still to come, asks the owner to confirm, naming them, and erases nothing', async () => {
    const before = await rows(app)
    const refused = await owner.action('contact', 'erase', { contact_id: zeb })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toContain(invoice.number)
    expect(refused.body.error.message).toMatch(/visit/)
    expect(refused.body.error.message).toContain('confirm=true')
    expect(await rows(app)).toEqual(before)
  })

  it('once confirmed, leaves no trace of the customer in any row of any table, and leaves other customers alone', async () => {
    expect(traces(await rows(app)).length).toBeGreaterThan(20)
    expect(contentHashes).toHaveLength(3)
    for (const sha256 of [...contentHashes, shared]) expect(await stored(sha256)).toBe(true)
    const erased = expectData(await owner.action('contact', 'erase', { contact_id: zeb, confirm: true }))
    expect(erased).toMatchObject({ contact_id: zeb, erased_at: NOW.toISOString() })
    expect(erased.rows_changed).toMatchObject({
      contacts: 2,
      addresses: 1,
      attributes: 1,
      interactions: 1,
      email_outbox: 1,
      contact_links: 1,
      quotes: 1,
      quote_line_items: 1,
      segment_members: 1,
      documents: 2,
      document_versions: 2,
    })
    expect(erased.rows_changed.scheduled_messages).toBeGreaterThan(0)
    expect(erased.rows_changed.audit_log).toBeGreaterThan(10)
    const organization = expectData(await owner.action('contact', 'erase', { contact_id: company, confirm: true }))
    expect(organization.rows_changed).toMatchObject({
      contacts: 1,
      opportunities: 1,
      interactions: 1,
      quotes: 1,
      orders: 1,
      segment_members: 1,
      documents: 1,
      document_versions: 2,
    })

    const after = await rows(app)
    expect(traces(after)).toEqual([])
    expect(after.notes.some((r) => r.includes('Olive likes Huntsville in spring'))).toBe(true)
    expect(after.addresses.some((r) => r.includes('9 Elm St'))).toBe(true)
    expect(after.segment_members).toHaveLength(1)
    expect(after.segments.map((r) => JSON.parse(r).member_count)).toEqual([1])
    expect(after.documents.some((r) => r.includes('Olive estimate'))).toBe(true)
    for (const sha256 of contentHashes) expect(await stored(sha256)).toBe(false)
    expect(await stored(shared)).toBe(true)
  })

  it('reads show "Erased customer" and none of the removed values: the contact, search, timeline, audit trail and export', async () => {
    const contact = expectData(await owner.query({ type: 'contacts', id: zeb }))
    expect(contact).toMatchObject({
      display_name: 'Erased customer',
      first_name: null,
      email: null,
      phone: null,
      emails: [],
      phones: [],
      tags: [],
      about: null,
    })
    const reads = [
      await owner.query({ type: 'contacts', id: zeb, include: 'addresses,attributes,notes,links,audit_trail' }),
      await owner.query({ type: 'search', q: 'Quixotic' }),
      await owner.query({ type: 'search', q: 'zeb.quixotic@erasure.test' }),
      await owner.query({ type: 'timeline', contact_id: zeb }),
      await owner.query({ type: 'audit_trail', contact_id: zeb, limit: 100 }),
      await owner.query({ type: 'customer_export', contact_id: zeb }),
      await owner.query({ type: 'interactions', contact_id: zeb }),
      await owner.query({ type: 'scheduled_messages', contact_id: zeb }),
    ]
    for (const read of reads) {
      expect(read.status, JSON.stringify(read.body)).toBe(200)
      // A search answer repeats the question it read (read_as); what it found is in items.
      expect(JSON.stringify(read.body.data.items ?? read.body.data)).not.toMatch(TRACES)
    }
    expect(reads[1].body.data.items).toEqual([])
    const exported = reads[5].body.data.items[0]
    expect(exported).toMatchObject({ erased: true, erased_at: NOW.toISOString(), contact: { display_name: 'Erased customer' } })
  })

  it('keeps the books: invoice number and amounts stay; the visit to come is cancelled and the pending email stopped', async () => {
    const inv = expectData(await owner.query({ type: 'invoices', id: invoice.id }))
    expect(inv).toMatchObject({ number: invoice.number, total_cents: invoice.total_cents, amount_paid_cents: 2_000 })
    expect(expectData(await owner.query({ type: 'tickets', id: futureTicket })).status).toBe('cancelled')
    expect(expectData(await owner.query({ type: 'tickets', id: closedTicket })).status).toBe('completed')
    expect(expectData(await owner.query({ type: 'scheduled_messages', id: message })).status).toBe('cancelled')
  })

  it('is audited as one entry without the erased data; erasing again changes nothing', async () => {
    const entries = expectData(await owner.query({ type: 'audit_trail', entity_id: zeb, action: 'erase' })).items
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ actor_type: 'user', actor_id: app.tenant.owner_user_id })
    expect(Object.keys(entries[0].changes).sort()).toEqual(['erasure_id', 'rows_changed'])
    const before = await rows(app)
    const again = expectData(await owner.action('contact', 'erase', { contact_id: zeb }))
    expect(again.erasure_id).toBe(entries[0].changes.erasure_id.new)
    expect(await rows(app)).toEqual(before)
  })

  it('leaves the audit log append-only and closed tickets unchangeable outside an erasure, even with an erasure id set', async () => {
    const erasure = (await app.t.admin.query<{ id: string }>('select id from erasures where contact_id = $1', [zeb])).rows[0].id
    const asApp = <T>(fn: (tx: any) => Promise<T>) => withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'agent' }, fn)
    await expect(
      asApp(async (tx) => {
        await tx.query(`select set_config('app.erasure_id', $1, true)`, [erasure])
        await tx.query(`update audit_log set changes = '{}' where entity_id = $1`, [bystander])
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(
      asApp(async (tx) => {
        await tx.query(`select set_config('app.erasure_id', $1, true)`, [erasure])
        await tx.query(`update tickets set notes = 'changed' where id = $1`, [closedTicket])
      }),
    ).rejects.toMatchObject({ code: 'IMMUTABLE' })
    // The rewrite runs once per erasure, and only for an erasure of the caller's own business.
    await expect(asApp((tx) => tx.query('select erase_customer($1, now())', [erasure]))).rejects.toMatchObject({ code: 'IMMUTABLE' })
    const other = await app.createTenant('Other Windows')
    await expect(
      withTenant(app.t.db, { tenantId: other.tenant_id, actorType: 'agent' }, (tx) =>
        tx.query('select erase_customer($1, now())', [erasure]),
      ),
    ).rejects.toThrow(/no erasure/)
  })
})
