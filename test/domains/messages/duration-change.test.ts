import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { signedIn, letters } from '../../helpers/fixtures.js'

// Monday 2031-03-03 10:00 in Chicago.
const NOW = new Date('2031-03-03T16:00:00Z')
const why = { reasoning: 'the crew needs longer at this house' }

describe.each(engines)("a confirmation goes out only when a visit's day or time changes (%s)", (engine) => {
  let app: TestApp
  let customers = 0

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
  })
  afterAll(() => app?.close())

  const customer = async () => {
    customers += 1
    return expectData(
      await app.action('contact', 'create', { display_name: `Dana Duration ${letters(customers)}`, email: `dana${customers}@example.com` }),
    ).id as string
  }
  /** Each visit's confirmation emails (pending or not) and where the customer's answer stands. */
  const state = async (ticketIds: string[]) =>
    Promise.all(
      ticketIds.map(async (id) => {
        const t = expectData(await app.query({ type: 'tickets', id }))
        const confirmations = expectData(await app.query({ type: 'scheduled_messages', ticket_id: id, kind: 'confirmation' })).items
        return {
          id,
          status: t.status,
          confirmation_status: t.confirmation_status,
          confirmations: confirmations.map((m: any) => m.status).sort(),
        }
      }),
    )

  it('series.update scope all with a new duration lengthens every visit and asks no customer to confirm again', async () => {
    const contactId = await customer()
    const series = expectData(
      await app.action(
        'series',
        'create',
        { contact_id: contactId, rule: 'FREQ=WEEKLY', start_date: '2031-03-10', start_time: '09:00', duration_minutes: 60 },
        why,
      ),
    )
    const visits = series.booked.map((b: any) => b.ticket_id) as string[]
    expect(visits.length).toBeGreaterThan(2)
    // The customer confirmed the first visit by phone; the others still wait for an answer to their one confirmation.
    expectData(await app.action('ticket', 'update', { ticket_id: visits[0], status: 'confirmed' }))
    const before = await state(visits)

    const changed = expectData(await app.action('series', 'update', { series_id: series.id, scope: 'all', duration_minutes: 120 }, why))
    expect(changed.changed_ticket_ids.sort()).toEqual([...visits].sort())
    for (const id of visits) {
      const t = expectData(await app.query({ type: 'tickets', id }))
      expect(new Date(t.scheduled_end).getTime() - new Date(t.scheduled_start).getTime()).toBe(120 * 60_000)
    }
    expect(await state(visits)).toEqual(before)
    expect(before[0].status).toBe('confirmed')

    // A new time of day does move them, and each customer is asked again.
    expectData(await app.action('series', 'update', { series_id: series.id, scope: 'all', start_time: '10:00' }, why))
    for (const s of await state(visits)) {
      expect(s).toMatchObject({ status: 'scheduled', confirmation_status: 'pending' })
      expect(s.confirmations.filter((c: string) => c === 'pending')).toHaveLength(1)
    }
  })

  it('series.update scope this and ticket.reschedule with the same start keep the confirmation and its emails', async () => {
    const contactId = await customer()
    const series = expectData(
      await app.action(
        'series',
        'create',
        { contact_id: contactId, rule: 'FREQ=WEEKLY', start_date: '2031-03-11', start_time: '09:00', duration_minutes: 60 },
        why,
      ),
    )
    const [first, second] = series.booked.map((b: any) => b.ticket_id) as string[]
    expectData(await app.action('ticket', 'update', { ticket_id: first, status: 'confirmed' }))
    const before = await state([first, second])
    expectData(await app.action('series', 'update', { series_id: series.id, scope: 'this', ticket_id: first, duration_minutes: 90 }, why))
    const t = expectData(await app.query({ type: 'tickets', id: first }))
    expect(new Date(t.scheduled_end).toISOString()).toBe('2031-03-11T15:30:00.000Z')

    const owner = await signedIn(app, app.tenant.owner_user_id)
    const longer = expectData(
      await owner.action('ticket', 'reschedule', { ticket_id: second, scheduled_start: '2031-03-18T09:00', duration_minutes: 150 }),
    )
    expect(new Date(longer.scheduled_end).toISOString()).toBe('2031-03-18T16:30:00.000Z')
    expect(await state([first, second])).toEqual(before)
    const trail = expectData(await app.query({ type: 'tickets', id: second, include: 'audit_trail' })).audit_trail
    expect(trail.filter((a: any) => a.action === 'reschedule').map((a: any) => Object.keys(a.changes))).toEqual([['scheduled_end']])
  })
})
