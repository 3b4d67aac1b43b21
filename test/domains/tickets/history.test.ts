import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { timeOnSite } from '../../../core/domains/tickets/time-on-site.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { newService, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

// Monday 2026-11-02 15:00 UTC = 09:00 in Chicago.
const NOW = new Date('2026-11-02T15:00:00Z')

describe('time on site as people say it', () => {
  it('reads hours and minutes, and nothing when no time was recorded', () => {
    expect(timeOnSite(202)).toBe('3h22m')
    expect(timeOnSite(185)).toBe('3h05m')
    expect(timeOnSite(120)).toBe('2h')
    expect(timeOnSite(45)).toBe('45m')
    expect(timeOnSite(0)).toBe('0m')
    expect(timeOnSite(null)).toBeNull()
  })
})

describe.each(engines)('the history an agent needs (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let tessId: string
  let tess: SignedIn
  let timId: string
  let windows: any

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    owner = await signedIn(app, app.tenant.owner_user_id)
    tessId = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tech')
    tess = await signedIn(app, tessId)
    timId = await addUser(app, 'tim@sparkle.test', 'technician', 'Tim Tech')
    windows = await newService(app, { name: 'Exterior windows', pricing: 'fixed', price_cents: 12000, default_duration_minutes: 60 })
  })
  afterAll(() => app.close())

  const customer = async (name: string, extra: Record<string, unknown> = {}) =>
    expectData(
      await owner.action('contact', 'create', { display_name: name, email: `${name.split(' ')[0].toLowerCase()}@example.com`, ...extra }),
    ).id as string
  const book = async (contactId: string, start: string, technician = tessId, line: Record<string, unknown> = { service_id: windows.id }) =>
    expectData(
      await owner.action('ticket', 'create', {
        contact_id: contactId,
        scheduled_start: start,
        technician_ids: [technician],
        line_items: [line],
      }),
    )
  const close = async (ticket: any, extra: Record<string, unknown> = {}) =>
    expectData(
      await owner.action('ticket', 'close', {
        ticket_id: ticket.id,
        duration_minutes: 60,
        line_items: [{ line_item_id: ticket.line_items[0].id }],
        notes: '',
        next_service: { kind: 'none' },
        ...extra,
      }),
    )
  const messagesOf = async (filters: Record<string, string>) =>
    expectData(await owner.query({ type: 'scheduled_messages', ...filters })).items as any[]

  it('keeps the time actually spent on site on the closed ticket', async () => {
    const ticket = await book(await customer('Olive Oak'), '2026-11-01T09:00')
    const closed = await close(ticket, { duration_minutes: 202 })
    expect(closed.ticket).toMatchObject({ status: 'completed', actual_minutes: 202, time_on_site: '3h22m' })
    const read = expectData(await owner.query({ type: 'tickets', id: ticket.id }))
    expect(read).toMatchObject({ actual_minutes: 202, time_on_site: '3h22m', closed_at: NOW.toISOString() })
    // The audit of the close records the minutes.
    const trail = expectData(await owner.query({ type: 'tickets', id: ticket.id, include: 'audit_trail' })).audit_trail
    expect(trail.find((a: any) => a.action === 'close').changes.actual_minutes).toEqual({ old: null, new: 202 })
  })

  it('cancels the pending confirmation, follow-ups and reminder of a visit completed before its time, saying why', async () => {
    const ticket = await book(await customer('Early Bird'), '2026-11-05T09:00')
    const queued = await messagesOf({ ticket_id: ticket.id, status: 'pending' })
    expect(new Set(queued.map((m) => m.kind))).toEqual(new Set(['confirmation', 'follow_up', 'reminder']))
    // Three days ahead: only the owner closes it before its day, saying so.
    const closed = await close(ticket, { early: true })
    expect([...closed.cancelled_message_ids].sort()).toEqual(queued.map((m) => m.id).sort())
    const after = await messagesOf({ ticket_id: ticket.id })
    expect(after.map((m) => m.status)).toEqual(after.map(() => 'cancelled'))
    for (const m of after)
      expect(m.last_error).toBe(`Not sent: appointment #${ticket.number} was completed before its scheduled time at ${NOW.toISOString()}`)
    expect(await messagesOf({ ticket_id: ticket.id, status: 'pending' })).toEqual([])
  })

  it('queues one reach-out when two visits of one customer each ask for it', async () => {
    const rita = await customer('Rita Repeat')
    const first = await close(await book(rita, '2026-11-01T09:00'), { next_service: { kind: 'reach_out', months: 6 } })
    const second = await close(await book(rita, '2026-11-01T11:00', timId), { next_service: { kind: 'reach_out', months: 6 } })
    expect(first.reach_out.already_queued).toBe(false)
    expect(second.reach_out).toMatchObject({ message_id: first.reach_out.message_id, already_queued: true })
    expect((await messagesOf({ contact_id: rita, kind: 'reach_out', status: 'pending' })).map((m) => m.id)).toEqual([
      first.reach_out.message_id,
    ])
    // A reach-out for another time of year is a different message.
    const later = await close(await book(rita, '2026-11-01T13:00'), { next_service: { kind: 'reach_out', months: 12 } })
    expect(later.reach_out.already_queued).toBe(false)
    expect(await messagesOf({ contact_id: rita, kind: 'reach_out', status: 'pending' })).toHaveLength(2)
  })

  it('queues one reach-out when two visits of one customer are closed at the same moment', async () => {
    const cy = await customer('Cy Concurrent')
    const a = await book(cy, '2026-11-01T09:00')
    const b = await book(cy, '2026-11-01T11:00')
    const both = await Promise.all([a, b].map((t) => close(t, { next_service: { kind: 'reach_out', months: 6 } })))
    expect(both.map((r) => r.reach_out.already_queued).sort()).toEqual([false, true])
    expect(new Set(both.map((r) => r.reach_out.message_id)).size).toBe(1)
    expect(await messagesOf({ contact_id: cy, kind: 'reach_out', status: 'pending' })).toHaveLength(1)
  })

  it('lists past visits never closed and completed visits never billed, with their age, as unbilled_work', async () => {
    const uma = await customer('Uma Unbilled')
    // Ended 2026-10-30 10:00 CDT, exactly three days before now.
    const forgotten = await book(uma, '2026-10-30T09:00', timId)
    const done = await close(await book(uma, '2026-11-01T09:00'))
    const free = await close(
      await book(uma, '2026-11-01T13:00', tessId, { description: 'Goodwill touch-up', quantity: 1, unit_price_cents: 0 }),
    )
    await book(uma, '2026-11-09T09:00')
    const list = async (filters: Record<string, string> = {}) =>
      expectData(await owner.query({ type: 'unbilled_work', contact_id: uma, ...filters })).items as any[]

    const items = await list()
    expect(items.map((i) => [i.number, i.reason, i.age_days])).toEqual([
      [forgotten.number, 'not_closed', 3],
      [done.ticket.number, 'not_invoiced', 0],
    ])
    expect(items[0]).toMatchObject({
      id: forgotten.id,
      contact_name: 'Uma Unbilled',
      status: 'scheduled',
      technicians: [{ user_id: timId, name: 'Tim Tech' }],
    })
    expect(items[1]).toMatchObject({ totals: { total_cents: expect.any(Number) }, actual_minutes: 60, time_on_site: '1h' })
    expect(items[1].totals.total_cents).toBeGreaterThanOrEqual(12000)
    expect(items.map((i) => i.id)).not.toContain(free.ticket.id)

    // A draft invoice is not a bill the customer has seen; a sent one is.
    const invoice = expectData(await owner.action('invoice', 'create_from_ticket', { ticket_id: done.ticket.id }))
    expect((await list({ reason: 'invoice_not_sent' })).map((i) => [i.id, i.invoice_id])).toEqual([[done.ticket.id, invoice.id]])
    expectData(await owner.action('invoice', 'void', { invoice_id: invoice.id, reason: 'wrong amount' }))
    expect((await list({ reason: 'not_invoiced' })).map((i) => i.id)).toEqual([done.ticket.id])

    // The filters narrow to one technician's visits; technicians themselves are not shown billing.
    expect((await list({ technician_id: tessId })).map((i) => i.id)).toEqual([done.ticket.id])
    expect((await list({ technician_id: timId })).map((i) => i.id)).toEqual([forgotten.id])
    expectError(await tess.query({ type: 'unbilled_work' }), 403, 'FORBIDDEN')
    // By a ticket's id: the record when that visit is unbilled, NOT_FOUND once it is billed or was never past.
    expect(expectData(await owner.query({ type: 'unbilled_work', id: forgotten.id })).reason).toBe('not_closed')
    expectError(await owner.query({ type: 'unbilled_work', id: free.ticket.id }), 404, 'NOT_FOUND')

    const bad = await owner.query({ type: 'unbilled_work', reason: 'lost' })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(JSON.stringify(bad.body.error)).toContain('reason')
  })

  it("marks the free slots on the customer's preferred days and time of day", async () => {
    const pia = await customer('Pia Prefers')
    expectData(
      await owner.action('contact', 'update', { contact_id: pia, preferences: { preferred_days: ['thu'], time_of_day: 'afternoon' } }),
    )
    const team = expectData(
      await owner.query({
        type: 'availability',
        from: '2026-11-04',
        to: '2026-11-05',
        duration_minutes: 60,
        technician: timId,
        contact_id: pia,
        limit: 100,
      }),
    )
    const slots = team.items as any[]
    const preferred = slots.filter((s) => s.preferred).map((s) => s.start.slice(0, 16))
    expect(preferred[0]).toBe('2026-11-05T12:00')
    expect(preferred.every((s) => s.startsWith('2026-11-05T') && s.slice(11) >= '12:00')).toBe(true)
    expect(slots.some((s) => s.start.startsWith('2026-11-05T09:00') && s.preferred === false)).toBe(true)
    expect(slots.some((s) => s.start.startsWith('2026-11-04T') && s.preferred === true)).toBe(false)
    // Without a customer, slots carry no preference mark.
    const plain = expectData(await owner.query({ type: 'availability', from: '2026-11-05', to: '2026-11-05', technician: timId }))
    expect(plain.items[0].preferred).toBeUndefined()
    const missing = await owner.query({ type: 'availability', contact_id: '00000000-0000-4000-8000-000000000000' })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('contact_id')
    expectError(
      await owner.action('contact', 'update', { contact_id: pia, preferences: { preferred_days: ['someday'] } }),
      400,
      'VALIDATION_ERROR',
    )
  })
})
