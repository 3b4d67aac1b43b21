import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, auditActions, fieldsOf, made, newContact, newTicket } from '../../helpers/fixtures.js'

/** A clock the tests move by hand. */
const clock = { now: new Date('2031-03-03T16:00:00Z') } // Monday 10:00 in Chicago

describe.each(engines)('appointment emails queued by ticket actions (%s)', (engine) => {
  let app: TestApp
  let jane: string
  beforeAll(async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now })
    jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
  })
  afterAll(() => app.close())

  const messagesOf = async (ticketId: string, status?: string): Promise<string[][]> =>
    expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticketId, ...(status ? { status } : {}) })).items.map((m: any) => [
      m.kind,
      new Date(m.send_at).toISOString(),
      m.status,
    ])
  const settings = (data: Record<string, unknown>) => made(app, 'settings', 'update', data)

  it('ticket.create queues the confirmation now, a follow-up and the day-before reminder, each audited', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-06T09:00' }) // Thursday 09:00 in Chicago
    expect(await messagesOf(t.id)).toEqual([
      ['confirmation', '2031-03-03T16:00:00.000Z', 'pending'],
      ['follow_up', '2031-03-04T16:00:00.000Z', 'pending'],
      ['reminder', '2031-03-05T15:00:00.000Z', 'pending'],
    ])
    const rows = expectData(await app.query({ type: 'scheduled_messages', ticket_id: t.id })).items
    for (const m of rows) {
      expect(m).toMatchObject({ contact_id: jane, ticket_id: t.id, template_id: null, subject: null, body: null })
      expect(await auditActions(app, 'scheduled_message', m.id)).toEqual(['schedule'])
    }
  })

  it('follows the settings: more follow-ups, another reminder time, or none of them', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    await settings({ follow_up_after_hours: 12, follow_up_max: 3, reminder_time: '17:30' })
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-10T09:00' }) // Monday after the change to daylight time
    expect(await messagesOf(t.id)).toEqual([
      ['confirmation', '2031-03-03T16:00:00.000Z', 'pending'],
      ['follow_up', '2031-03-04T04:00:00.000Z', 'pending'],
      ['follow_up', '2031-03-04T16:00:00.000Z', 'pending'],
      ['follow_up', '2031-03-05T04:00:00.000Z', 'pending'],
      ['reminder', '2031-03-09T22:30:00.000Z', 'pending'], // Sunday 17:30 CDT
    ])
    await settings({ send_confirmations: false })
    const onlyReminder = await newTicket(app, jane, { scheduled_start: '2031-03-11T09:00' })
    expect((await messagesOf(onlyReminder.id)).map(([k]) => k)).toEqual(['reminder'])
    await settings({ send_reminders: false })
    const none = await newTicket(app, jane, { scheduled_start: '2031-03-12T09:00' })
    expect(await messagesOf(none.id)).toEqual([])
    await settings({ send_confirmations: true, send_reminders: true, follow_up_after_hours: 24, follow_up_max: 2, reminder_time: '09:00' })
  })

  it('a ticket confirmed by phone stops the confirmation and its follow-ups, and keeps the reminder', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-13T09:00' })
    expectData(await app.action('ticket', 'update', { ticket_id: t.id, status: 'confirmed' }))
    const after = await messagesOf(t.id)
    expect(after.filter(([kind]) => kind !== 'reminder').map(([, , status]) => status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(after.filter(([kind]) => kind === 'reminder').map(([, , status]) => status)).toEqual(['pending'])
  })

  it('queues nothing for a customer without an email address', async () => {
    const bob = await newContact(app, { display_name: 'Bob Phoneonly', phones: [{ value: '256-555-0101' }] })
    const t = await newTicket(app, bob, { scheduled_start: '2031-03-07T09:00' })
    expect(await messagesOf(t.id)).toEqual([])
  })

  it('queues them once the customer gets an email address: all for a scheduled visit, the reminder for a confirmed one', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    const carl = await newContact(app, { display_name: 'Carl Later', phones: [{ value: '256-555-0102' }] })
    const open = await newTicket(app, carl, { scheduled_start: '2031-03-08T09:00' })
    const confirmed = await newTicket(app, carl, { scheduled_start: '2031-03-09T09:00' })
    expectData(await app.action('ticket', 'update', { ticket_id: confirmed.id, status: 'confirmed' }))
    expect(await messagesOf(open.id)).toEqual([])
    expectData(await app.action('contact', 'update', { contact_id: carl, email: 'carl@example.com' }))
    expect((await messagesOf(open.id)).map(([kind]) => kind)).toEqual(['confirmation', 'follow_up', 'follow_up', 'reminder'])
    expect((await messagesOf(confirmed.id)).map(([kind]) => kind)).toEqual(['reminder'])
    // A second change of address queues nothing more.
    expectData(await app.action('contact', 'update', { contact_id: carl, email: 'carl@work.example' }))
    expect(await messagesOf(open.id)).toHaveLength(4)
  })

  it('shows and validates the settings, naming the field', async () => {
    const s = expectData(await app.query({ type: 'settings' })).items[0]
    expect(s).toMatchObject({
      send_confirmations: true,
      follow_up_after_hours: 24,
      follow_up_max: 2,
      send_reminders: true,
      reminder_time: '09:00',
    })
    for (const [data, field] of [
      [{ reminder_time: '9am' }, 'data.reminder_time'],
      [{ reminder_time: '24:00' }, 'data.reminder_time'],
      [{ follow_up_max: 11 }, 'data.follow_up_max'],
      [{ follow_up_max: -1 }, 'data.follow_up_max'],
      [{ follow_up_after_hours: 0 }, 'data.follow_up_after_hours'],
      [{ follow_up_after_hours: 1.5 }, 'data.follow_up_after_hours'],
      [{ send_reminders: 'yes' }, 'data.send_reminders'],
    ] as const) {
      const res = await app.action('settings', 'update', data)
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(fieldsOf(res)).toEqual([field])
    }
    expect(expectData(await app.query({ type: 'settings' })).items[0]).toMatchObject({ reminder_time: '09:00', follow_up_max: 2 })
  })

  it('ticket.reschedule cancels the pending emails of the old time and queues those of the new one; sent ones stay', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-13T09:00' })
    const confirmation = expectData(await app.query({ type: 'scheduled_messages', ticket_id: t.id, kind: 'confirmation' })).items[0]
    // Delivery sent the confirmation; a reach-out for the customer is queued too.
    await app.t.admin.query(`update scheduled_messages set status = 'sent', sent_at = $2 where id = $1`, [confirmation.id, clock.now])
    const reachOut = await app.ownerAction('message', 'schedule', { contact_id: jane, kind: 'reach_out', send_at: '2031-09-01T15:00:00Z' })
    const before = expectData(await app.query({ type: 'scheduled_messages', ticket_id: t.id, status: 'pending' })).items

    clock.now = new Date('2031-03-04T18:00:00Z') // Tuesday 12:00
    await made(app, 'ticket', 'reschedule', { ticket_id: t.id, scheduled_start: '2031-03-18T14:00' })
    expect(await messagesOf(t.id)).toEqual([
      ['confirmation', '2031-03-03T16:00:00.000Z', 'sent'],
      ['follow_up', '2031-03-04T16:00:00.000Z', 'cancelled'],
      ['confirmation', '2031-03-04T18:00:00.000Z', 'pending'],
      ['follow_up', '2031-03-05T16:00:00.000Z', 'cancelled'],
      ['follow_up', '2031-03-05T18:00:00.000Z', 'pending'],
      ['follow_up', '2031-03-06T18:00:00.000Z', 'pending'],
      ['reminder', '2031-03-12T14:00:00.000Z', 'cancelled'],
      ['reminder', '2031-03-17T14:00:00.000Z', 'pending'], // Monday 09:00 CDT for Tuesday 14:00
    ])
    for (const m of before) expect(await auditActions(app, 'scheduled_message', m.id)).toEqual(['schedule', 'cancel'])
    expect(expectData(await app.query({ type: 'scheduled_messages', id: reachOut.id })).status).toBe('pending')
  })

  it('ticket.cancel and ticket.no_show cancel every pending appointment email of the ticket, and nothing else', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    const a = await newTicket(app, jane, { scheduled_start: '2031-03-14T09:00' })
    const b = await newTicket(app, jane, { scheduled_start: '2031-03-14T13:00' })
    await made(app, 'ticket', 'cancel', { ticket_id: a.id, reason: 'customer called' }, 'the customer asked by phone')
    expect((await messagesOf(a.id)).map(([k, , s]) => `${k}:${s}`)).toEqual([
      'confirmation:cancelled',
      'follow_up:cancelled',
      'follow_up:cancelled',
      'reminder:cancelled',
    ])
    expect((await messagesOf(b.id)).every(([, , s]) => s === 'pending')).toBe(true)

    clock.now = new Date('2031-03-14T19:30:00Z') // after b's start
    await made(app, 'ticket', 'no_show', { ticket_id: b.id })
    expect((await messagesOf(b.id)).every(([, , s]) => s === 'cancelled')).toBe(true)
    const audit = await asTenant(
      app,
      async (tx) =>
        (
          await tx.query(
            `select actor_type from audit_log where entity_type = 'scheduled_message'
      and action = 'cancel' and entity_id in (select id from scheduled_messages where ticket_id = $1)`,
            [b.id],
          )
        ).rows,
    )
    expect(audit.length).toBe(4)
    expect(audit.every((r: any) => r.actor_type === 'agent')).toBe(true)
  })

  it('a booking that fails leaves no email behind', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    const before = await asTenant(app, async (tx) => (await tx.query('select count(*)::int as n from scheduled_messages')).rows[0].n)
    const res = await app.action('ticket', 'create', {
      contact_id: jane,
      scheduled_start: '2031-03-15T09:00',
      scheduled_end: '2031-03-15T08:00',
    })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(await asTenant(app, async (tx) => (await tx.query('select count(*)::int as n from scheduled_messages')).rows[0].n)).toBe(before)
  })
})
