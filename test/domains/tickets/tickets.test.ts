import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import {
  auditTrailActions,
  countRows,
  expectFields,
  insertAddress,
  newContact,
  newService,
  signedIn,
  type SignedIn,
} from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** The server's clock in these tests: Wednesday 2030-06-12, 12:00 in Chicago (CDT, UTC-5). */
const NOW = new Date('2030-06-12T17:00:00Z')
const why = 'The customer called to call it off'

describe.each(engines)('tickets (%s)', (engine) => {
  let app: TestApp
  let gutter: any, windows: any, screens: any
  let ann: string, annHome: string, bob: string, bobHome: string
  let tess: string, theo: string
  let tessSession: SignedIn

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    await app.ownerAction('settings', 'update', { default_tax_rate_bp: 825 })
    gutter = await newService(app, { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 90 })
    windows = await newService(app, { name: 'Window Cleaning', pricing: 'flexible', price_cents: 20000, default_duration_minutes: 120 })
    screens = await newService(app, {
      name: 'Screen Cleaning',
      pricing: 'per_unit',
      price_cents: 500,
      unit_name: 'screen',
      default_duration_minutes: 3,
    })
    ann = await newContact(app, { display_name: 'Ann Archer' })
    annHome = await insertAddress(app, ann, '12 Oak Ln')
    bob = await newContact(app, { display_name: 'Bob Baker' })
    bobHome = await insertAddress(app, bob, '9 Elm St')
    tess = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tran')
    theo = await addUser(app, 'theo@sparkle.test', 'technician', 'Theo Ruiz')
    tessSession = await signedIn(app, tess)
  })
  afterAll(() => app.close())

  /** A ticket for Ann on the given day at 09:00 Chicago time (CDT), one Window Cleaning at its suggested price. */
  async function book(day: string, extra: Record<string, unknown> = {}) {
    return expectData(
      await app.action('ticket', 'create', {
        contact_id: ann,
        scheduled_start: `${day}T09:00:00-05:00`,
        line_items: [{ service_id: windows.id }],
        ...extra,
      }),
    )
  }

  it('books a ticket with every kind of line in one call, prices it by the catalog and derives its totals', async () => {
    const created = expectData(
      await app.action('ticket', 'create', {
        contact_id: ann,
        address_id: annHome,
        scheduled_start: '2030-06-17T08:00:00-05:00',
        technician_ids: [tess],
        is_price_estimated: true,
        notes: 'Side gate code 1234#',
        line_items: [
          { service_id: gutter.id },
          { service_id: screens.id, quantity: 12 },
          { service_id: windows.id, unit_price_cents: 18000 },
          { description: 'Trip charge', unit_price_cents: 1000, taxable: false },
        ],
      }),
    )
    expect(created).toMatchObject({
      contact_id: ann,
      contact_name: 'Ann Archer',
      address_id: annHome,
      status: 'scheduled',
      confirmation_status: 'pending',
      is_price_estimated: true,
      notes: 'Side gate code 1234#',
    })
    expect(created.number).toBe(1)
    expect(
      created.line_items.map((l: any) => [l.description, l.quantity, l.unit_price_cents, l.price_cents, l.duration_minutes, l.taxable]),
    ).toEqual([
      ['Gutter Cleaning', 1, 15000, 15000, 90, true],
      ['Screen Cleaning', 12, 500, 6000, 36, true],
      ['Window Cleaning', 1, 18000, 18000, 120, true],
      ['Trip charge', 1, 1000, 1000, null, false],
    ])
    // Tax 8.25 % per taxable line, halves rounded up: 1237.5 -> 1238, 495, 1485.
    expect(created.totals).toEqual({ subtotal_cents: 40000, tax_cents: 3218, total_cents: 43218, currency: 'USD', duration_minutes: 246 })
    expect(created.scheduled_start).toBe('2030-06-17T13:00:00.000Z')
    expect(created.scheduled_end).toBe('2030-06-17T17:06:00.000Z')
    expect(created.technicians).toEqual([
      expect.objectContaining({ user_id: tess, name: 'Tess Tran', clock_in_at: null, clock_out_at: null }),
    ])

    const read = expectData(
      await app.query({ type: 'tickets', id: created.id, include: 'line_items,technicians,contact,address,invoice,notes,audit_trail' }),
    )
    expect(read).toMatchObject({
      number: 1,
      contact_name: 'Ann Archer',
      totals: created.totals,
      notes: 'Side gate code 1234#',
      invoice: null,
      note_entries: [],
    })
    expect(read.contact).toMatchObject({ id: ann, display_name: 'Ann Archer' })
    expect(read.address).toMatchObject({ id: annHome, line1: '12 Oak Ln', city: 'Huntsville' })
    expect(read.line_items).toHaveLength(4)
    expect(read.technicians.map((t: any) => t.user_id)).toEqual([tess])
    expect(read.audit_trail.map((a: any) => a.action)).toEqual(['create'])
    expect(read.audit_trail[0].changes.line_items.new).toHaveLength(4)
    const small = expectData(await app.query({ type: 'tickets', id: created.id }))
    expect(Object.keys(small).sort()).toEqual([
      'actual_minutes',
      'address_id',
      'closed_at',
      'confirmation_note',
      'confirmation_status',
      'contact_id',
      'contact_name',
      'custom_fields',
      'id',
      'is_price_estimated',
      'number',
      'paid_elsewhere',
      'scheduled_end',
      'scheduled_start',
      'series_id',
      'status',
      'time_on_site',
      'totals',
    ])
    expect(small).toMatchObject({ actual_minutes: null, time_on_site: null, closed_at: null, series_id: null, paid_elsewhere: null })
  })

  it('reads a time without an offset in the business time zone and ends it by duration, line durations or one hour', async () => {
    const local = expectData(
      await app.action('ticket', 'create', { contact_id: bob, scheduled_start: '2030-06-18T09:30', duration_minutes: 45 }),
    )
    expect([local.scheduled_start, local.scheduled_end]).toEqual(['2030-06-18T14:30:00.000Z', '2030-06-18T15:15:00.000Z'])
    const byLines = await book('2030-06-19')
    expect(byLines.scheduled_end).toBe('2030-06-19T16:00:00.000Z')
    expect(byLines.line_items[0]).toMatchObject({ unit_price_cents: 20000, description: 'Window Cleaning' })
    const bare = expectData(await app.action('ticket', 'create', { contact_id: bob, scheduled_start: '2030-06-20T15:00:00Z' }))
    expect(bare.scheduled_end).toBe('2030-06-20T16:00:00.000Z')
    expect(bare.totals).toMatchObject({ total_cents: 0, duration_minutes: 0 })
    expect([local.number, byLines.number, bare.number]).toEqual([2, 3, 4])
  })

  it('refuses bad bookings, naming the field, and writes nothing (not even a ticket number)', async () => {
    const counts = async () => [
      await countRows(app, 'tickets'),
      await countRows(app, 'ticket_line_items'),
      await countRows(app, 'ticket_technicians'),
    ]
    const before = await counts()
    const base = { contact_id: ann, scheduled_start: '2030-07-01T15:00:00Z' }
    expectFields(await app.action('ticket', 'create', { ...base, line_items: [{ service_id: gutter.id, unit_price_cents: 9900 }] }), [
      'data.line_items.0.unit_price_cents',
    ])
    expectFields(
      await app.action('ticket', 'create', { ...base, line_items: [{ service_id: screens.id, quantity: 4, unit_price_cents: 1 }] }),
      ['data.line_items.0.unit_price_cents'],
    )
    const flexible = await newService(app, { name: 'Chandelier Cleaning', pricing: 'flexible' })
    expectFields(await app.action('ticket', 'create', { ...base, line_items: [{ service_id: flexible.id }] }), [
      'data.line_items.0.unit_price_cents',
    ])
    expectFields(await app.action('ticket', 'create', { ...base, line_items: [{ quantity: 2 }] }), [
      'data.line_items.0.description',
      'data.line_items.0.unit_price_cents',
    ])
    expectFields(await app.action('ticket', 'create', { ...base, scheduled_end: '2030-07-01T14:00:00Z' }), ['data.scheduled_end'])
    expectFields(await app.action('ticket', 'create', { ...base, scheduled_end: '2030-07-01T16:00:00Z', duration_minutes: 30 }), [
      'data.duration_minutes',
    ])
    expectFields(await app.action('ticket', 'create', { ...base, address_id: bobHome }), ['data.address_id'])
    expectFields(await app.action('ticket', 'create', { ...base, technician_ids: [tess, tess] }), ['data.technician_ids.1'])
    expectFields(
      await app.action('ticket', 'create', {
        contact_id: 'nope',
        scheduled_start: 'tomorrow at 9',
        line_items: [{ quantity: 0 }],
        color: 'red',
      }),
      ['data.contact_id', 'data.scheduled_start', 'data.line_items.0.quantity', 'data'],
    )
    const ghost = '00000000-0000-4000-8000-000000000000'
    expectError(await app.action('ticket', 'create', { ...base, contact_id: ghost }), 404, 'NOT_FOUND')
    const noTech = await app.action('ticket', 'create', { ...base, technician_ids: [tess, ghost] })
    expectError(noTech, 404, 'NOT_FOUND')
    expect(noTech.body.error.message).toContain('data.technician_ids.1')
    const noService = await app.action('ticket', 'create', { ...base, line_items: [{ service_id: ghost }] })
    expectError(noService, 404, 'NOT_FOUND')
    expect(noService.body.error.details.field).toBe('data.line_items.0.service_id')
    expect(await counts()).toEqual(before)
    const next = expectData(await app.action('ticket', 'create', base))
    expect(next.number).toBe(before[0] + 1)
  })

  it('updates notes, the estimate flag, the address and the status where the move is legal', async () => {
    const t = await book('2030-06-24')
    const updated = expectData(
      await app.action('ticket', 'update', {
        ticket_id: t.id,
        notes: 'Bring the tall ladder',
        is_price_estimated: true,
        address_id: annHome,
        status: 'confirmed',
      }),
    )
    expect(updated).toMatchObject({ notes: 'Bring the tall ladder', is_price_estimated: true, address_id: annHome, status: 'confirmed' })
    expectFields(await app.action('ticket', 'update', { ticket_id: t.id, address_id: bobHome }), ['data.address_id'])
    expectFields(await app.action('ticket', 'update', { ticket_id: t.id, status: 'completed' }), ['data.status'])
    expect(expectData(await app.action('ticket', 'update', { ticket_id: t.id, status: 'in_progress' })).status).toBe('in_progress')
    const back = await app.action('ticket', 'update', { ticket_id: t.id, status: 'confirmed' })
    expectError(back, 409, 'CONFLICT')
    expect(back.body.error.message).toBe(`Ticket #${t.number} is in-progress and cannot become confirmed`)
    expect(expectData(await app.action('ticket', 'update', { ticket_id: t.id, notes: null, address_id: null })).notes).toBeNull()
    const trail = expectData(await app.query({ type: 'tickets', id: t.id, include: 'audit_trail' })).audit_trail
    expect(trail.map((a: any) => a.action)).toEqual(['create', 'update', 'update', 'update'])
    expect(trail[1].changes.status).toEqual({ old: 'scheduled', new: 'confirmed' })
    expect(trail[1].changes.notes).toEqual({ old: null, new: 'Bring the tall ladder' })
  })

  it('adds, changes and removes line items, keeping the catalog price rules, with totals and audit', async () => {
    const t = await book('2030-06-25')
    const added = expectData(await app.action('ticket', 'add_line_item', { ticket_id: t.id, service_id: screens.id, quantity: 10 }))
    expect(added.totals).toMatchObject({ subtotal_cents: 25000, tax_cents: 1650 + 413, total_cents: 27063, duration_minutes: 150 })
    const line = added.line_items.find((l: any) => l.service_id === screens.id)
    expect(line.position).toBe(1)
    const more = expectData(await app.action('ticket', 'update_line_item', { line_item_id: line.id, quantity: 14, duration_minutes: 40 }))
    expect(more.line_items[1]).toMatchObject({ quantity: 14, price_cents: 7000, duration_minutes: 40 })
    expectFields(await app.action('ticket', 'update_line_item', { line_item_id: line.id, unit_price_cents: 400 }), [
      'data.unit_price_cents',
    ])
    const flex = more.line_items[0]
    expect(
      expectData(await app.action('ticket', 'update_line_item', { line_item_id: flex.id, unit_price_cents: 17500 })).totals.subtotal_cents,
    ).toBe(17500 + 7000)
    expectFields(await app.action('ticket', 'add_line_item', { ticket_id: t.id, service_id: gutter.id, unit_price_cents: 1 }), [
      'data.unit_price_cents',
    ])
    const removed = expectData(await app.action('ticket', 'remove_line_item', { line_item_id: line.id }))
    expect(removed.line_items.map((l: any) => l.id)).toEqual([flex.id])
    expect(removed.totals).toMatchObject({ subtotal_cents: 17500, tax_cents: 1444, total_cents: 18944 })
    expectError(await app.action('ticket', 'remove_line_item', { line_item_id: line.id }), 404, 'NOT_FOUND')
    const trail = expectData(await app.query({ type: 'tickets', id: t.id, include: 'audit_trail' })).audit_trail
    expect(trail.map((a: any) => a.action)).toEqual(['create', 'add_line_item', 'update_line_item', 'update_line_item', 'remove_line_item'])
    expect(trail.at(-1).changes.total_cents).toEqual({ old: 17500 + 7000 + 1444 + 578, new: 18944 })
  })

  it('replaces the technicians, refusing unknown people and the removal of someone on the clock', async () => {
    const t = await book('2030-06-12', { technician_ids: [tess], scheduled_start: '2030-06-12T15:00:00-05:00' })
    const both = expectData(await app.action('ticket', 'assign_technicians', { ticket_id: t.id, technician_ids: [theo, tess] }))
    expect(both.technicians.map((x: any) => x.name)).toEqual(['Tess Tran', 'Theo Ruiz'])
    expectError(
      await app.action('ticket', 'assign_technicians', { ticket_id: t.id, technician_ids: ['00000000-0000-4000-8000-000000000000'] }),
      404,
      'NOT_FOUND',
    )
    expectData(await app.action('ticket', 'clock_in', { ticket_id: t.id, user_id: theo, at: '2030-06-12T16:00:00Z' }))
    const drop = await app.action('ticket', 'assign_technicians', { ticket_id: t.id, technician_ids: [tess] })
    expectError(drop, 409, 'CONFLICT')
    expect(drop.body.error.message).toMatch(/Theo Ruiz clocked in/)
    const none = expectData(await app.action('ticket', 'assign_technicians', { ticket_id: t.id, technician_ids: [theo] }))
    expect(none.technicians.map((x: any) => x.user_id)).toEqual([theo])
    expect(await auditTrailActions(app, 'tickets', t.id)).toEqual(['create', 'assign_technicians', 'clock_in', 'assign_technicians'])
  })

  it('clocks technicians in and out: themselves when signed in, by user_id for the owner or agent', async () => {
    const t = await book('2030-06-12', { technician_ids: [tess, theo], scheduled_start: '2030-06-12T11:00:00-05:00' })
    expectError(await tessSession.action('ticket', 'clock_in', { ticket_id: t.id, user_id: theo }), 403, 'FORBIDDEN')
    expectFields(await app.action('ticket', 'clock_in', { ticket_id: t.id }), ['data.user_id'])
    expectFields(await tessSession.action('ticket', 'clock_in', { ticket_id: t.id, at: '2030-06-12T18:00:00Z' }), ['data.at'])
    const tIn = expectData(await tessSession.action('ticket', 'clock_in', { ticket_id: t.id }))
    expect(tIn.status).toBe('in_progress')
    expect(tIn.technicians.find((x: any) => x.user_id === tess).clock_in_at).toBe(NOW.toISOString())
    expectError(await tessSession.action('ticket', 'clock_in', { ticket_id: t.id }), 409, 'CONFLICT')
    expectError(await app.action('ticket', 'clock_out', { ticket_id: t.id, user_id: theo }), 409, 'CONFLICT')
    expectFields(await tessSession.action('ticket', 'clock_out', { ticket_id: t.id, at: '2030-06-12T11:59' }), ['data.at'])
    const out = expectData(await tessSession.action('ticket', 'clock_out', { ticket_id: t.id }))
    expect(out.technicians.find((x: any) => x.user_id === tess).clock_out_at).toBe(NOW.toISOString())
    expect(out.status).toBe('in_progress')
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expect(
      expectData(await owner.action('ticket', 'clock_in', { ticket_id: t.id, user_id: theo, at: '2030-06-12T16:05:00Z' })).technicians.find(
        (x: any) => x.user_id === theo,
      ).clock_in_at,
    ).toBe('2030-06-12T16:05:00.000Z')
    expectError(await app.action('ticket', 'clock_in', { ticket_id: t.id, user_id: app.tenant.owner_user_id }), 409, 'CONFLICT')
    const trail = expectData(await app.query({ type: 'tickets', id: t.id, include: 'audit_trail' })).audit_trail
    expect(trail.map((a: any) => [a.action, a.actor_type])).toEqual([
      ['create', 'agent'],
      ['clock_in', 'user'],
      ['clock_out', 'user'],
      ['clock_in', 'user'],
    ])
    expect(trail[1].changes.status).toEqual({ old: 'scheduled', new: 'in_progress' })
  })

  it('reschedules, keeping every earlier time in the audit and asking the customer again', async () => {
    const t = await book('2030-07-08')
    expectData(await app.action('ticket', 'update', { ticket_id: t.id, status: 'confirmed' }))
    await app.t.admin.query(`update tickets set confirmation_status = 'accepted' where id = $1`, [t.id])
    const moved = expectData(await app.action('ticket', 'reschedule', { ticket_id: t.id, scheduled_start: '2030-07-09T13:00' }))
    expect(moved).toMatchObject({
      scheduled_start: '2030-07-09T18:00:00.000Z',
      scheduled_end: '2030-07-09T20:00:00.000Z',
      status: 'scheduled',
      confirmation_status: 'pending',
    })
    const again = expectData(
      await app.action('ticket', 'reschedule', {
        ticket_id: t.id,
        scheduled_start: '2030-07-10T14:00:00Z',
        scheduled_end: '2030-07-10T14:30:00Z',
      }),
    )
    expect(again.scheduled_end).toBe('2030-07-10T14:30:00.000Z')
    expectFields(
      await app.action('ticket', 'reschedule', {
        ticket_id: t.id,
        scheduled_start: '2030-07-10T14:00:00Z',
        scheduled_end: '2030-07-10T13:00:00Z',
      }),
      ['data.scheduled_end'],
    )
    const trail = expectData(await app.query({ type: 'tickets', id: t.id, include: 'audit_trail' })).audit_trail
    const moves = trail.filter((a: any) => a.action === 'reschedule').map((a: any) => a.changes.scheduled_start)
    expect(moves).toEqual([
      { old: '2030-07-08T14:00:00.000Z', new: '2030-07-09T18:00:00.000Z' },
      { old: '2030-07-09T18:00:00.000Z', new: '2030-07-10T14:00:00.000Z' },
    ])
  })

  it('cancels with a reason (agents must say why), and a cancelled ticket refuses every change but notes', async () => {
    const t = await book('2030-07-15', { technician_ids: [tess] })
    expectError(await app.action('ticket', 'cancel', { ticket_id: t.id, reason: 'Customer moved away' }), 422, 'REASONING_REQUIRED')
    expectFields(await app.action('ticket', 'cancel', { ticket_id: t.id }, { reasoning: why }), ['data.reason'])
    const cancelled = expectData(
      await app.action('ticket', 'cancel', { ticket_id: t.id, reason: 'Customer moved away' }, { reasoning: why }),
    )
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: 'Customer moved away', cancelled_at: NOW.toISOString() })
    const moved = await app.action('ticket', 'reschedule', { ticket_id: t.id, scheduled_start: '2030-07-16T15:00:00Z' })
    expectError(moved, 409, 'CONFLICT')
    expect(moved.body.error.message).toBe(
      `Ticket #${t.number} is cancelled, so it cannot be rescheduled; book a new ticket with ticket.create instead`,
    )
    expectError(await app.action('ticket', 'cancel', { ticket_id: t.id, reason: 'again' }, { reasoning: why }), 409, 'CONFLICT')
    expectError(await app.action('ticket', 'add_line_item', { ticket_id: t.id, service_id: gutter.id }), 409, 'CONFLICT')
    expectError(await app.action('ticket', 'update', { ticket_id: t.id, status: 'confirmed' }), 409, 'CONFLICT')
    expectError(await app.action('ticket', 'no_show', { ticket_id: t.id }), 409, 'CONFLICT')
    expect(expectData(await app.action('ticket', 'update', { ticket_id: t.id, notes: 'Moved to Denver' })).notes).toBe('Moved to Denver')
    const trail = expectData(await app.query({ type: 'tickets', id: t.id, include: 'audit_trail' })).audit_trail
    expect(trail.map((a: any) => a.action)).toEqual(['create', 'cancel', 'update'])
    expect(trail[1].reasoning).toBe(why)
  })

  it('records a no-show only after the start time', async () => {
    const early = await book('2030-06-13')
    const refused = await app.action('ticket', 'no_show', { ticket_id: early.id })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toMatch(/Thu 2030-06-13 09:00/)
    const past = await book('2030-06-11')
    const marked = expectData(await app.action('ticket', 'no_show', { ticket_id: past.id, note: 'Nobody answered, gate locked' }))
    expect(marked).toMatchObject({ status: 'no_show', notes: 'No-show: Nobody answered, gate locked' })
    expect(await auditTrailActions(app, 'tickets', past.id)).toEqual(['create', 'no_show'])
  })

  it('a completed ticket is immutable: every action says so before the database has to', async () => {
    const t = await book('2030-06-10', { technician_ids: [theo] })
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = $2 where id = $1`, [t.id, NOW])
    const line = t.line_items[0].id
    const attempts = [
      app.action('ticket', 'update', { ticket_id: t.id, notes: 'late note' }),
      app.action('ticket', 'reschedule', { ticket_id: t.id, scheduled_start: '2030-06-20T15:00:00Z' }),
      app.action('ticket', 'cancel', { ticket_id: t.id, reason: 'x' }, { reasoning: why }),
      app.action('ticket', 'no_show', { ticket_id: t.id }),
      app.action('ticket', 'add_line_item', { ticket_id: t.id, service_id: gutter.id }),
      app.action('ticket', 'update_line_item', { line_item_id: line, quantity: 2 }),
      app.action('ticket', 'remove_line_item', { line_item_id: line }),
      app.action('ticket', 'assign_technicians', { ticket_id: t.id, technician_ids: [] }),
      app.action('ticket', 'clock_in', { ticket_id: t.id, user_id: theo }),
      app.action('ticket', 'clock_out', { ticket_id: t.id, user_id: theo }),
    ]
    for (const res of await Promise.all(attempts)) {
      expectError(res, 409, 'IMMUTABLE')
      expect(res.body.error.message).toMatch(new RegExp(`Ticket #${t.number} was completed`))
    }
    expect(await auditTrailActions(app, 'tickets', t.id)).toEqual(['create'])
  })

  it('lists tickets by day, today, date range, technician, status and contact in the business time zone', async () => {
    const late = expectData(
      await app.action('ticket', 'create', {
        contact_id: bob,
        scheduled_start: '2030-06-14T23:30',
        duration_minutes: 60,
        technician_ids: [theo],
      }),
    )
    const numbersOf = async (params: Record<string, string>) =>
      expectData(await app.query({ type: 'tickets', limit: 100, ...params })).items.map((t: any) => t.number)
    // 23:30 on June 14 in Chicago is 04:30 UTC on June 15: it is June 14's ticket, and it runs into June 15.
    expect(await numbersOf({ date: '2030-06-14' })).toContain(late.number)
    expect(await numbersOf({ date: '2030-06-15' })).toContain(late.number)
    expect(await numbersOf({ date: '2030-06-16' })).not.toContain(late.number)
    const today = await numbersOf({ today: 'true' })
    const todays = expectData(await app.query({ type: 'tickets', date: '2030-06-12', limit: 100 })).items
    expect(today).toEqual(todays.map((t: any) => t.number))
    expect(today.length).toBeGreaterThan(0)
    expect(await numbersOf({ from: '2030-06-14', to: '2030-06-15' })).toEqual(expect.arrayContaining([late.number]))
    expect(await numbersOf({ technician_id: theo, date: '2030-06-14' })).toEqual([late.number])
    expect(await numbersOf({ technician_id: tess, date: '2030-06-14' })).toEqual([])
    expect(await numbersOf({ status: 'cancelled' })).toHaveLength(1)
    const active = expectData(await app.query({ type: 'tickets', status: 'active', limit: 100 })).items
    expect(active.every((t: any) => ['scheduled', 'confirmed', 'in_progress'].includes(t.status))).toBe(true)
    const bobs = expectData(await app.query({ type: 'tickets', contact_id: bob, limit: 100 })).items
    expect(bobs.every((t: any) => t.contact_name === 'Bob Baker')).toBe(true)
    const starts = bobs.map((t: any) => t.scheduled_start)
    expect(starts).toEqual([...starts].sort())
    expectFields(await app.query({ type: 'tickets', date: '2030-06-14', today: 'true' }), ['date'])
    expectFields(await app.query({ type: 'tickets', from: '2030-06-14', to: '2030-06-01' }), ['to'])
    expectFields(await app.query({ type: 'tickets', date: '14/06/2030' }), ['date'])
    const all = expectData(await app.query({ type: 'tickets', limit: 100 })).items.map((t: any) => t.id)
    const paged: string[] = []
    let cursor: string | null = null
    do {
      const page: any = expectData(await app.query({ type: 'tickets', limit: 3, ...(cursor ? { cursor } : {}) }))
      paged.push(...page.items.map((t: any) => t.id))
      cursor = page.next_cursor
    } while (cursor)
    expect(paged).toEqual(all)
  })
})
