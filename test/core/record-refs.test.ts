import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../core/kernel/context.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { asTenant } from '../helpers/fixtures.js'
import { addUser } from '../helpers/session-browser.js'

// Numbers and names where ids are asked: what a call that names a record ambiguously, unknowingly, deep inside its data,
// from another business, for the owner's approval or as a technician is answered.

describe.each(engines)('numbers and names in id fields (%s)', (engine) => {
  let app: TestApp
  let ids: Record<string, string>
  let ticketNumber: number
  let technician: Principal
  /** Another business's agent token, its customer's name and its invoice's number. */
  let other: { token: string; invoiceNumber: string }

  beforeAll(async () => {
    app = await startTestApp(engine)
    const act = (domain: string, action: string, data: unknown) => app.ownerAction(domain, action, data)
    const window = await act('service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000 })
    const gutter = await act('service', 'create', { name: 'Gutter cleaning', pricing: 'fixed', price_cents: 9000 })
    const sam1 = await act('contact', 'create', { display_name: 'Sam Lee', email: 'sam.one@refs.test' })
    const sam2 = await act('contact', 'create', { display_name: 'Sam Lee', email: 'sam.two@refs.test', allow_duplicate: true })
    const jane = await act('contact', 'create', { display_name: 'Jane Smith', email: 'jane@refs.test', phone: '(256) 555-0142' })
    const techId = await addUser(app, 'tom@refs.test', 'technician', 'Tom Tech')
    technician = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: techId, role: 'technician' } }
    const t = await act('ticket', 'create', {
      contact_id: jane.id,
      scheduled_start: '2026-12-01T15:00:00Z',
      technician_ids: [techId],
      line_items: [{ service_id: window.id }],
    })
    ticketNumber = t.number
    const invoice = await act('invoice', 'create_from_ticket', { ticket_id: t.id })
    ids = { window: window.id, gutter: gutter.id, sam1: sam1.id, sam2: sam2.id, jane: jane.id, ticket: t.id, invoice: invoice.id }
    // The other business has a customer and an invoice of its own; this one has no invoice numbered like it.
    const b = await app.createTenant('Other Windows')
    const asB = (domain: string, action: string, data: unknown) =>
      performAction(
        app.services,
        { tenantId: b.tenant_id, actor: { type: 'user', id: b.owner_user_id, role: 'owner' } },
        { domain, action, data },
        { requestId: `b-${domain}-${action}` },
      ).then((o) => o.result as any)
    const bea = await asB('contact', 'create', { display_name: 'Bea Other', email: 'bea@other.test' })
    const bt = await asB('ticket', 'create', {
      contact_id: bea.id,
      scheduled_start: '2027-01-05T15:00:00Z',
      line_items: [{ description: 'Skylights', quantity: 1, unit_price_cents: 5000 }],
    })
    await asB('invoice', 'create', { contact_id: bea.id, line_items: [{ description: 'Skylights', quantity: 1, unit_price_cents: 5000 }] })
    const bInvoice = await asB('invoice', 'create_from_ticket', { ticket_id: bt.id })
    other = { token: b.agent_token, invoiceNumber: bInvoice.number }
  }, 120_000)
  afterAll(() => app?.close())

  it('refuses a name two customers share, naming the field and each candidate with its id and email', async () => {
    const r = await app.action('note', 'add', { contact_id: 'sam lee', content: 'Called about the gutters' })
    expect(r.status).toBe(400)
    expect(r.body.error.code).toBe('VALIDATION_ERROR')
    expect(r.body.error.message).toMatch(/^data\.contact_id: "sam lee" could be 2 customers: Sam Lee \(/)
    expect(r.body.error.message).toContain(ids.sam1)
    expect(r.body.error.details.field).toBe('data.contact_id')
    expect(r.body.error.details.candidates).toEqual(
      expect.arrayContaining([
        { id: ids.sam1, name: 'Sam Lee', detail: 'sam.one@refs.test' },
        { id: ids.sam2, name: 'Sam Lee', detail: 'sam.two@refs.test' },
      ]),
    )
    // Their emails tell them apart: either one is taken.
    const note = expectData(await app.action('note', 'add', { contact_id: 'Sam.Two@refs.test', content: 'Called about the gutters' }))
    expect(note.contact_id).toBe(ids.sam2)
  })

  it('answers NOT_FOUND naming the field for a name, number or phone the business does not have', async () => {
    const r = await app.action('note', 'add', { contact_id: 'Nobody Atall', content: 'x' })
    expect(r.status).toBe(404)
    expect(r.body.error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'data.contact_id: no customer "Nobody Atall" in this business',
      details: { field: 'data.contact_id' },
    })
    const phone = await app.action('note', 'add', { contact_id: '(256) 555-9999', content: 'x' })
    expect(phone.body.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'data.contact_id' } })
    const query = await app.query({ type: 'tickets', contact_id: 'Nobody Atall' })
    expect(query.status).toBe(404)
    expect(query.body.error.message).toBe('contact_id: no customer "Nobody Atall" in this business')
  })

  it('takes names and numbers inside lists and nested objects, and a part of a name only one service has', async () => {
    const t = expectData(
      await app.action('ticket', 'create', {
        contact_id: '+1 256 555 0142',
        scheduled_start: '2026-12-02T15:00:00Z',
        technician_ids: ['Tom Tech'],
        line_items: [{ service_id: 'gutter' }, { service_id: 'WINDOW CLEANING' }],
      }),
    )
    expect(t.contact_id).toBe(ids.jane)
    expect(t.line_items.map((l: { service_id: string }) => l.service_id)).toEqual([ids.gutter, ids.window])
    const both = await app.action('invoice', 'create', { contact_id: 'Jane Smith', line_items: [{ service_id: 'cleaning' }] })
    expect(both.status).toBe(400)
    expect(both.body.error.details.field).toBe('data.line_items.0.service_id')
    expect(both.body.error.details.candidates.map((c: { id: string }) => c.id).sort()).toEqual([ids.gutter, ids.window].sort())
    const tagged = expectData(await app.action('contact', 'tag', { contact_ids: ['jane@refs.test', ids.sam1], tags_add: ['vip'] }))
    expect(JSON.stringify(tagged)).toContain(ids.jane)
  })

  it("never finds another business's customer or invoice", async () => {
    const byName = await app.action('note', 'add', { contact_id: 'Bea Other', content: 'x' })
    expect(byName.status).toBe(404)
    expect(byName.body.error.details.field).toBe('data.contact_id')
    const byNumber = await app.action('invoice', 'void', { invoice_id: other.invoiceNumber }, { reasoning: 'duplicate' })
    expect(byNumber.status).toBe(404)
    expect(byNumber.body.error.message).toBe(`data.invoice_id: no invoice ${other.invoiceNumber} in this business`)
    expect((await app.query({ type: 'contacts', id: 'bea@other.test' })).status).toBe(404)
    // The other business finds its own by the same words.
    const own = await app.query({ type: 'contacts', id: 'bea@other.test' }, other.token)
    expect(expectData(own).display_name).toBe('Bea Other')
  })

  it("stores the resolved id in a call that waits for the owner, and the owner's card shows it", async () => {
    const invoiceNumber = expectData(await app.query({ type: 'invoices', id: ids.invoice })).number
    const queued = expectData(
      await app.action('invoice', 'void', { invoice_id: invoiceNumber.toLowerCase() }, { reasoning: 'billed twice' }),
      202,
    )
    expect(queued.status).toBe('pending_authorization')
    const stored = await asTenant(app, (tx) =>
      tx.query<{ data: unknown }>('select data from authorization_requests where id = $1', [queued.request_id]),
    )
    expect(stored.rows[0].data).toEqual({ invoice_id: ids.invoice })
    // The owner's card reads the request: the call with the id, and what it does to that invoice.
    const card = expectData(await app.query({ type: 'authorization_requests', id: queued.request_id }))
    expect(card.data).toEqual({ invoice_id: ids.invoice })
    expect(card.preview.summary).toContain(`Void invoice ${invoiceNumber} for Jane Smith`)
  })

  it('reads a record by number or name, and an ambiguous name as the id is refused naming the field', async () => {
    expect(expectData(await app.query({ type: 'tickets', id: `#${ticketNumber}` })).id).toBe(ids.ticket)
    expect(expectData(await app.query({ type: 'services', id: 'window cleaning' })).id).toBe(ids.window)
    const page = expectData(await app.query({ type: 'tickets', contact_id: 'Jane Smith' }))
    expect(page.items.length).toBeGreaterThan(0)
    expect(page.items.every((t: { contact_id: string }) => t.contact_id === ids.jane)).toBe(true)
    const sam = await app.query({ type: 'contacts', id: 'Sam Lee' })
    expect(sam.status).toBe(400)
    expect(sam.body.error.details).toMatchObject({ field: 'id', candidates: expect.any(Array) })
  })

  it('finds for a technician only the customers of their own visits, and no kind of record they may not name', async () => {
    const read = (filters: Record<string, unknown>) =>
      performQuery(app.services, technician, { type: 'notes', filters }, { requestId: 'tech-refs' })
    await expect(read({ contact_id: 'Jane Smith' })).resolves.toMatchObject({ items: expect.any(Array) })
    // Sam Lee is a customer of the business, but of no visit of Tom's: as if there were none.
    await expect(read({ contact_id: 'sam.one@refs.test' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'contact_id: no customer "sam.one@refs.test" in this business',
    })
    const note = await performAction(
      app.services,
      technician,
      { domain: 'note', action: 'add', data: { ticket_id: `#${ticketNumber}`, content: 'Side gate sticks' } },
      { requestId: 'tech-note' },
    )
    expect((note.result as { ticket_id: string }).ticket_id).toBe(ids.ticket)
    await expect(
      performAction(
        app.services,
        technician,
        {
          domain: 'document',
          action: 'upload',
          data: { invoice_id: 'INV-2026-0001', name: 'Receipt', content_base64: 'aGk=', content_type: 'text/plain' },
        },
        { requestId: 'tech-doc' },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('data.invoice_id') })
  })
})
