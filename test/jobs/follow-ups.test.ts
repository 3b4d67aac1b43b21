import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJobsOnce } from '../../core/jobs/worker.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { asTenant, made } from '../helpers/fixtures.js'
import { pageClient } from '../helpers/technician-fixture.js'

/** The test's clock: services.now reads it, the tests move it. */
const clock = { now: new Date('2026-10-28T15:00:00Z') }

/** A contact's follow-up messages of a kind, oldest first, as the agent reads them. */
async function messagesOf(app: TestApp, params: Record<string, string>): Promise<any[]> {
  return expectData(await app.query({ type: 'scheduled_messages', ...params })).items
}

/** The emails captured for one message. */
function emailsOf(app: TestApp, messageId: string) {
  return app.email.sent.filter((e) => e.idempotencyKey?.startsWith(`scheduled-message-${messageId}`))
}

/** An invoice of the contact, sent at `sentAt` and due on `dueOn`. */
async function sentInvoice(app: TestApp, contactId: string, dueOn: string, sentAt: string): Promise<{ id: string; number: string }> {
  const i = await made(app, 'invoice', 'create', {
    contact_id: contactId,
    line_items: [{ description: 'Window cleaning', unit_price_cents: 20_000 }],
  })
  await asTenant(app, (tx) =>
    tx.query(`update invoices set status = 'sent', sent_at = $2, due_on = $3 where id = $1`, [i.id, sentAt, dueOn]),
  )
  return { id: i.id, number: i.number }
}

