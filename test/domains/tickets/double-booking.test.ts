import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { countRows, newContact } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

describe.each(engines)('double booking (%s)', (engine) => {
  let app: TestApp
  let contact: string
  let tess: string, theo: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => new Date('2030-06-01T12:00:00Z') })
    contact = await newContact(app, { display_name: 'Carla Cruz' })
    tess = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tran')
    theo = await addUser(app, 'theo@sparkle.test', 'technician', 'Theo Ruiz')
  })
  afterAll(() => app.close())

  const create = (start: string, end: string, technician_ids: string[]) =>
    app.action('ticket', 'create', { contact_id: contact, scheduled_start: start, scheduled_end: end, technician_ids })

  it('refuses an overlapping ticket for the same technician, naming the ticket and the technician', async () => {
    const first = expectData(await create('2030-06-10T14:00:00Z', '2030-06-10T16:00:00Z', [tess]))
    const before = await countRows(app, 'tickets')
    const clash = await create('2030-06-10T15:30:00Z', '2030-06-10T17:00:00Z', [theo, tess])
    expectError(clash, 409, 'CONFLICT')
    expect(clash.body.error.message).toContain(
      `Tess Tran (user id ${tess}) is already booked on ticket #${first.number} (ticket id ${first.id})`,
    )
    expect(clash.body.error.message).toContain('Mon 2030-06-10 09:00 to Mon 2030-06-10 11:00 (America/Chicago)')
    expect(clash.body.error.details).toMatchObject({ ticket_id: first.id, ticket_number: first.number, technician_id: tess })
    expect(await countRows(app, 'tickets')).toBe(before)
    // Back to back is not an overlap; another technician at the same time is free.
    expectData(await create('2030-06-10T16:00:00Z', '2030-06-10T17:00:00Z', [tess]))
    expectData(await create('2030-06-10T14:00:00Z', '2030-06-10T16:00:00Z', [theo]))
  })

  it('a cancelled ticket frees the time; moving or assigning into a busy time is refused', async () => {
    const a = expectData(await create('2030-06-11T14:00:00Z', '2030-06-11T15:00:00Z', [tess]))
    expectData(await app.action('ticket', 'cancel', { ticket_id: a.id, reason: 'Rain' }, { reasoning: 'Customer asked to cancel' }))
    const b = expectData(await create('2030-06-11T14:00:00Z', '2030-06-11T15:00:00Z', [tess]))
    const c = expectData(await create('2030-06-11T16:00:00Z', '2030-06-11T17:00:00Z', [tess]))
    const moved = await app.action('ticket', 'reschedule', { ticket_id: c.id, scheduled_start: '2030-06-11T14:30:00Z' })
    expectError(moved, 409, 'CONFLICT')
    expect(moved.body.error.details).toMatchObject({ ticket_id: b.id, technician_id: tess })
    // Moving within its own time overlaps only itself.
    expectData(await app.action('ticket', 'reschedule', { ticket_id: c.id, scheduled_start: '2030-06-11T16:30:00Z' }))
    const d = expectData(await create('2030-06-11T14:00:00Z', '2030-06-11T15:00:00Z', [theo]))
    const assigned = await app.action('ticket', 'assign_technicians', { ticket_id: d.id, technician_ids: [theo, tess] })
    expectError(assigned, 409, 'CONFLICT')
    expect(assigned.body.error.details).toMatchObject({ ticket_id: b.id, technician_id: tess })
    const read = expectData(await app.query({ type: 'tickets', id: d.id, include: 'technicians' }))
    expect(read.technicians.map((t: any) => t.user_id)).toEqual([theo])
  })

  it('of 20 simultaneous bookings of one technician for one slot, exactly one wins', async () => {
    const before = await countRows(app, 'tickets')
    const results = await Promise.all(Array.from({ length: 20 }, () => create('2030-06-12T14:00:00Z', '2030-06-12T15:00:00Z', [theo])))
    const won = results.filter((r) => r.status === 200)
    const lost = results.filter((r) => r.status !== 200)
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(19)
    const winner = won[0].body.data
    for (const r of lost) {
      expectError(r, 409, 'CONFLICT')
      expect(r.body.error.details).toMatchObject({ ticket_id: winner.id, ticket_number: winner.number, technician_id: theo })
    }
    expect(await countRows(app, 'tickets')).toBe(before + 1)
    // Ticket numbers stay gapless: the losers gave theirs back.
    const next = expectData(await create('2030-06-12T15:00:00Z', '2030-06-12T16:00:00Z', [theo]))
    expect(next.number).toBe(winner.number + 1)
  })
})
