import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLlmClient } from '../../../core/clients/llm.js'
import type { Principal } from '../../../core/kernel/context.js'
import { readCloseoutNotes } from '../../../core/domains/closeouts/extraction.js'
import { withTenant } from '../../../core/db/tenant.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import {
  countRows,
  insertAddress,
  newContact,
  newService,
  PAYMENT_INSTRUCTIONS,
  settings,
  signedIn,
  type SignedIn,
} from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

const DAY = 24 * 3600_000

describe.each(engines)('technician close-out (%s)', (engine) => {
  let app: TestApp
  let llm: FakeLlm
  let tech: SignedIn
  let techId: string
  let otherTech: SignedIn
  let owner: SignedIn
  let windows: any
  let screens: any
  let contactId: string
  let addressId: string
  let hour = 0

  beforeAll(async () => {
    llm = await startFakeLlm()
    app = await startTestApp(engine, {
      llm: createLlmClient({ baseUrl: llm.baseUrl, apiKey: 'test', model: 'fake-model', timeoutMs: 400 }),
    })
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    techId = await addUser(app, 'tech@sparkle.test', 'technician', 'Toni Tech')
    tech = await signedIn(app, techId)
    otherTech = await signedIn(app, await addUser(app, 'other@sparkle.test', 'technician', 'Otto Other'))
    owner = await signedIn(app, app.tenant.owner_user_id)
    windows = await newService(app, { name: 'Exterior windows', pricing: 'fixed', price_cents: 12000, default_duration_minutes: 60 })
    screens = await newService(app, { name: 'Screen repair', pricing: 'flexible', price_cents: 1500 })
    contactId = await newContact(app, { display_name: 'Edna Elder' })
    addressId = await insertAddress(app, contactId, '12 Oak St')
  })
  afterAll(async () => {
    await app?.close()
    await llm?.close()
  })

  /** A ticket for the technician, an hour apart from the others so none clash, starting in the past (the job is under way). */
  async function bookTicket(extra: Record<string, unknown> = {}): Promise<any> {
    hour += 2
    const start = new Date(Date.now() - 3 * DAY + hour * 3600_000).toISOString()
    return expectData(
      await app.action('ticket', 'create', {
        contact_id: contactId,
        address_id: addressId,
        scheduled_start: start,
        technician_ids: [techId],
        line_items: [{ service_id: windows.id }],
        ...extra,
      }),
    )
  }

  const work = (ticket: any, extra: Record<string, unknown> = {}) => ({
    ticket_id: ticket.id,
    duration_minutes: 75,
    line_items: [{ line_item_id: ticket.line_items[0].id }, { service_id: screens.id, unit_price_cents: 2500, quantity: 2 }],
    ...extra,
  })

  it('walks the steps in order and closes the ticket once, with notes, facts and a reach-out', async () => {
    const ticket = await bookTicket({ is_price_estimated: true })
    expectData(await tech.action('ticket', 'clock_in', { ticket_id: ticket.id }))
    const started = expectData(await tech.action('closeout', 'start', { ticket_id: ticket.id }))
    expect(started.next_step).toBe('work')
    expect(started.work.line_items).toHaveLength(1)
    expect(started.work.is_price_estimated).toBe(true)

    // Order is enforced by the server.
    const early = await tech.action('closeout', 'save_notes', { ticket_id: ticket.id, notes: 'x' })
    expectError(early, 409, 'CONFLICT')
    expect(early.body.error.details.missing_step).toBe('work')
    // An estimated price must be confirmed.
    const unconfirmed = await tech.action('closeout', 'save_work', work(ticket))
    expectError(unconfirmed, 400, 'VALIDATION_ERROR')
    expect(JSON.stringify(unconfirmed.body.error)).toContain('final_price_confirmed')
    // Someone not on the ticket cannot touch it.
    expectError(await otherTech.action('closeout', 'save_work', work(ticket, { final_price_confirmed: true })), 403, 'FORBIDDEN')

    const worked = expectData(await tech.action('closeout', 'save_work', work(ticket, { final_price_confirmed: true })))
    expect(worked.work.totals.subtotal_cents).toBe(12000 + 5000)
    expect(worked.next_step).toBe('notes')

    // The model reads the notes once they are saved (save_notes's background step), so its answer is queued first.
    llm.answer({
      content: JSON.stringify({
        attributes: [
          { key: 'customer_demographic', value: 'elderly', confidence: 0.9 },
          { key: 'pet_name', value: 'Biscuit', confidence: 0.95 },
          { key: 'gate_instructions', value: 'keep gate closed', confidence: 0.8 },
        ],
      }),
    })
    const noted = expectData(
      await tech.action('closeout', 'save_notes', {
        ticket_id: ticket.id,
        notes: 'Elderly woman, very nice. 20+ screens. Dog named Biscuit, keep gate closed. Card 4111 1111 1111 1111.',
        page_redactions: { card: 1 },
      }),
    )
    expect(noted.notes).toContain('[REDACTED]')
    expect(noted.notes).not.toContain('4111')
    expect(noted.extraction.status).toBe('pending')
    const events = await app.t.admin.query<{ layer: string }>(
      `select layer from security_events where tenant_id = $1 and entity_id = $2 order by layer`,
      [app.tenant.tenant_id, ticket.id],
    )
    expect(events.rows.map((e) => e.layer)).toEqual(['api', 'page'])

    const principal: Principal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: techId, role: 'technician' } }
    const read = (await readCloseoutNotes({ services: app.services, principal, requestId: 'test-extraction' }, ticket.id)) as any
    expect(read.extraction.status).toBe('ok')
    expect(read.extraction.attributes.map((a: any) => a.key)).toEqual(['customer_demographic', 'pet_name', 'gate_instructions'])
    expect(llm.requests.at(-1).response_format.type).toBe('json_schema')
    expect(llm.requests.at(-1).messages[1].content).not.toContain('4111')
    const usage = await app.t.admin.query<{ outcome: string; prompt_tokens: number }>(
      'select outcome, prompt_tokens from llm_usage where tenant_id = $1',
      [app.tenant.tenant_id],
    )
    expect(usage.rows.at(-1)!.outcome).toBe('ok')
    expect(usage.rows.at(-1)!.prompt_tokens).toBeGreaterThan(0)

    expectData(await tech.action('closeout', 'save_next', { ticket_id: ticket.id, next_service: { kind: 'reach_out', months: 6 } }))
    // Every fact read needs a decision.
    expectError(
      await tech.action('closeout', 'save_attributes', {
        ticket_id: ticket.id,
        attributes: [{ key: 'pet_name', value: 'Biscuit', origin: 'extracted', decision: 'keep' }],
      }),
      400,
      'VALIDATION_ERROR',
    )
    const confirmed = expectData(
      await tech.action('closeout', 'save_attributes', {
        ticket_id: ticket.id,
        attributes: [
          { key: 'customer_demographic', value: 'elderly', origin: 'extracted', decision: 'drop' },
          { key: 'pet_name', value: 'Biscuit', origin: 'extracted', decision: 'keep' },
          { key: 'gate_instructions', value: 'Keep the side gate closed', origin: 'extracted', decision: 'edit' },
          { key: 'screen_count', value: '20+', origin: 'manual', decision: 'keep' },
        ],
      }),
    )
    expect(confirmed.next_step).toBe('complete')
    expect(await ticketStatus(ticket.id)).toBe('in_progress')

    const done = expectData(await tech.action('closeout', 'complete', { ticket_id: ticket.id }))
    expect(done.next_step).toBe('payment')
    expect(done.result.reach_out.message_id).toBeTruthy()
    const again = expectData(await tech.action('closeout', 'complete', { ticket_id: ticket.id }))
    expect(again.result).toEqual(done.result)

    const closed = expectData(await app.query({ type: 'tickets', id: ticket.id, include: 'line_items,notes,technicians,audit_trail' }))
    expect(closed.status).toBe('completed')
    expect(closed.line_items.map((l: any) => [l.description, l.quantity, l.unit_price_cents])).toEqual([
      ['Exterior windows', 1, 12000],
      ['Screen repair', 2, 2500],
    ])
    expect(closed.note_entries).toHaveLength(1)
    expect(closed.technicians[0].clock_out_at).not.toBeNull()
    expect(closed.audit_trail.map((a: any) => a.action)).toContain('close')
    const facts = expectData(await app.query({ type: 'attributes', contact_id: contactId }))
    const byKey = Object.fromEntries(facts.items.map((a: any) => [a.key, a]))
    expect(byKey.pet_name.value).toBe('Biscuit')
    expect(byKey.pet_name.source).toBe('ticket_closeout')
    expect(byKey.pet_name.source_ticket_id).toBe(ticket.id)
    expect(byKey.pet_name.confirmed_by).toBe(techId)
    expect(byKey.gate_instructions.value).toBe('Keep the side gate closed')
    expect(byKey.customer_demographic).toBeUndefined()
    expect(byKey.screen_count.value).toBe('20+')
    const reach = await app.t.admin.query<{ kind: string; send_at: Date }>('select kind, send_at from scheduled_messages where id = $1', [
      done.result.reach_out.message_id,
    ])
    expect(reach.rows[0].kind).toBe('reach_out')
    expect(reach.rows[0].send_at.getTime()).toBeGreaterThan(Date.now() + 170 * DAY)

    // Closed means closed: the close-out answers no more, and the database refuses even the app role's raw SQL.
    expectError(await tech.action('closeout', 'save_notes', { ticket_id: ticket.id, notes: 'more' }), 409, 'IMMUTABLE')
    await expect(
      withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) =>
        tx.query('update ticket_line_items set quantity = 9 where ticket_id = $1', [ticket.id]),
      ),
    ).rejects.toThrow(/closed/)

    const paid = expectData(await tech.action('closeout', 'finish', { ticket_id: ticket.id, payment: 'send_invoice' }))
    expect(paid.payment.invoice.total_cents).toBe(17000)
    expect(paid.next_step).toBe('done')
    const twice = expectData(await tech.action('closeout', 'finish', { ticket_id: ticket.id, payment: 'send_invoice' }))
    expect(twice.payment.invoice.id).toBe(paid.payment.invoice.id)
    const mails = await app.t.admin.query('select 1 from scheduled_messages where invoice_id = $1', [paid.payment.invoice.id])
    expect(mails.rows).toHaveLength(1)
  })

  it('says when extraction is off, failed or had nothing to read, never an empty success', async () => {
    const principal: Principal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: techId, role: 'technician' } }
    const outcomes: string[] = []
    for (const answers of [
      [{ content: 'not json at all' }, { content: '{"attributes": [' }],
      [
        { content: JSON.stringify({ attributes: [{ key: 'Bad Key', value: 'x', confidence: 2 }] }) },
        { content: JSON.stringify({ facts: [] }) },
      ],
      [
        { content: '{"attributes": []}', delayMs: 1500 },
        { content: '{"attributes": []}', delayMs: 1500 },
      ],
    ]) {
      const ticket = await bookTicket()
      expectData(await tech.action('closeout', 'start', { ticket_id: ticket.id }))
      expectData(await tech.action('closeout', 'save_work', work(ticket)))
      llm.answer(...answers)
      expectData(await tech.action('closeout', 'save_notes', { ticket_id: ticket.id, notes: 'Two cats, park on the street.' }))
      const read = (await readCloseoutNotes({ services: app.services, principal, requestId: 'test' }, ticket.id)) as any
      expect(read.extraction.attributes).toEqual([])
      outcomes.push(`${read.extraction.status}: ${read.extraction.message}`)
      // By hand works after a failure.
      expectData(await tech.action('closeout', 'save_next', { ticket_id: ticket.id, next_service: { kind: 'none' } }))
      expectData(
        await tech.action('closeout', 'save_attributes', {
          ticket_id: ticket.id,
          attributes: [{ key: 'pets', value: 'two cats', origin: 'manual', decision: 'keep' }],
        }),
      )
    }
    expect(outcomes[0]).toMatch(/^failed: Extraction failed: the model's answer was not usable/)
    expect(outcomes[1]).toMatch(/^failed: .*not usable/)
    expect(outcomes[2]).toMatch(/^failed: .*did not answer in time/)

    const empty = await bookTicket()
    expectData(await tech.action('closeout', 'start', { ticket_id: empty.id }))
    expectData(await tech.action('closeout', 'save_work', work(empty)))
    expectError(await tech.action('closeout', 'save_notes', { ticket_id: empty.id, notes: '' }), 400, 'VALIDATION_ERROR')
    const skipped = expectData(await tech.action('closeout', 'save_notes', { ticket_id: empty.id, notes: '', no_notes: true }))
    expect(skipped.extraction.status).toBe('empty')

    const off = await bookTicket()
    expectData(await tech.action('closeout', 'start', { ticket_id: off.id }))
    expectData(await tech.action('closeout', 'save_work', work(off)))
    // The server's own services read the notes after the save: without a model for that save.
    const model = app.services.llm
    app.services.llm = null
    let noModel: any
    try {
      expectData(await tech.action('closeout', 'save_notes', { ticket_id: off.id, notes: 'Nice porch.' }))
      noModel = await readCloseoutNotes({ services: app.services, principal, requestId: 'test' }, off.id)
    } finally {
      app.services.llm = model
    }
    expect(noModel.extraction.status).toBe('off')
    expect(noModel.extraction.message).toMatch(/Extraction is off/)
  })

  it('an API caller saving the notes gets them read by the model and the facts recorded, as the page does', async () => {
    const ticket = await bookTicket()
    expectData(await tech.action('closeout', 'start', { ticket_id: ticket.id }))
    expectData(await tech.action('closeout', 'save_work', work(ticket)))
    llm.answer({ content: JSON.stringify({ attributes: [{ key: 'pet_name', value: 'Rex', confidence: 0.9 }] }) })
    const asked = llm.requests.length
    const noted = expectData(await tech.action('closeout', 'save_notes', { ticket_id: ticket.id, notes: 'Dog named Rex, friendly.' }))
    // The call answers at once; the reading follows it.
    expect(noted.extraction.status).toBe('pending')
    await app.services.background.settled()
    expect(llm.requests.length).toBe(asked + 1)
    expect(llm.requests.at(-1).messages[1].content).toContain('Dog named Rex')
    const read = expectData(await tech.query({ type: 'closeouts', id: ticket.id }))
    expect(read.extraction).toMatchObject({
      status: 'ok',
      message: '1 fact(s) read from the notes: keep, edit or drop each.',
      attributes: [{ key: 'pet_name', value: 'Rex', confidence: 0.9 }],
    })
    const usage = await app.t.admin.query<{ outcome: string }>(
      `select outcome from llm_usage where tenant_id = $1 and purpose = 'closeout_extraction' order by created_at desc limit 1`,
      [app.tenant.tenant_id],
    )
    expect(usage.rows[0].outcome).toBe('ok')
    // Saving the same notes again reads nothing again: the reading recorded stands.
    expectData(await tech.action('closeout', 'save_notes', { ticket_id: ticket.id, notes: 'Dog named Rex, friendly.' }))
    await app.services.background.settled()
    expect(llm.requests.length).toBe(asked + 1)
    expect(expectData(await tech.query({ type: 'closeouts', id: ticket.id })).extraction.status).toBe('ok')
  })

  it('books the next visit at close, and a clash leaves nothing half-written', async () => {
    const ticket = await bookTicket()
    const busy = await bookTicket()
    const payload = (start: string) => ({
      ticket_id: ticket.id,
      duration_minutes: 50,
      line_items: [{ line_item_id: ticket.line_items[0].id }],
      notes: 'All good',
      next_service: { kind: 'schedule', scheduled_start: start },
      attributes: [{ key: 'has_ladder_access', value: true }],
    })
    // Moving the busy ticket into the future makes it the clash.
    const clashAt = new Date(Date.now() + 30 * DAY).toISOString()
    expectData(await app.action('ticket', 'reschedule', { ticket_id: busy.id, scheduled_start: clashAt }))
    const tickets = await countRows(app, 'tickets')
    const clash = await owner.action('ticket', 'close', payload(clashAt))
    expectError(clash, 409, 'CONFLICT')
    expect(clash.body.error.details.ticket_id).toBe(busy.id)
    expect(await ticketStatus(ticket.id)).toBe('scheduled')
    expect(await countRows(app, 'tickets')).toBe(tickets)

    const nextAt = new Date(Date.now() + 60 * DAY).toISOString()
    const closed = expectData(await owner.action('ticket', 'close', payload(nextAt)))
    expect(closed.ticket.status).toBe('completed')
    expect(closed.ticket.duration_minutes ?? 50).toBe(50)
    const next = expectData(await app.query({ type: 'tickets', id: closed.next_ticket.id, include: 'line_items,technicians' }))
    expect(new Date(next.scheduled_start).toISOString()).toBe(nextAt)
    expect(next.line_items.map((l: any) => l.service_id)).toEqual([windows.id])
    expect(next.technicians.map((t: any) => t.user_id)).toEqual([techId])
    const link = await app.t.admin.query<{ previous_ticket_id: string }>('select previous_ticket_id from tickets where id = $1', [next.id])
    expect(link.rows[0].previous_ticket_id).toBe(ticket.id)
    expectError(await owner.action('ticket', 'close', payload(nextAt)), 409, 'IMMUTABLE')
  })

  it("queues an agent's close for the owner", async () => {
    const ticket = await bookTicket()
    const r = await app.action(
      'ticket',
      'close',
      {
        ticket_id: ticket.id,
        duration_minutes: 30,
        line_items: [{ line_item_id: ticket.line_items[0].id }],
        notes: '',
        next_service: { kind: 'none' },
      },
      { reasoning: 'The technician phoned in that the job is done' },
    )
    expect(r.status).toBe(202)
    expect(r.body.data.status).toBe('pending_authorization')
    expect(await ticketStatus(ticket.id)).toBe('scheduled')
    // The close-out steps are for people only.
    expectError(await app.action('closeout', 'start', { ticket_id: ticket.id }, { reasoning: 'x' }), 403, 'FORBIDDEN')
  })

  async function ticketStatus(id: string): Promise<string> {
    const r = await app.t.admin.query<{ status: string }>('select status from tickets where id = $1', [id])
    return r.rows[0].status
  }
})
