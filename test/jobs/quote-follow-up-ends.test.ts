import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../core/db/migrate.js'
import { idempotencyKeyOf } from '../../core/jobs/deliver.js'
import { deliverDue, runJobsOnce } from '../../core/jobs/worker.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { emptyDatabase } from '../helpers/empty-database.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'
import { made, signedIn } from '../helpers/fixtures.js'
import { fakeResendClient } from '../helpers/delivery-fixtures.js'

/** Tuesday 2026-10-27, 10:15 in Chicago; moved forward by the test. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }

describe.each(engines)('a quote\'s "expires, follow up" reminder is closed however the quote ends (%s)', (engine) => {
  let app: TestApp
  let fake: FakeResend
  let jane: string
  const cleanups: Array<() => Promise<void>> = []

  beforeAll(async () => {
    clock.now = new Date('2026-10-27T15:15:00Z')
    fake = await startFakeResend()
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    app.services.email = fakeResendClient(fake)
    jane = (await made(app, 'contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com' })).id
  })
  afterAll(async () => {
    await app?.close()
    await fake?.close()
    for (const cleanup of cleanups) await cleanup()
  })

  const reminderOf = async (quoteId: string) => {
    const q = expectData(await app.query({ type: 'quotes', id: quoteId }))
    return expectData(await app.query({ type: 'interactions', id: q.follow_up_interaction_id, include: 'audit_trail' }))
  }

  it("accepted by the customer's link or by the owner, declined by the agent, cancelled, or expired: the reminder is no longer due", async () => {
    const sent: Record<string, any> = {}
    for (const name of ['link', 'owner', 'agent', 'cancelled', 'expired']) {
      const quote = await made(app, 'quote', 'create', {
        contact_id: jane,
        valid_until: '2026-10-29',
        line_items: [{ description: `Windows (${name})`, unit_price_cents: 15_000 }],
      })
      sent[name] = await made(app, 'quote', 'send', { quote_id: quote.id }, 'she asked for a price')
    }
    clock.now = new Date('2026-10-27T15:20:00Z')
    await deliverDue(app.services)
    expect((await runJobsOnce(app.services)).quote_follow_ups).toBe(5)
    const due = async () =>
      expectData(await app.query({ type: 'interactions', follow_up: 'due', contact_id: jane })).items.map((i: any) => i.id)
    expect(await due()).toHaveLength(5)

    const email = fake.emails.find((e) => e.idempotencyKey === idempotencyKeyOf(sent.link.message.id))!
    const accept = String(email.text).match(/http:\/\/127\.0\.0\.1:\d+\/quote\/[\w-]{43}/)![0]
    expect(
      (await fetch(accept, { method: 'POST', body: new URLSearchParams({ answer: 'accept' }), redirect: 'manual' })).status,
    ).toBeLessThan(400)
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expectData(await owner.action('quote', 'record_answer', { quote_id: sent.owner.quote.id, answer: 'accept' }))
    expectData(
      await app.action(
        'quote',
        'record_answer',
        { quote_id: sent.agent.quote.id, answer: 'decline' },
        { reasoning: 'she said no by phone' },
      ),
    )
    expectData(await app.action('quote', 'cancel', { quote_id: sent.cancelled.quote.id }, { reasoning: 'priced wrongly' }))
    const ended = { link: 'was accepted', owner: 'was accepted', agent: 'was declined', cancelled: 'was cancelled' }
    for (const [name, words] of Object.entries(ended)) {
      const reminder = await reminderOf(sent[name].quote.id)
      expect(reminder.follow_up_done_at, name).toBe(clock.now.toISOString())
      expect(reminder.outcome).toBe(`Quote ${sent[name].quote.number} ${words}`)
      expect(reminder.audit_trail.at(-1)).toMatchObject({
        action: 'update',
        changes: { follow_up_done_at: { old: null, new: clock.now.toISOString() } },
      })
    }
    expect(await due()).toEqual([(await reminderOf(sent.expired.quote.id)).id])

    clock.now = new Date('2026-10-30T14:00:00Z')
    expect((await runJobsOnce(app.services)).quotes_expired).toBe(1)
    const lapsed = await reminderOf(sent.expired.quote.id)
    expect([lapsed.follow_up_done_at, lapsed.outcome]).toEqual([clock.now.toISOString(), `Quote ${sent.expired.quote.number} expired`])
    expect(lapsed.audit_trail.at(-1).actor_type).toBe('system')
    expect(await due()).toEqual([])
  })

  it("migration 0080 closes the reminders of quotes that ended before, at the moment each ended, and leaves a sent quote's due", async () => {
    const { db, admin, dispose } = await emptyDatabase(engine)
    cleanups.push(dispose)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 80),
    )
    const one = async (sql: string, args: unknown[]) => (await admin.query<{ id: string }>(sql, args)).rows[0].id
    const tenant = await one(`insert into tenants (name) values ('Old Quotes Windows') returning id`, [])
    const contact = await one(`insert into contacts (tenant_id, display_name) values ($1, 'Kim Old') returning id`, [tenant])
    const reminder = (n: number) =>
      one(
        `insert into interactions (tenant_id, contact_id, kind, occurred_at, subject, summary, follow_up_on, author_type)
      values ($1, $2, 'note', '2026-10-01T15:00:00Z', 'Quote expires', 'Follow up', '2026-10-01', 'system') returning id`,
        [tenant, contact],
      ).then((id) => ({ id, n }))
    const quote = async (n: number, status: string, reminderId: string, at: string | null) =>
      one(
        `insert into quotes (tenant_id, number, contact_id,
        status, currency, valid_until, sent_at, answered_at, follow_up_interaction_id)
      values ($1, $2, $3, $4, 'USD', '2026-10-03', '2026-09-20T15:00:00Z', $5, $6) returning id`,
        [tenant, `Q-${n}`, contact, status, at, reminderId],
      )
    const accepted = await reminder(1)
    await quote(1, 'accepted', accepted.id, '2026-10-02T16:00:00Z')
    const stillSent = await reminder(2)
    await quote(2, 'sent', stillSent.id, null)

    await migrate(db, files)
    const row = async (id: string) =>
      (
        await admin.query<{ follow_up_done_at: Date | null; outcome: string | null }>(
          'select follow_up_done_at, outcome from interactions where id = $1',
          [id],
        )
      ).rows[0]
    const closed = await row(accepted.id)
    expect([new Date(closed.follow_up_done_at!).toISOString(), closed.outcome]).toEqual([
      '2026-10-02T16:00:00.000Z',
      'Quote Q-1 was accepted',
    ])
    expect(await row(stillSent.id)).toEqual({ follow_up_done_at: null, outcome: null })
    const audit = await admin.query<{ entity_id: string; action: string; actor_type: string }>(
      'select entity_id, action, actor_type from audit_log where tenant_id = $1',
      [tenant],
    )
    expect(audit.rows).toEqual([{ entity_id: accepted.id, action: 'update', actor_type: 'system' }])
  })
})
