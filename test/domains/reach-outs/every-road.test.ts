import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REACH_OUT_DAILY_CAP } from '../../../core/domains/messages/reach-out-limits.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { countRows, letters } from '../../helpers/fixtures.js'

// Every road to a reach-out email goes through the reach-out rules' gates: an agent's one, whatever action queues it,
// waits for the owner every time; the owner's period between two reach-outs to one customer and the day's cap hold at
// delivery for all of them.
describe.each(engines)('every road to a reach-out meets the same owner, period and cap (%s)', (engine) => {
  let app: TestApp
  // 11:00 in Chicago, Tuesday June 17, 2031.
  let clock = new Date('2031-06-17T16:00:00Z')
  const why = { reasoning: 'They have not booked in a while' }
  const customers: string[] = []

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock })
    for (let i = 0; i < REACH_OUT_DAILY_CAP + 5; i++) {
      customers.push((await app.ownerAction('contact', 'create', { display_name: `Reach ${letters(i)}`, email: `r${i}@road.test` })).id)
    }
  })
  afterAll(() => app.close())

  const pending = () => countRows(app, 'authorization_requests', "status = 'pending'")
  const reachOuts = () => countRows(app, 'scheduled_messages', "kind = 'reach_out'")

  it("an agent's reach-out, one at a time, waits for the owner every time, and no Allow Always lifts it", async () => {
    const before = await pending()
    for (const contact of customers.slice(0, 25)) {
      const res = await app.action('message', 'schedule', { contact_id: contact, kind: 'reach_out' })
      expectError(res, 422, 'REASONING_REQUIRED')
      expect(res.body.error.message).toMatch(/emails a reach-out, and only the owner's reach-out rules send those without asking/)
    }
    expect(await reachOuts()).toBe(0)
    const queued = expectData(await app.action('message', 'schedule', { contact_id: customers[0], kind: 'reach_out' }, why), 202)
    expect(await pending()).toBe(before + 1)
    await expect(app.ownerAction('authorization', 'decide', { request_id: queued.request_id, decision: 'allow_always' })).rejects.toThrow(
      /allow_always cannot apply/,
    )
    expect(await reachOuts()).toBe(0)
  })

  it('a segment sent as reach-outs waits for the owner every time too', async () => {
    const segment = await app.ownerAction('segment', 'create', { name: 'Lapsed road', kind: 'manual' })
    await app.ownerAction('segment', 'add_members', { segment_id: segment.id, contact_ids: customers.slice(0, 3) })
    const res = await app.action('segment', 'send_message', { segment_id: segment.id, kind: 'reach_out' }, why)
    expect(res.status).toBe(202)
    const request = expectData(await app.query({ type: 'authorization_requests', id: res.body.data.request_id }))
    expect(request.preview.asks_every_time.join(' ')).toMatch(/emails a reach-out/)
    expect(await reachOuts()).toBe(0)
  })

  it("at delivery a reach-out within the owner's period of another is dropped, and one-off reach-outs past the day's cap wait for tomorrow", async () => {
    // The owner queues them (people are not asked); delivery holds them to the same rules.
    for (const contact of customers) await app.ownerAction('message', 'schedule', { contact_id: contact, kind: 'reach_out' })
    await deliverDue(app.services)
    expect(app.email.sent.filter((m) => m.to.endsWith('@road.test'))).toHaveLength(REACH_OUT_DAILY_CAP)
    const waiting = expectData(await app.query({ type: 'scheduled_messages', status: 'pending', limit: 100 })).items
    expect(waiting).toHaveLength(5)
    for (const m of waiting) {
      expect(m.last_error).toBe(`Not sent yet: today's reach-outs reached the daily cap of ${REACH_OUT_DAILY_CAP}; it goes tomorrow`)
      expect(new Date(m.send_at).toISOString()).toBe('2031-06-18T05:00:00.000Z')
    }
    // A second one to a customer reached today, queued by the owner, is dropped at delivery.
    const again = await app.ownerAction('message', 'schedule', { contact_id: customers[0], kind: 'reach_out' })
    await deliverDue(app.services)
    const dropped = expectData(await app.query({ type: 'scheduled_messages', id: again.id }))
    expect(dropped.status).toBe('cancelled')
    expect(dropped.last_error).toBe(
      "Not sent: the customer had a reach-out on 2031-06-17, within the owner's period of 30 days between reach-outs",
    )
    // Tomorrow the held ones go.
    clock = new Date('2031-06-18T16:00:00Z')
    await deliverDue(app.services)
    expect(app.email.sent.filter((m) => m.to.endsWith('@road.test'))).toHaveLength(REACH_OUT_DAILY_CAP + 5)
  })
})
