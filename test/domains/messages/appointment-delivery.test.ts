import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, newContact, newTicket } from '../../helpers/fixtures.js'

const clock = { now: new Date('2031-03-03T16:00:00Z') } // Monday 10:00 in Chicago

describe.each(engines)('appointment emails delivered and answered (%s)', (engine) => {
  let app: TestApp
  let jane: string
  beforeAll(async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now })
    jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
  })
  afterAll(() => app.close())

  const deliver = () => deliverDue(app.services, { retry: { maxAttempts: 1, backoffSeconds: [60] } })
  const mailsTo = (email: string) => app.email.sent.filter((m) => m.to === email)
  const linkIn = (text: string, label: string) => text.match(new RegExp(`${label} (http\\S+/respond/\\S+)`))?.[1]

  it('sends the confirmation now and a follow-up a day later; a click on the follow-up confirms and the reminder still goes', async () => {
    const t = await newTicket(app, jane, { scheduled_start: '2031-03-06T09:00' })
    expect(await deliver()).toMatchObject({ sent: 1 })
    const confirmation = mailsTo('jane@example.com').at(-1)!
    expect(confirmation.subject).toBe('Please confirm your appointment on Thursday, March 6, 2031')
    expect(linkIn(confirmation.text, 'Confirm this time:')).toBeTruthy()
    expect(linkIn(confirmation.text, 'Cannot make it\\?')).toBeTruthy()
    expect(linkIn(confirmation.text, 'Need a different time\\?')).toBeTruthy()

    clock.now = new Date('2031-03-04T16:00:00Z')
    expect(await deliver()).toMatchObject({ sent: 1 })
    const followUp = mailsTo('jane@example.com').at(-1)!
    expect(followUp.subject).toBe('Reminder: please confirm your appointment on Thursday, March 6, 2031')
    expect(followUp.text).toContain(
      'We have not heard back about your appointment with Sparkle Windows on Thursday, March 6, 2031 at 9:00 AM.',
    )
    const confirm = linkIn(followUp.text, 'Confirm this time:')!
    expect(confirm).not.toBe(linkIn(confirmation.text, 'Confirm this time:'))
    const res = await fetch(confirm, { method: 'POST', body: new URLSearchParams({ answer: 'confirm' }) })
    expect(res.status).toBe(200)
    expect(
      await asTenant(app, async (tx) => (await tx.query('select status, confirmation_status from tickets where id = $1', [t.id])).rows[0]),
    ).toEqual({ status: 'confirmed', confirmation_status: 'accepted' })

    clock.now = new Date('2031-03-05T15:00:00Z') // Wednesday 09:00
    const before = app.email.sent.length
    expect(await deliver()).toMatchObject({ sent: 1 })
    expect(app.email.sent.length).toBe(before + 1)
    const reminder = mailsTo('jane@example.com').at(-1)!
    expect(reminder.subject).toBe('Reminder: Sparkle Windows is coming on Thursday, March 6, 2031')
    expect(linkIn(reminder.text, 'Need a different time\\?')).toBeTruthy()
    const kinds = expectData(await app.query({ type: 'scheduled_messages', ticket_id: t.id })).items.map(
      (m: any) => `${m.kind}:${m.status}`,
    )
    expect(kinds).toEqual(['confirmation:sent', 'follow_up:sent', 'reminder:sent'])
  })

  it('sends a "reach out" message on its date, worded from the last completed visit', async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    const ann = await newContact(app, { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com' })
    const visit = await newTicket(app, ann, { scheduled_start: '2031-03-01T09:00' })
    // Closed out as done (close-out itself is tested with its own pages).
    await app.t.admin.query(`update scheduled_messages set status = 'cancelled' where ticket_id = $1`, [visit.id])
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = $2 where id = $1`, [visit.id, clock.now])
    const m = await app.ownerAction('message', 'schedule', { contact_id: ann, kind: 'reach_out', send_at: '2031-09-01T14:00:00Z' })
    expect(m.rendered.body).toContain('It has been about 6 months since our last visit on March 1, 2031.')

    clock.now = new Date('2031-08-31T14:00:00Z')
    await deliver()
    expect(mailsTo('ann@example.com')).toEqual([])
    clock.now = new Date('2031-09-01T14:00:01Z')
    expect(await deliver()).toMatchObject({ sent: 1 })
    const mail = mailsTo('ann@example.com')[0]
    expect(mail.subject).toBe('Time for your next visit from Sparkle Windows?')
    expect(mail.text).toContain('Hi Ann,')
    expect(mail.text).toContain('It has been about 6 months since our last visit on March 1, 2031.')
    expect(mail.text).not.toContain('/respond/')
    expect(mail.text).not.toMatch(/\{\{|\}\}/)
  })
})
