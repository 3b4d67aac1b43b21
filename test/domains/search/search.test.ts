import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, fieldsOf, made, newContact, newTicket } from '../../helpers/fixtures.js'

interface Hit {
  kind: string
  id: string
  label: string
  detail: string
  score: number
  matched: string
}

describe.each(engines)('universal search (%s)', (engine) => {
  let app: TestApp
  const ids: Record<string, string> = {}
  let ticket: { id: string; number: number }
  let invoice: { id: string; number: string }
  let serviceId: string

  const search = async (params: Record<string, string | number>): Promise<Hit[]> =>
    expectData(await app.query({ type: 'search', ...params })).items
  const ofKind = (hits: Hit[], kind: string) => hits.filter((h) => h.kind === kind)
  const attribute = (contactId: string, key: string, value: unknown) => made(app, 'attribute', 'set', { contact_id: contactId, key, value })
  const address = (contactId: string, line1: string, city: string, postal: string) =>
    made(app, 'address', 'add', { contact_id: contactId, line1, city, state: 'AL', postal_code: postal })

  beforeAll(async () => {
    app = await startTestApp(engine)
    ids.margaret = await newContact(app, {
      first_name: 'Margaret',
      last_name: 'Thornton',
      email: 'margaret@thornton.example',
      phone: '(256) 555-0142',
    })
    await address(ids.margaret, '4210 Whitesburg Dr', 'Huntsville', '35802')
    await attribute(ids.margaret, 'elderly', true)
    await attribute(ids.margaret, 'has_screens', true)
    ids.glass = await newContact(app, { kind: 'organization', display_name: 'Thornton Glass LLC', phone: '(256) 555-7777' })
    ids.jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com', phone: '(256) 555-9876' })
    await address(ids.jane, '12 Oak St', 'Madison', '35758')
    await made(app, 'note', 'add', { contact_id: ids.jane, content: 'Dog in the backyard, keep the gate closed.' })
    ids.walter = await newContact(app, { first_name: 'Walter', last_name: 'Owens' })
    await address(ids.walter, '88 Main St', 'Owens Cross Roads', '35763')
    await attribute(ids.walter, 'elderly', true)
    await attribute(ids.walter, 'pets', ['dog', 'cat'])
    ids.noteOnly = await newContact(app, { first_name: 'Paula', last_name: 'Reyes' })
    await made(app, 'note', 'add', {
      contact_id: ids.noteOnly,
      content: 'Wants the torn screen on the kitchen window replaced next visit.',
    })
    ids.archived = await newContact(app, { first_name: 'Margaret', last_name: 'Thornberry' })
    await made(app, 'contact', 'archive', { contact_id: ids.archived })

    serviceId = (
      await made(app, 'service', 'create', { name: 'Screen Cleaning', pricing: 'per_unit', price_cents: 500, unit_name: 'screen' })
    ).id
    ticket = await newTicket(app, ids.jane, {
      scheduled_start: '2031-03-04T15:00:00Z',
      line_items: [{ service_id: serviceId, quantity: 12 }],
    })
    await made(app, 'note', 'add', { ticket_id: ticket.id, content: 'Chandelier in the foyer needs a tall ladder.' })
    invoice = await made(app, 'invoice', 'create_from_ticket', { ticket_id: ticket.id })
    await asTenant(app, (tx) => tx.query(`update tickets set status = 'completed', closed_at = now() where id = $1`, [ticket.id]))
    const lead = await made(app, 'lead', 'create', {
      raw_notes: 'Called about gutter cleaning for a two story house.',
      name: 'Peter Gutierrez',
      phone: '256-555-3141',
      email: 'peter.g@example.com',
    })
    ids.lead = lead.id
  })
  afterAll(() => app.close())

  it('finds a contact by its exact name first, with a short label and a one-line detail', async () => {
    const hits = await search({ q: 'Margaret Thornton' })
    const contacts = ofKind(hits, 'contact')
    expect(contacts[0]).toMatchObject({ id: ids.margaret, label: 'Margaret Thornton', matched: 'name' })
    expect(contacts[0].detail).toBe('(256) 555-0142 · margaret@thornton.example · 4210 Whitesburg Dr, Huntsville')
    expect(contacts[0].score).toBeGreaterThan(contacts[1]?.score ?? 0)
    expect(hits[0].kind).toBe('contact')
  })

  it('tolerates typos in names and ranks an archived contact below an active one', async () => {
    expect(ofKind(await search({ q: 'Margret Thornton' }), 'contact')[0].id).toBe(ids.margaret)
    expect(ofKind(await search({ q: 'thornten' }), 'contact').map((h) => h.id)).toEqual(expect.arrayContaining([ids.margaret, ids.glass]))
    const margarets = ofKind(await search({ q: 'margaret' }), 'contact')
    expect(margarets.map((h) => h.id)).toEqual([ids.margaret, ids.archived])
    expect(margarets[1].detail).toMatch(/^archived/)
  })

  it('lists the names holding every word as typed without their near names; near names only for a typo', async () => {
    // Looking up every near name costs a large business a thousand entries or more, for names nobody asked for.
    expect(ofKind(await search({ q: 'Margaret Thornton' }), 'contact').map((h) => h.id)).toEqual([ids.margaret])
    expect(
      ofKind(await search({ q: 'thornton' }), 'contact')
        .map((h) => h.id)
        .sort(),
    ).toEqual([ids.margaret, ids.glass].sort())
    const near = ofKind(await search({ q: 'Margaret Thornbery' }), 'contact')
    expect(near.map((h) => h.id).sort()).toEqual([ids.archived, ids.margaret].sort())
    expect(near.every((h) => h.matched === 'name')).toBe(true)
  })

  it('finds a contact by any 4 or more digits of a phone, by email, by street and by city with a typo', async () => {
    for (const q of ['0142', '555-0142', '(256) 555-0142', '2565550142', '+1 256 555 0142', '1-256-555-0142']) {
      const [hit] = ofKind(await search({ q }), 'contact')
      expect(hit, q).toMatchObject({ id: ids.margaret, matched: 'phone' })
      expect(hit.detail).toContain('phone (256) 555-0142')
    }
    expect(ofKind(await search({ q: '014' }), 'contact').map((h) => h.id)).not.toContain(ids.margaret)
    for (const q of ['+1 (256) 555-0142', '2565550142']) {
      expect(
        (await app.query({ type: 'contacts', q })).body.data.items.map((c: any) => c.id),
        `contacts?q=${q}`,
      ).toContain(ids.margaret)
    }
    expect(ofKind(await search({ q: 'jane@example.com' }), 'contact')[0].id).toBe(ids.jane)
    const street = ofKind(await search({ q: 'whitesburg' }), 'contact')[0]
    expect(street).toMatchObject({ id: ids.margaret, detail: 'address 4210 Whitesburg Dr, Huntsville, AL 35802' })
    expect(ofKind(await search({ q: 'huntsvile' }), 'contact').map((h) => h.id)).toEqual([ids.margaret])
  })

  it('finds words stemmed in notes and attributes: "screens" finds a note about a screen and a has_screens attribute', async () => {
    const hits = ofKind(await search({ q: 'screens' }), 'contact')
    const byId = new Map(hits.map((h) => [h.id, h]))
    expect(byId.get(ids.margaret)).toMatchObject({ matched: 'words', detail: 'has screens: true' })
    expect(byId.get(ids.noteOnly)).toMatchObject({ matched: 'note' })
    expect(byId.get(ids.noteOnly)!.detail).toMatch(/^note: .*torn screen on the kitchen window/)
    expect(byId.get(ids.margaret)!.score).toBeGreaterThan(byId.get(ids.noteOnly)!.score)
    expect(ofKind(await search({ q: 'backyards' }), 'contact').map((h) => h.id)).toEqual([ids.jane])
  })

  it('finds tickets by number and customer name, and by their notes', async () => {
    const byNumber = ofKind(await search({ q: `#${ticket.number}` }), 'ticket')
    expect(byNumber[0]).toMatchObject({ id: ticket.id, label: `#${ticket.number} Jane Smith`, score: 1, matched: 'number' })
    expect(byNumber[0].detail).toContain('completed')
    expect(ofKind(await search({ q: 'jane smith' }), 'ticket').map((h) => h.id)).toContain(ticket.id)
    const byNote = ofKind(await search({ q: 'chandeliers' }), 'ticket')
    expect(byNote[0]).toMatchObject({ id: ticket.id, matched: 'note' })
    expect(byNote[0].detail).toContain('Chandelier in the foyer')
  })

  it('finds invoices by their whole number or its last digits', async () => {
    const exact = ofKind(await search({ q: invoice.number }), 'invoice')
    expect(exact[0]).toMatchObject({ id: invoice.id, label: invoice.number, score: 1, matched: 'number' })
    expect(exact[0].detail).toContain('Jane Smith · $60.00 total, $60.00 due · draft')
    const sequence = invoice.number.slice(-4)
    expect(ofKind(await search({ q: sequence }), 'invoice')[0]).toMatchObject({ id: invoice.id, matched: 'number_part' })
    expect(ofKind(await search({ q: String(Number(sequence)) }), 'invoice')[0].id).toBe(invoice.id)
    expect(ofKind(await search({ q: invoice.number.toLowerCase() }), 'invoice')[0].id).toBe(invoice.id)
  })

  it('finds leads by name, phone digits, email and raw notes', async () => {
    for (const q of ['Peter Gutierrez', '3141', 'peter.g@example.com', 'gutters two-story', 'cleaning of gutters']) {
      expect(ofKind(await search({ q }), 'lead')[0], q).toMatchObject({ id: ids.lead, label: 'Peter Gutierrez' })
    }
    expect(ofKind(await search({ q: 'Petr Gutierez' }), 'lead')[0]?.id).toBe(ids.lead)
  })

  it("finds the product's own actions and data types by name, keywords and description, typos too", async () => {
    const cancel = ofKind(await search({ q: 'cancel appointment' }), 'action')
    expect(cancel[0]).toMatchObject({ id: 'ticket.cancel', label: 'ticket.cancel' })
    expect(cancel[0].detail.length).toBeGreaterThan(10)
    expect(ofKind(await search({ q: 'cancle apointment' }), 'action')[0].id).toBe('ticket.cancel')
    expect(ofKind(await search({ q: 'reschedule email' }), 'action')[0].id).toBe('message.reschedule')
    expect(ofKind(await search({ q: 'default template' }), 'action')[0].id).toBe('template.set_default')
    expect(ofKind(await search({ q: 'scheduled messages' }), 'data_type')[0].id).toBe('scheduled_messages')
    expect(ofKind(await search({ q: 'ticket.cancel' }), 'action')[0]).toMatchObject({ id: 'ticket.cancel', score: 1 })
    expect(ofKind(await search({ q: 'Margaret Thornton' }), 'action')).toEqual([])
  })

  it('groups hits by kind, the best group first, each best first, and limits each kind', async () => {
    const hits = await search({ q: 'thornton' })
    const kinds = hits.map((h) => h.kind)
    expect(kinds.filter((k, i) => k !== kinds[i - 1])).toEqual([...new Set(kinds)])
    for (const kind of new Set(kinds)) {
      const scores = ofKind(hits, kind).map((h) => h.score)
      expect(scores).toEqual([...scores].sort((a, b) => b - a))
    }
    const mixed = await search({ q: 'cancel' })
    expect(new Set(mixed.map((h) => h.kind))).toEqual(new Set(['action', 'data_type']))
    expect(ofKind(await search({ q: 'cancel', limit: 1 }), 'action')).toHaveLength(1)
    const onlyContacts = await search({ q: 'jane smith', kinds: 'contact,invoice' })
    expect(new Set(onlyContacts.map((h) => h.kind))).toEqual(new Set(['contact', 'invoice']))
  })

  it('narrows contact hits by attribute, city, postal code and service history', async () => {
    const elderly = ofKind(await search({ q: 'thornton', attribute: 'elderly' }), 'contact')
    expect(elderly.map((h) => h.id)).toEqual([ids.margaret])
    expect(ofKind(await search({ q: 'thornton', attribute: 'elderly:false' }), 'contact')).toEqual([])
    expect(ofKind(await search({ q: 'elderly', attribute: 'pets:cat' }), 'contact').map((h) => h.id)).toEqual([ids.walter])
    expect(ofKind(await search({ q: 'elderly', city: 'owens cross roads' }), 'contact').map((h) => h.id)).toEqual([ids.walter])
    expect(ofKind(await search({ q: 'elderly', postal_code: '35802' }), 'contact').map((h) => h.id)).toEqual([ids.margaret])
    const screens = ofKind(
      await search({ q: 'smith', service_id: serviceId, received_from: '2031-03-01', received_to: '2031-03-04' }),
      'contact',
    )
    expect(screens.map((h) => h.id)).toEqual([ids.jane])
    expect(ofKind(await search({ q: 'smith', received_from: '2031-03-05' }), 'contact')).toEqual([])
    expect(ofKind(await search({ q: 'smith', received_to: '2031-03-03' }), 'contact')).toEqual([])
    // Filters narrow contacts only.
    expect(ofKind(await search({ q: 'jane smith', city: 'Nowhere' }), 'ticket').map((h) => h.id)).toContain(ticket.id)
  })

  it('follows changes to the records at once', async () => {
    const id = await newContact(app, { display_name: 'Quentin Blake' })
    expect(ofKind(await search({ q: 'quentin' }), 'contact').map((h) => h.id)).toEqual([id])
    await made(app, 'contact', 'update', { contact_id: id, display_name: 'Quincy Blake' })
    expect(ofKind(await search({ q: 'quentin' }), 'contact')).toEqual([])
    const a = await address(id, '77 Sunflower Ln', 'Gurley', '35748')
    expect(ofKind(await search({ q: 'sunflower' }), 'contact').map((h) => h.id)).toEqual([id])
    await made(app, 'address', 'archive', { address_id: a.id })
    expect(ofKind(await search({ q: 'sunflower' }), 'contact')).toEqual([])
    await attribute(id, 'skylights', 4)
    expect(ofKind(await search({ q: 'skylights' }), 'contact').map((h) => h.id)).toEqual([id])
    await made(app, 'attribute', 'remove', { contact_id: id, key: 'skylights' })
    expect(ofKind(await search({ q: 'skylights' }), 'contact')).toEqual([])
  })

  it('shows one business nothing of another', async () => {
    const other = await app.createTenant('Other Windows')
    const found = expectData(await app.query({ type: 'search', q: 'Margaret Thornton' }, other.agent_token))
    expect(found.items.filter((h: Hit) => !['action', 'data_type'].includes(h.kind))).toEqual([])
  })

  it('names the field of a bad request, and has no records of its own by id', async () => {
    for (const [params, field] of [
      [{}, 'q'],
      [{ q: '  ' }, 'q'],
      [{ q: 'jane', kinds: 'contact,people' }, 'kinds'],
      [{ q: 'jane', attribute: 'Has Screens' }, 'attribute'],
      [{ q: 'jane', received_from: '2031-03-05', received_to: '2031-03-01' }, 'received_to'],
      // A service may be named instead of its id, but not at any length.
      [{ q: 'jane', service_id: 'screen'.repeat(40) }, 'service_id'],
    ] as const) {
      const res = await app.query({ type: 'search', ...params })
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(fieldsOf(res), JSON.stringify(params)).toEqual([field])
    }
    expectError(await app.query({ type: 'search', q: 'jane', kinds: 'people' }), 400, 'VALIDATION_ERROR')
    expectError(await app.query({ type: 'search', q: 'jane', id: ids.jane }), 404, 'NOT_FOUND')
  })
})
