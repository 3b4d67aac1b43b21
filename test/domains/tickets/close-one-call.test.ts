import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { countRows, newContact, newService, PAYMENT_INSTRUCTIONS, settings, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')
const why = { reasoning: 'The technician phoned: the job is done' }

describe.each(engines)('closing a visit in one call (%s)', (engine) => {
  let app: TestApp
  let tech: SignedIn
  let owner: SignedIn
  let techId: string
  let contactId: string
  let windows: any, screens: any, gutters: any

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    techId = await addUser(app, 'toni@sparkle.test', 'technician', 'Toni Tech')
    tech = await signedIn(app, techId)
    owner = await signedIn(app, app.tenant.owner_user_id)
    contactId = await newContact(app, { display_name: 'Hannah Hill' })
    windows = await newService(app, { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
    screens = await newService(app, { name: 'Screen repair', pricing: 'flexible', price_cents: 1500 })
    gutters = await newService(app, { name: 'Gutter cleaning', pricing: 'fixed', price_cents: 9000 })
  })
  afterAll(() => app?.close())

  const book = async (start: string, extra: Record<string, unknown> = {}) =>
    expectData(
      await app.action('ticket', 'create', {
        contact_id: contactId,
        scheduled_start: start,
        duration_minutes: 90,
        technician_ids: [techId],
        line_items: [{ service_id: windows.id }],
        ...extra,
      }),
    ) as { id: string; number: number; line_items: Array<{ id: string }> }
  const allow = async (requestId: string) =>
    app.ownerAction('authorization', 'decide', { request_id: requestId, decision: 'allow_once' }) as Promise<any>

  it('an agent closes a visit in one call: services by name, the time from the clock, facts and a reach-out; the booked lines keep their prices', async () => {
    const visit = await book('2026-11-05T08:00', {
      line_items: [{ service_id: windows.id }, { service_id: screens.id, unit_price_cents: 2500 }],
    })
    expectData(await tech.action('ticket', 'clock_in', { ticket_id: visit.id, at: '2026-11-05T08:05' }))
    expectData(await tech.action('ticket', 'clock_out', { ticket_id: visit.id, at: '2026-11-05T09:20' }))
    const asked = expectData(
      await app.action(
        'ticket',
        'close',
        {
          ticket_id: `#${visit.number}`,
          line_items: [{ service: 'window cleaning' }, { service: 'screen', quantity: 3 }, { service: 'Gutter cleaning' }],
          notes: 'Dog named Biscuit; side gate sticks.',
          next_service: { kind: 'reach_out', months: 6 },
          attributes: [{ key: 'pet_name', value: 'Biscuit' }],
        },
        why,
      ),
      202,
    )
    expect(asked.status).toBe('pending_authorization')
    const request = expectData(await app.query({ type: 'authorization_requests', id: asked.request_id }))
    expect(request.preview.warnings).toContain('Time on site: 75 minutes.')
    expect(request.preview.lines).toEqual([
      { description: 'Window cleaning', quantity: 1, amount_cents: 15000 },
      { description: 'Screen repair', quantity: 3, amount_cents: 7500 },
      { description: 'Gutter cleaning', quantity: 1, amount_cents: 9000 },
    ])

    const done = (await allow(asked.request_id)).result
    expect(done.ticket.status).toBe('completed')
    expect(done.ticket.actual_minutes).toBe(75)
    expect(done.reach_out.message_id).toBeTruthy()
    expect(done.attributes.map((a: any) => [a.key, a.value])).toEqual([['pet_name', 'Biscuit']])
    const closed = expectData(await app.query({ type: 'tickets', id: visit.id, include: 'line_items,notes' }))
    expect(closed.line_items.map((l: any) => [l.id, l.service_id, l.quantity, l.unit_price_cents])).toEqual([
      [visit.line_items[0].id, windows.id, 1, 15000],
      // The booked flexible line keeps its agreed price (not the suggested 1500), and its id.
      [visit.line_items[1].id, screens.id, 3, 2500],
      [expect.any(String), gutters.id, 1, 9000],
    ])
    expect(closed.note_entries).toHaveLength(1)
  })

  it('leaves the work as booked when no lines are given, and keeps a recurring series going by default', async () => {
    const series = expectData(
      await app.action('series', 'create', {
        contact_id: contactId,
        rule: 'FREQ=WEEKLY;INTERVAL=4',
        start_date: '2026-11-05',
        start_time: '16:00',
        duration_minutes: 60,
        technician_ids: [techId],
        line_items: [{ service_id: gutters.id }],
      }),
    )
    const first = expectData(await app.query({ type: 'tickets', id: series.booked[0].ticket_id, include: 'line_items' }))
    expect(first.scheduled_start).toBe(new Date('2026-11-05T22:00:00Z').toISOString())
    const closed = expectData(await owner.action('ticket', 'close', { ticket_id: first.id, duration_minutes: 40, notes: '' }))
    expect(closed.ticket.status).toBe('completed')
    expect(closed.ticket.line_items.map((l: any) => l.id)).toEqual(first.line_items.map((l: any) => l.id))
    expect(closed.next_ticket).toMatchObject({ id: series.booked[1].ticket_id, scheduled_start: '2026-12-03T22:00:00.000Z' })
  })

  it('answers every missing fact at once, with a call that would do, and queues nothing', async () => {
    // Later today and estimated: it may close today, but nobody has clocked in yet.
    const later = await book('2026-11-05T14:00', { is_price_estimated: true })
    const requests = await countRows(app, 'authorization_requests')
    const missing = await app.action('ticket', 'close', { ticket_id: later.id }, why)
    expectError(missing, 400, 'VALIDATION_ERROR')
    const issues = missing.body.error.details.issues
    expect(issues.map((i: any) => i.field)).toEqual([
      'data.duration_minutes',
      'data.final_price_confirmed',
      'data.notes',
      'data.next_service',
    ])
    expect(issues[0].message).toContain(`nobody clocked in on ticket #${later.number}, whose booked time has not come yet`)
    expect(missing.body.error.message).toContain(`Ticket #${later.number} cannot be closed yet: data.duration_minutes: is required`)
    const example = missing.body.error.details.example
    expect(example).toEqual({
      action: 'ticket.close',
      data: {
        ticket_id: `#${later.number}`,
        duration_minutes: 90,
        final_price_confirmed: true,
        notes: '',
        next_service: { kind: 'reach_out', months: 6 },
      },
    })
    expect(missing.body.error.message).toContain(JSON.stringify(example.data))
    expect(await countRows(app, 'authorization_requests')).toBe(requests)
    // The example, as given, is a call that goes to the owner.
    const queued = expectData(await app.action('ticket', 'close', example.data, why), 202)
    const card = expectData(await app.query({ type: 'authorization_requests', id: queued.request_id }))
    expect(card.preview.warnings).toContain('Booked for Thu, Nov 5, 2026, 2:00 PM CST, which has not come yet.')

    // Nothing booked and nothing given: the work is asked for, with a service of the catalog by name.
    const empty = await book('2026-11-05T00:00', { line_items: [], technician_ids: [] })
    const noWork = await owner.action('ticket', 'close', {
      ticket_id: empty.id,
      duration_minutes: 20,
      notes: '',
      next_service: { kind: 'none' },
    })
    expectError(noWork, 400, 'VALIDATION_ERROR')
    expect(noWork.body.error.details.issues).toEqual([
      { field: 'data.line_items', message: `is required: ticket #${empty.number} has no work booked on it` },
    ])
    expect(noWork.body.error.details.example.data).toEqual({
      ticket_id: `#${empty.number}`,
      line_items: [{ service: 'Gutter cleaning', quantity: 1 }],
    })
    const twice = await owner.action('ticket', 'close', {
      ticket_id: empty.id,
      ...noWork.body.error.details.example.data,
      attributes: [
        { key: 'pet_name', value: 'Rex' },
        { key: 'pet_name', value: 'Biscuit' },
      ],
    })
    expectError(twice, 400, 'VALIDATION_ERROR')
    expect(twice.body.error.details.issues).toEqual([
      { field: 'data.attributes.1.key', message: 'pet_name is given twice; keep one value' },
    ])

    // Someone still clocked in: the time is not known yet.
    const working = await book('2026-11-05T06:00')
    expectData(await tech.action('ticket', 'clock_in', { ticket_id: working.id, at: '2026-11-05T06:10' }))
    const inside = await tech.action('ticket', 'close', { ticket_id: working.id, notes: '', next_service: { kind: 'none' } })
    expectError(inside, 400, 'VALIDATION_ERROR')
    expect(inside.body.error.details.issues).toEqual([
      {
        field: 'data.duration_minutes',
        message:
          'is required: Toni Tech is still clocked in (since Thu 2026-11-05 06:10); give the time actually spent on site, in minutes',
      },
    ])
    expect(expectData(await app.query({ type: 'tickets', id: working.id })).status).not.toBe('completed')
  })

  it('names the line of a service given twice over, unknown or ambiguous', async () => {
    const visit = await book('2026-11-05T03:00')
    const base = { ticket_id: visit.id, duration_minutes: 30, notes: '', next_service: { kind: 'none' } }
    const both = await owner.action('ticket', 'close', { ...base, line_items: [{ service: 'Gutter', service_id: gutters.id }] })
    expectError(both, 400, 'VALIDATION_ERROR')
    expect(both.body.error.details.issues).toEqual([
      { field: 'data.line_items.0.service', message: 'give service (a name) or service_id, not both' },
    ])
    const unknown = await owner.action('ticket', 'close', { ...base, line_items: [{ service: 'Roof moss' }] })
    expectError(unknown, 404, 'NOT_FOUND')
    expect(unknown.body.error.details.field).toBe('data.line_items.0.service')
    const vague = await owner.action('ticket', 'close', { ...base, line_items: [{ service: 'cleaning' }] })
    expectError(vague, 400, 'VALIDATION_ERROR')
    expect(vague.body.error.message).toContain('data.line_items.0.service: "cleaning" could be Gutter cleaning, Window cleaning')
    expect(expectData(await app.query({ type: 'tickets', id: visit.id })).status).toBe('scheduled')
  })

  it('bills the visit in the same call when asked; while invoices carry no way to pay, closes it and says what the invoice waits for', async () => {
    const visit = await book('2026-11-05T01:00')
    const call = { ticket_id: visit.id, duration_minutes: 80, notes: '', next_service: { kind: 'none' }, send_invoice: true }
    const waiting = expectData(await app.action('ticket', 'close', call, why), 202)
    const card = expectData(await app.query({ type: 'authorization_requests', id: waiting.request_id }))
    expect(card.preview.warnings).toContain(
      'Its invoice is made as a draft and not emailed: no way to pay is set yet (payment instructions or online payments).',
    )
    const closed = (await allow(waiting.request_id)).result
    expect(closed.ticket.status).toBe('completed')
    expect(closed.invoice).toMatchObject({ status: 'draft', total_cents: 15000, message_id: null })
    expect(closed.invoice.waits_for).toContain('The visit is closed and its invoice made as a draft, not emailed')
    expect(closed.invoice.waits_for).toContain('settings.update payment_instructions')
    const none = await app.t.admin.query(`select id from scheduled_messages where kind = 'invoice' and invoice_id = $1`, [
      closed.invoice.id,
    ])
    expect(none.rows).toEqual([])

    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    const next = await book('2026-11-05T04:30')
    const asked = expectData(await app.action('ticket', 'close', { ...call, ticket_id: next.id }, why), 202)
    const request = expectData(await app.query({ type: 'authorization_requests', id: asked.request_id }))
    expect(request.preview.warnings).toContain('Its invoice is made and emailed to the customer.')
    const done = (await allow(asked.request_id)).result
    expect(done.ticket.status).toBe('completed')
    expect(done.invoice).toMatchObject({ status: 'sent', total_cents: 15000, amount_due_cents: 15000, waits_for: null })
    const mail = await app.t.admin.query<{ kind: string; invoice_id: string }>(
      'select kind, invoice_id from scheduled_messages where id = $1',
      [done.invoice.message_id],
    )
    expect(mail.rows).toEqual([{ kind: 'invoice', invoice_id: done.invoice.id }])
  })

  /** The emails of a visit, as queued for its customer. */
  const customerMail = async (ticketId: string) =>
    (
      await app.t.admin.query<{ id: string; kind: string; status: string }>(
        'select id, kind, status from scheduled_messages where ticket_id = $1 order by created_at',
        [ticketId],
      )
    ).rows

  it("before the visit's day, says from when and what to do instead, for each who asks", async () => {
    const nextWeek = await book('2026-11-12T10:00')
    const call = { ticket_id: nextWeek.id, duration_minutes: 60, notes: '', next_service: { kind: 'none' } }
    const agent = await app.action('ticket', 'close', call, why)
    expectError(agent, 409, 'CONFLICT')
    expect(agent.body.error.message).toContain("can start from Thu 2026-11-12 00:00 (America/Chicago), the visit's day")
    expect(agent.body.error.message).toContain('first move the visit to today with ticket.reschedule')
    expect(agent.body.error.details).toMatchObject({
      opens_at: '2026-11-12T06:00:00.000Z',
      instead: {
        example: { action: 'ticket.reschedule', data: { ticket_id: `#${nextWeek.number}`, scheduled_start: '2026-11-05T09:30' } },
      },
    })
    const byTech = await tech.action('ticket', 'close', call)
    expectError(byTech, 409, 'CONFLICT')
    expect(byTech.body.error.message).toContain('ask the owner: only an owner can move the visit or close it sooner')
    expect(byTech.body.error.details.instead.example).toBeUndefined()
    const byOwner = await owner.action('ticket', 'close', call)
    expectError(byOwner, 409, 'CONFLICT')
    expect(byOwner.body.error.details.instead.example).toEqual({
      action: 'ticket.close',
      data: { ticket_id: `#${nextWeek.number}`, early: true },
    })

    // The agent's way: move the visit to today as the example says, then the close goes to the owner. As the words say,
    // the customer is not emailed about the move, and the old day's reminders are cancelled.
    expect(agent.body.error.message).toContain('the customer is not emailed about it; its reminders for the old day are cancelled')
    // The customer had confirmed the visit: moved to the moment the work was done and closed, it stays confirmed.
    await app.t.admin.query(`update tickets set confirmation_status = 'accepted', status = 'confirmed' where id = $1`, [nextWeek.id])
    const mailBefore = await customerMail(nextWeek.id)
    expectData(await app.action('ticket', 'reschedule', agent.body.error.details.instead.example.data))
    const mailAfter = await customerMail(nextWeek.id)
    expect(mailAfter.filter((m) => !mailBefore.some((b) => b.id === m.id))).toEqual([])
    expect(mailAfter.filter((m) => m.status === 'pending')).toEqual([])
    const asked = expectData(await app.action('ticket', 'close', call, why), 202)
    expect((await allow(asked.request_id)).result.ticket.status).toBe('completed')
    expect(expectData(await app.query({ type: 'tickets', id: nextWeek.id })).confirmation_status).toBe('accepted')
  })
})
