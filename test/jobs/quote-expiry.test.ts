import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJobsOnce } from '../../core/jobs/worker.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { auditActions, made } from '../helpers/fixtures.js'

/** Tuesday 2026-10-27, 10:15 in Chicago; moved forward by the tests. */
const clock = { now: new Date('2026-10-27T15:15:00Z') }

describe.each(engines)('the worker follows up on sent quotes before they lapse and expires them after (%s)', (engine) => {
  let app: TestApp
  let jane: string
  const quotes: Record<string, string> = {}

  beforeAll(async () => {
    clock.now = new Date('2026-10-27T15:15:00Z')
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    jane = (await made(app, 'contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com' })).id
    const quote = async (validUntil: string, send: boolean) => {
      const q = await made(app, 'quote', 'create', {
        contact_id: jane,
        valid_until: validUntil,
        line_items: [{ description: 'Window cleaning', unit_price_cents: 15_000 }],
      })
      if (send) await made(app, 'quote', 'send', { quote_id: q.id }, 'she asked')
      return q.id as string
    }
    quotes.soon = await quote('2026-10-29', true)
    quotes.today = await quote('2026-10-27', true)
    quotes.later = await quote('2026-11-20', true)
    quotes.draft = await quote('2026-10-28', false)
  })
  afterAll(() => app.close())

  const read = async (id: string) => expectData(await app.query({ type: 'quotes', id }))

  it("two days before a sent quote lapses, puts a follow-up due today on the customer's history, once", async () => {
    const pass = await runJobsOnce(app.services)
    expect([pass.quote_follow_ups, pass.quotes_expired, pass.failures]).toEqual([2, 0, []])
    const due = expectData(await app.query({ type: 'interactions', follow_up: 'due', contact_id: jane })).items
    expect(due.map((i: any) => [i.kind, i.follow_up_on, i.author_type, i.subject]).sort()).toEqual(
      [
        ['note', '2026-10-27', 'system', `Quote ${(await read(quotes.soon)).number} expires 2026-10-29`],
        ['note', '2026-10-27', 'system', `Quote ${(await read(quotes.today)).number} expires 2026-10-27`],
      ].sort(),
    )
    expect((await read(quotes.soon)).follow_up_interaction_id).toBe(due.find((i: any) => i.subject.endsWith('2026-10-29')).id)
    expect((await read(quotes.later)).follow_up_interaction_id).toBeNull()
    expect((await read(quotes.draft)).follow_up_interaction_id).toBeNull()
    const again = await runJobsOnce(app.services)
    expect([again.quote_follow_ups, again.quotes_expired]).toEqual([0, 0])
    expect(expectData(await app.query({ type: 'interactions', contact_id: jane })).items).toHaveLength(2)
  })

  it('the day after valid_until marks a sent quote expired, cancels its queued email, and never touches it again', async () => {
    const fresh = await made(app, 'quote', 'create', {
      contact_id: jane,
      valid_until: '2026-10-27',
      line_items: [{ description: 'Gutters', unit_price_cents: 9_000 }],
    })
    const sent = await made(app, 'quote', 'send', { quote_id: fresh.id }, 'she asked')
    clock.now = new Date('2026-10-28T14:00:00Z')
    const pass = await runJobsOnce(app.services)
    expect([pass.quotes_expired, pass.failures]).toEqual([2, []])
    for (const id of [quotes.today, fresh.id])
      expect(await read(id)).toMatchObject({ status: 'expired', expired_at: clock.now.toISOString() })
    expect((await read(quotes.soon)).status).toBe('sent')
    expect((await read(quotes.draft)).status).toBe('draft')
    const message = expectData(await app.query({ type: 'scheduled_messages', id: sent.message.id }))
    expect([message.status, message.last_error]).toEqual(['cancelled', `Not sent: quote ${fresh.number} expired`])
    expect(await auditActions(app, 'quote', quotes.today)).toEqual(['create', 'send', 'follow_up', 'expire'])
    const again = await runJobsOnce(app.services)
    expect([again.quote_follow_ups, again.quotes_expired]).toEqual([0, 0])
    const refused = await app.action(
      'quote',
      'record_answer',
      { quote_id: quotes.today, answer: 'accept' },
      { reasoning: 'she called late' },
    )
    expect(refused.status).toBe(409)
  })
})