describe.each(engines)('follow-ups that chase for a business in New York, across its clock changes (%s)', (engine) => {
  let app: TestApp
  let jane: string

  beforeAll(async () => {
    clock.now = new Date('2026-10-28T15:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    await app.t.admin.query(`update tenants set timezone = 'America/New_York' where id = $1`, [app.tenant.tenant_id])
    await app.ownerAction('settings', 'update', {
      reminder_time: '09:00',
      invoice_reminder_days: [-1, 0, 7],
      quote_follow_up_days: 2,
      payment_instructions: 'Checks payable to Sparkle Windows',
    })
    jane = (await made(app, 'contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com' })).id
  })
  afterAll(() => app.close())

  it('reminds of an unpaid invoice at 09:00 local on each side of the fall-back, stops when a payment lands, never for a void one', async () => {
    const invoice = await sentInvoice(app, jane, '2026-11-02', '2026-10-28T14:00:00Z')
    const voided = await sentInvoice(app, jane, '2026-11-02', '2026-10-28T14:00:00Z')
    // Saturday 10:00 EDT: the reminder of Sunday 09:00 (EST by then) is queued, visible on the invoice, and not sent yet.
    clock.now = new Date('2026-10-31T14:00:00Z')
    expect((await runJobsOnce(app.services)).follow_ups_queued).toBe(2)
    const [dayBefore] = await messagesOf(app, { invoice_id: invoice.id, kind: 'invoice_reminder' })
    expect(dayBefore).toMatchObject({ status: 'pending', follow_up_step: 'due-1', send_at: '2026-11-01T14:00:00.000Z' })
    expect((await runJobsOnce(app.services)).follow_ups_queued).toBe(0)
    await app.ownerAction('invoice', 'void', { invoice_id: voided.id, reason: 'billed twice' })

    clock.now = new Date('2026-11-01T14:00:00Z')
    const sunday = await runJobsOnce(app.services)
    expect(sunday.failures).toEqual([])
    const email = emailsOf(app, dayBefore.id)
    expect(email).toHaveLength(1)
    expect(email[0].subject).toBe(`Reminder: invoice ${invoice.number} from Sparkle Windows is due November 2, 2026`)
    expect(email[0].text).toContain(`invoice ${invoice.number} is due November 2, 2026, with $200.00 still due.`)
    const voidedSteps = await messagesOf(app, { invoice_id: voided.id })
    expect(voidedSteps.map((m: any) => [m.follow_up_step, m.status, m.last_error])).toEqual([
      ['due-1', 'cancelled', `Not sent: invoice ${voided.number} was voided`],
    ])
    // The on-the-day reminder is queued now; a part payment lands before it goes, so it does not.
    const onDay = (await messagesOf(app, { invoice_id: invoice.id, status: 'pending' }))[0]
    expect(onDay).toMatchObject({ follow_up_step: 'due+0', send_at: '2026-11-02T14:00:00.000Z' })
    clock.now = new Date('2026-11-01T20:00:00Z')
    await made(app, 'invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 5_000, method: 'check' }, 'The customer paid')
    clock.now = new Date('2026-11-02T14:00:00Z')
    await runJobsOnce(app.services)
    expect(await byId(app, onDay.id)).toMatchObject({
      status: 'cancelled',
      last_error: `Not sent: a payment landed on invoice ${invoice.number} after this reminder was queued`,
    })
    expect(emailsOf(app, onDay.id)).toHaveLength(0)
    // A week after, the balance is still owed: that reminder goes, at 09:00 EST, with the amount left.
    clock.now = new Date('2026-11-09T14:00:00Z')
    await runJobsOnce(app.services)
    const week = (await messagesOf(app, { invoice_id: invoice.id, kind: 'invoice_reminder' })).find(
      (m: any) => m.follow_up_step === 'due+7',
    )
    expect(week).toMatchObject({ status: 'sent', send_at: '2026-11-09T14:00:00.000Z' })
    const late = emailsOf(app, week.id)[0]
    expect(late.subject).toBe(`Reminder: invoice ${invoice.number} from Sparkle Windows is 7 days overdue (it was due November 2, 2026)`)
    expect(late.text).toContain(`invoice ${invoice.number} is 7 days overdue (it was due November 2, 2026), with $150.00 still due.`)
    expect(late.text).toContain(`Amount due: $150.00, 7 days overdue (it was due November 2, 2026; invoice ${invoice.number})`)
    // Each send, and each stop with its reason, is on the owner's page of the invoice.
    const page = (await (await pageClient(app, 'owner@sparkle.test')).get(`/invoices/${invoice.id}`)).html
    expect(page.match(/invoice reminder · sent/g)).toHaveLength(2)
    expect(page).toMatch(
      new RegExp(
        `invoice reminder · cancelled · Mon, Nov 2, 2026, 9:00\\sAM EST · Not sent: a payment landed on invoice ${invoice.number} after`,
      ),
    )
    // Paid in full, nothing more is ever queued for it.
    await made(app, 'invoice', 'record_payment', { invoice_id: invoice.id, amount_cents: 15_000, method: 'cash' }, 'The customer paid')
    await app.ownerAction('settings', 'update', { invoice_reminder_days: [-1, 0, 7, 10] })
    clock.now = new Date('2026-11-12T14:00:00Z')
    expect((await runJobsOnce(app.services)).follow_ups_queued).toBe(0)
    await app.ownerAction('settings', 'update', { invoice_reminder_days: [] })
  })

  it("stops one invoice's reminders when the agent asks: the queued one is cancelled and none is queued again", async () => {
    await app.ownerAction('settings', 'update', { invoice_reminder_days: [-1, 0] })
    const invoice = await sentInvoice(app, jane, '2027-06-02', '2027-05-20T14:00:00Z')
    clock.now = new Date('2027-06-01T10:00:00Z')
    await runJobsOnce(app.services)
    const [queued] = await messagesOf(app, { invoice_id: invoice.id, status: 'pending' })
    expect(queued).toMatchObject({ follow_up_step: 'due-1', send_at: '2027-06-01T13:00:00.000Z' })
    const stopped = await made(app, 'message', 'stop_follow_ups', { invoice_id: invoice.id }, 'The customer asked us to stop')
    expect(stopped.cancelled_message_ids).toEqual([queued.id])
    expect(await byId(app, queued.id)).toMatchObject({ status: 'cancelled', last_error: 'Not sent: its follow-ups were stopped' })
    clock.now = new Date('2027-06-02T13:00:00Z')
    expect((await runJobsOnce(app.services)).follow_ups_queued).toBe(0)
    expect(await messagesOf(app, { invoice_id: invoice.id, kind: 'invoice_reminder' })).toHaveLength(1)
    const neither = await app.action('message', 'stop_follow_ups', {}, { reasoning: 'The customer asked us to stop' })
    expect(neither.status).toBe(400)
    expect(neither.body.error.details.issues[0].field).toBe('data.invoice_id')
    await app.ownerAction('settings', 'update', { invoice_reminder_days: [] })
  })

  it("emails a quote's follow-up across the spring-forward, stops when the customer answers, and closes the owner's reminder", async () => {
    const quote = async (validUntil: string) => {
      const q = await made(app, 'quote', 'create', {
        contact_id: jane,
        valid_until: validUntil,
        line_items: [{ description: 'Gutter cleaning', unit_price_cents: 30_000 }],
      })
      await made(app, 'quote', 'send', { quote_id: q.id }, 'she asked for it')
      return q as { id: string; number: string }
    }
    clock.now = new Date('2027-03-10T15:00:00Z')
    const answered = await quote('2027-03-16')
    const waiting = await quote('2027-03-16')
    // Saturday 09:00 EST: Sunday's follow-ups (09:00 EDT, 23 hours later) are queued.
    clock.now = new Date('2027-03-13T14:00:00Z')
    await runJobsOnce(app.services)
    const pending = await asTenant(
      app,
      async (tx) =>
        (
          await tx.query<any>(
            `select id, quote_id, send_at, follow_up_step from scheduled_messages where kind = 'quote_follow_up' and status = 'pending' order by quote_id`,
          )
        ).rows,
    )
    expect(pending.map((m) => [m.follow_up_step, new Date(m.send_at).toISOString()])).toEqual([
      ['expires-2', '2027-03-14T13:00:00.000Z'],
      ['expires-2', '2027-03-14T13:00:00.000Z'],
    ])
    // The customer answers one by phone before it goes: its follow-up is cancelled.
    await made(app, 'quote', 'record_answer', { quote_id: answered.id, answer: 'decline', note: 'too dear' }, 'she called')
    const cancelled = await byId(app, pending.find((m) => m.quote_id === answered.id).id)
    expect([cancelled.status, cancelled.last_error]).toEqual(['cancelled', `Not sent: quote ${answered.number} was declined`])
    clock.now = new Date('2027-03-14T13:00:00Z')
    await runJobsOnce(app.services)
    const sent = await byId(app, pending.find((m) => m.quote_id === waiting.id).id)
    expect(sent.status).toBe('sent')
    const email = emailsOf(app, sent.id)[0]
    expect(email.subject).toBe(`Your quote ${waiting.number} from Sparkle Windows is valid until March 16, 2027`)
    expect(email.html).toMatch(/\/quote\/[\w-]+/)
    // The owner's own reminder to chase it is closed by the customer's answer.
    const reminder = (await made(app, 'quote', 'record_answer', { quote_id: waiting.id, answer: 'accept' }, 'she emailed yes')).quote
    const note = await asTenant(
      app,
      async (tx) =>
        (await tx.query<any>('select follow_up_done_at, outcome from interactions where id = $1', [reminder.follow_up_interaction_id]))
          .rows[0],
    )
    expect(note.follow_up_done_at).not.toBeNull()
    expect(note.outcome).toBe(`Quote ${waiting.number} was accepted`)
    await app.ownerAction('settings', 'update', { quote_follow_up_days: null })
  })
})

describe.each(engines)('review requests for a business in Auckland, UTC+13 (%s)', (engine) => {
  let app: TestApp

  /** A contact with a visit completed at `closedAt`. */
  async function visited(name: string, closedAt: string, contactId?: string): Promise<{ contact: string; ticket: string }> {
    const contact =
      contactId ?? (await made(app, 'contact', 'create', { display_name: name, email: `${name.toLowerCase()}@example.com` })).id
    const t = await made(app, 'ticket', 'create', {
      contact_id: contact,
      scheduled_start: new Date(new Date(closedAt).getTime() - 3 * 3_600_000).toISOString(),
      duration_minutes: 120,
      line_items: [{ description: 'Window cleaning', unit_price_cents: 18_000 }],
    })
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = $2 where id = $1`, [t.id, closedAt])
    return { contact, ticket: t.id }
  }

  beforeAll(async () => {
    clock.now = new Date('2026-11-24T21:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    await app.t.admin.query(`update tenants set timezone = 'Pacific/Auckland' where id = $1`, [app.tenant.tenant_id])
    await app.ownerAction('settings', 'update', {
      reminder_time: '10:00',
      review_link: 'https://g.page/r/sparkle-windows/review',
      review_after_days: 1,
      review_every_months: 6,
    })
  })
  afterAll(() => app.close())

  it("asks the day after a visit on Auckland's calendar, once per customer per period, never after a decline or complaint", async () => {
    // 09:30 on Wednesday 25 November in Auckland (still the 24th in UTC).
    const kiri = await visited('Kiri', '2026-11-24T20:30:00Z')
    const declined = await visited('Mere', '2026-11-24T20:30:00Z')
    const complained = await visited('Hemi', '2026-11-24T20:30:00Z')
    await made(app, 'contact', 'set_review_opt_out', { contact_id: declined.contact, reason: 'declined', note: 'said no thanks' })
    expect(await runJobsOnce(app.services)).toMatchObject({ follow_ups_queued: 2, failures: [] })
    // Hemi's request is queued for tomorrow; he then complains about streaks, and it is cancelled.
    const stopped = await made(app, 'contact', 'set_review_opt_out', {
      contact_id: complained.contact,
      reason: 'complained',
      note: 'streaks on the back windows',
    })
    expect(stopped).toMatchObject({ review_opt_out: 'complained', review_opt_out_note: 'streaks on the back windows' })
    expect(stopped.cancelled_message_ids).toHaveLength(1)

    clock.now = new Date('2026-11-25T21:00:00Z') // 10:00 Thursday 26 November in Auckland
    await runJobsOnce(app.services)
    const [asked] = await messagesOf(app, { contact_id: kiri.contact, kind: 'review_request' })
    expect(asked).toMatchObject({ status: 'sent', send_at: '2026-11-25T21:00:00.000Z', ticket_id: kiri.ticket })
    const email = emailsOf(app, asked.id)[0]
    expect(email.text).toContain('a short review helps us a lot: https://g.page/r/sparkle-windows/review')
    expect(email.text).toContain('your visit on Wednesday, November 25, 2026')
    expect(await messagesOf(app, { contact_id: declined.contact, kind: 'review_request' })).toEqual([])

    // Another visit within six months: no second request.
    await visited('Kiri', '2027-03-02T01:00:00Z', kiri.contact)
    clock.now = new Date('2027-03-02T21:00:00Z')
    expect((await runJobsOnce(app.services)).follow_ups_queued).toBe(0)
    // Past six months (Auckland's calendar, after its clocks went back): asked again, at 10:00 NZST.
    const later = await visited('Kiri', '2027-05-27T01:00:00Z', kiri.contact)
    clock.now = new Date('2027-05-27T22:00:00Z')
    await runJobsOnce(app.services)
    const again = (await messagesOf(app, { contact_id: kiri.contact, kind: 'review_request' })).find(
      (m: any) => m.ticket_id === later.ticket,
    )
    expect(again).toMatchObject({ status: 'sent', send_at: '2027-05-27T22:00:00.000Z' })
  })
})

/** A scheduled message as stored. */
async function byId(app: TestApp, id: string): Promise<any> {
  return asTenant(app, async (tx) => (await tx.query('select id, status, last_error from scheduled_messages where id = $1', [id])).rows[0])
}
