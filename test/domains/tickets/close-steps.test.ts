import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stepsOf } from '../../../core/kernel/workflows.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { countRows, newContact, newService, signedIn, type SignedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe('closing a visit is a workflow of named steps', () => {
  it('runs its steps in this order, each named by the domain that registers it', async () => {
    // The app loads every domain's front file, where the steps are registered.
    await import('../../../core/domains/index.js')
    expect(stepsOf('ticket.close')).toEqual([
      'series.check-kept-series',
      'tickets.record-work',
      'tickets.keep-close-note',
      'tickets.keep-customer-facts',
      'tickets.complete-visit',
      'messages.cancel-pending-confirmations',
      'tickets.audit-close',
      'contacts.refresh-lifecycle',
      'orders.settle-order',
      'series.book-next-visit',
      'messages.queue-reach-out',
      'invoices.issue-and-email-invoice',
    ])
  })
})

describe.each(engines)('a failing step of a close (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let techId: string
  let contactId: string
  let windows: { id: string }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    techId = await addUser(app, 'toni@sparkle.test', 'technician', 'Toni Tech')
    owner = await signedIn(app, app.tenant.owner_user_id)
    contactId = await newContact(app, { display_name: 'Hannah Hill', email: 'hannah@example.test' })
    windows = await newService(app, { name: 'Window cleaning', pricing: 'fixed', price_cents: 15000, default_duration_minutes: 60 })
  })
  afterAll(() => app?.close())

  const book = async (start: string) =>
    expectData(
      await owner.action('ticket', 'create', {
        contact_id: contactId,
        scheduled_start: start,
        duration_minutes: 90,
        technician_ids: [techId],
        line_items: [{ service_id: windows.id }],
      }),
    ) as { id: string; number: number }

  it('leaves nothing half-written: booking the next visit fails after the earlier steps wrote, and all of it is undone', async () => {
    // Days ahead, so its confirmation and reminder are still queued; the owner closes it early, saying so.
    const visit = await book('2026-11-09T08:00')
    const taken = await book('2026-11-12T08:00')
    const pendingBefore = await countRows(app, 'scheduled_messages', `ticket_id = $2 and status = 'pending'`, [visit.id])
    expect(pendingBefore).toBeGreaterThan(0)
    const lifecycleBefore = await app.t.admin.query('select lifecycle from contacts where id = $1', [contactId])

    const refused = await owner.action('ticket', 'close', {
      ticket_id: visit.id,
      duration_minutes: 80,
      early: true,
      notes: 'All windows done; back gate sticks.',
      attributes: [{ key: 'gate', value: 'sticks' }],
      // The technician is booked on the other visit then: the series step books the next visit last, and fails.
      next_service: { kind: 'schedule', scheduled_start: '2026-11-12T08:30' },
    })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.details.ticket_id).toBe(taken.id)

    const ticket = await app.t.admin.query('select status, closed_at, duration_minutes from tickets where id = $1', [visit.id])
    expect(ticket.rows[0]).toEqual({ status: 'scheduled', closed_at: null, duration_minutes: null })
    expect(await countRows(app, 'notes', 'ticket_id = $2', [visit.id])).toBe(0)
    expect(await countRows(app, 'attributes', `key = 'gate'`)).toBe(0)
    expect(await countRows(app, 'scheduled_messages', `ticket_id = $2 and status = 'pending'`, [visit.id])).toBe(pendingBefore)
    expect(await countRows(app, 'audit_log', `entity_id = $2 and action = 'close'`, [visit.id])).toBe(0)
    expect(await countRows(app, 'tickets', 'previous_ticket_id = $2', [visit.id])).toBe(0)
    expect((await app.t.admin.query('select lifecycle from contacts where id = $1', [contactId])).rows).toEqual(lifecycleBefore.rows)

    // The same close at a free time runs every step.
    const done = expectData(
      await owner.action('ticket', 'close', {
        ticket_id: visit.id,
        duration_minutes: 80,
        early: true,
        notes: 'All windows done; back gate sticks.',
        attributes: [{ key: 'gate', value: 'sticks' }],
        next_service: { kind: 'schedule', scheduled_start: '2026-11-19T08:00' },
      }),
    )
    expect(done.ticket.status).toBe('completed')
    expect(done.note_id).toBeTruthy()
    expect(done.next_ticket.number).toBeGreaterThan(taken.number)
    expect(done.cancelled_message_ids).toHaveLength(pendingBefore)
    expect(await countRows(app, 'scheduled_messages', `ticket_id = $2 and status = 'pending'`, [visit.id])).toBe(0)
  })
})
