import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReachOutRules } from '../../../core/domains/reach-outs/job.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { asTenant, countRows, insertService, insertTicket, made, validationFieldsOf } from '../../helpers/fixtures.js'

describe.each(engines)('reach-outs that trigger themselves (%s)', (engine) => {
  let app: TestApp
  // 11:00 in Chicago on Sunday, June 15, 2031: after the 9:00 run time.
  let clock = new Date('2031-06-15T16:00:00Z')
  const people: Record<string, string> = {}
  let gutters: string
  let ruleId: string

  /** A customer with an email (unless told not to) and a completed visit on each day given. */
  async function customer(name: string, visits: string[], opts: { email?: boolean; serviceId?: string } = {}) {
    const c = await made(app, 'contact', 'create', {
      display_name: `${name} Reach`,
      ...(opts.email === false ? {} : { email: `${name.toLowerCase()}@reach.test` }),
    })
    for (const day of visits) await insertTicket(app, c.id, { start: `${day}T15:00:00Z`, completed: true, serviceId: opts.serviceId })
    people[name] = c.id
    return c.id
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock })
    gutters = await insertService(app, 'Gutter cleaning')
    await customer('Ann', ['2030-10-01'])
    await customer('Ben', ['2031-03-01'])
    await customer('Cat', ['2030-09-01'])
    await insertTicket(app, people.Cat, { start: '2031-07-01T15:00:00Z' })
    await customer('Dan', ['2030-08-01'], { email: false })
    await customer('Eve', ['2030-07-01'])
    await customer('Fay', ['2030-11-01'])
    await insertTicket(app, people.Fay, { start: '2030-05-10T15:00:00Z', completed: true, serviceId: gutters })
  })
  afterAll(() => app.close())

  it('refuses a rule its trigger cannot read, field by field', async () => {
    const res = await app.action('reach_out_rule', 'create', { name: 'No months', trigger: 'no_visit', drop_percent: 30 })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(validationFieldsOf(res).sort()).toEqual(['data.drop_percent', 'data.months'])
    const date = await app.action('reach_out_rule', 'create', { name: 'Bad day', trigger: 'season_end', season_end: '02-30' })
    expect(validationFieldsOf(date)).toEqual(['data.season_end'])
    const service = await app.action('reach_out_rule', 'create', {
      name: 'No service',
      trigger: 'service_due',
      months: 12,
      service_id: '00000000-0000-4000-8000-000000000009',
    })
    expect(validationFieldsOf(service)).toEqual(['data.service_id'])
    expect(await countRows(app, 'reach_out_rules')).toBe(0)
  })

  it('a new rule is off; its preview names who it would email today, why, and what they read', async () => {
    const rule = await made(app, 'reach_out_rule', 'create', { name: 'Six months', trigger: 'no_visit', months: 6 })
    ruleId = rule.id
    expect(rule).toMatchObject({ status: 'off', automatic: false, daily_cap: 20, when: 'no visit in 6 months', waiting_batch_id: null })
    const [p] = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: rule.id })).items
    // Longest waiting first; Ben was here three months ago, Cat is booked, Dan has no email.
    expect(p.recipients.map((r: any) => [r.name, r.why])).toEqual([
      ['Eve Reach', 'last visit July 1, 2030'],
      ['Ann Reach', 'last visit October 1, 2030'],
      ['Fay Reach', 'last visit November 1, 2030'],
    ])
    expect(p).toMatchObject({ count: 3, held_back: 0, fires_today: true })
    expect(p.skipped).toEqual({ no_email: 1, email_refused: 0, opted_out: 0, booked_ahead: 1, reached_lately: 0 })
    expect(p.message.to).toBe('Eve Reach <eve@reach.test>')
    expect(p.message.body).toContain('Hi Eve')
    expect(p.message.body).toContain('since our last visit on')
  })

  it('a customer who asked for no more is left out, and their queued reach-outs are cancelled', async () => {
    const queued = await app.ownerAction('message', 'schedule', {
      contact_id: people.Eve,
      kind: 'reach_out',
      send_at: '2031-09-01T15:00:00Z',
    })
    const out = await made(app, 'reach_out', 'opt_out', { contact_id: people.Eve, opted_out: true })
    expect(out.cancelled_message_ids).toEqual([queued.id])
    const [p] = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: ruleId })).items
    expect(p.skipped.opted_out).toBe(1)
    // Letting them come again is the owner's to answer, every time.
    const back = await app.action('reach_out', 'opt_out', { contact_id: people.Eve, opted_out: false }, { reasoning: 'she asked' })
    expect(back.body.data).toMatchObject({ status: 'pending_authorization' })
  })

  it("an agent's turn_on waits for the owner, whose card names who gets what", async () => {
    const asked = await app.action('reach_out_rule', 'turn_on', { reach_out_rule_id: ruleId }, { reasoning: 'win back lapsed customers' })
    const pending = asked.body.data
    expect(pending).toMatchObject({ status: 'pending_authorization' })
    const request = expectData(await app.query({ type: 'authorization_requests', id: pending.request_id }))
    expect(request.preview.summary).toBe(`Turn on the reach-out rule "Six months" (each day's batch waiting for you)`)
    expect(request.preview.warnings[0]).toBe(
      'Today it would email 2 customers: Ann Reach (last visit October 1, 2030); Fay Reach (last visit November 1, 2030)',
    )
    expect(request.preview.texts[0].after).toContain('Subject: Time for your next visit')
    const decided = await app.ownerAction('authorization', 'decide', { request_id: pending.request_id, decision: 'allow_once' })
    expect(decided.result).toMatchObject({ status: 'on', automatic: false })
  })

  it('the daily run gathers the due customers into a batch that waits for the owner, once a day', async () => {
    expect(await runReachOutRules(app.services)).toEqual({ gathered: 1, sent: 0, failures: [] })
    expect(await runReachOutRules(app.services)).toEqual({ gathered: 0, sent: 0, failures: [] })
    const [batch] = expectData(await app.query({ type: 'reach_out_batches', status: 'waiting' })).items
    expect(batch).toMatchObject({ rule_name: 'Six months', run_on: '2031-06-15', recipient_count: 2, held_back: 0 })
    expect(batch.recipients.map((r: any) => r.name)).toEqual(['Ann Reach', 'Fay Reach'])
    expect(await countRows(app, 'scheduled_messages', "kind = 'reach_out' and status = 'pending'")).toBe(0)
    const mcp = await connectMcp(app.url, app.tenant.agent_token)
    try {
      const briefing = toolJson(await mcp.callTool({ name: 'daily_briefing', arguments: {} })).json.briefing as string
      expect(briefing).toContain('Reach-outs waiting for the owner: "Six months" (2 customers, 2031-06-15)')
    } finally {
      await mcp.close()
    }
  })

  it("an agent's send waits for the owner, unless a standing rule allows that many", async () => {
    const [batch] = expectData(await app.query({ type: 'reach_out_batches', status: 'waiting' })).items
    const asked = await app.action('reach_out_batch', 'send', { batch_id: batch.id }, { reasoning: 'the owner said go' })
    expect(asked.body.data).toMatchObject({ status: 'pending_authorization' })
    await app.ownerAction('standing_rule', 'create', {
      action: 'reach_out_batch.send',
      conditions: [{ fact: 'recipient_count', op: 'at_most', value: 1 }],
    })
    expect((await app.action('reach_out_batch', 'send', { batch_id: batch.id }, { reasoning: 'again' })).body.data).toMatchObject({
      status: 'pending_authorization',
    })
    await app.ownerAction('standing_rule', 'create', {
      action: 'reach_out_batch.send',
      conditions: [{ fact: 'recipient_count', op: 'at_most', value: 25 }],
    })
    const sent = await made(app, 'reach_out_batch', 'send', { batch_id: batch.id }, 'within the daily cap')
    expect(sent).toEqual({ batch_id: batch.id, status: 'sent', sent: 2, left_out: 0 })
    const timeline = expectData(await app.query({ type: 'timeline', contact_id: people.Ann })).items
    expect(timeline.some((e: any) => e.kind === 'email')).toBe(true)
    expectError(await app.action('reach_out_batch', 'send', { batch_id: batch.id }, { reasoning: 'twice' }), 409, 'CONFLICT')
  })

  it('an automatic rule sends by itself the next day, at most its cap, and nobody twice within the period', async () => {
    await app.ownerAction('reach_out_rule', 'turn_off', { reach_out_rule_id: ruleId })
    await app.ownerAction('reach_out_rule', 'turn_on', { reach_out_rule_id: ruleId, automatic: true, daily_cap: 1 })
    await customer('Gus', ['2030-12-01'])
    await customer('Hal', ['2030-12-02'])
    clock = new Date('2031-06-16T08:00:00Z')
    expect(await runReachOutRules(app.services)).toMatchObject({ gathered: 0 })
    clock = new Date('2031-06-16T15:00:00Z')
    expect(await runReachOutRules(app.services)).toEqual({ gathered: 1, sent: 1, failures: [] })
    const [batch] = expectData(await app.query({ type: 'reach_out_batches', status: 'sent', limit: 1 })).items
    expect(batch).toMatchObject({ run_on: '2031-06-16', recipient_count: 1, held_back: 1, sent_count: 1 })
    expect(batch.recipients.map((r: any) => r.name)).toEqual(['Gus Reach'])
    expect(batch.recipients[0].message_id).toEqual(expect.any(String))
    const [p] = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: ruleId })).items
    expect(p.recipients.map((r: any) => r.name)).toEqual(['Hal Reach'])
    expect(p.skipped.reached_lately).toBe(3)
  })

  it('finds customers whose last visit of one service was long ago', async () => {
    const fields = {
      name: 'Gutters yearly',
      trigger: 'service_due',
      service_id: gutters,
      months: 12,
      subject: 'Gutters before the fall, {{customer_first_name}}?',
    }
    // An agent's words customers read wait for the owner; the owner's own go in at once.
    const asked = await app.action('reach_out_rule', 'create', fields, { reasoning: 'the gutter season' })
    expect(asked.body.data).toMatchObject({ status: 'pending_authorization' })
    const rule = await app.ownerAction('reach_out_rule', 'create', fields)
    expect(rule.when).toBe('last Gutter cleaning 12 months ago or more')
    const [p] = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: rule.id })).items
    expect(p.recipients).toEqual([])
    expect(p.skipped.reached_lately).toBe(1)
    expect(p.message).toBeNull()
  })

  it('a season-end rule fires on its date only, and its preview lists who it would reach then', async () => {
    const rule = await made(app, 'reach_out_rule', 'create', { name: 'Pollen over', trigger: 'season_end', season_end: '06-30' })
    const [p] = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: rule.id })).items
    expect(p.fires_today).toBe(false)
    // The customers of the last 12 months not reached within the period: Hal (December) and Ben (March).
    expect(p.recipients.map((r: any) => r.name)).toEqual(['Hal Reach', 'Ben Reach'])
    await app.ownerAction('reach_out_rule', 'turn_on', { reach_out_rule_id: rule.id })
    clock = new Date('2031-06-17T15:00:00Z')
    await runReachOutRules(app.services)
    expect(expectData(await app.query({ type: 'reach_out_batches', reach_out_rule_id: rule.id })).items).toEqual([])
    clock = new Date('2031-06-30T15:00:00Z')
    await runReachOutRules(app.services)
    expect(expectData(await app.query({ type: 'reach_out_batches', reach_out_rule_id: rule.id })).items).toHaveLength(1)
  })

  it('finds the customers of a neighborhood whose visits this month fell against the same month last year', async () => {
    const placed = async (name: string, latitude: number, days: string[]) => {
      const id = await customer(name, [])
      const address = await made(app, 'address', 'add', {
        contact_id: id,
        line1: `1 ${name} St`,
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
      })
      await app.ownerAction('address', 'pin', { address_id: address.id, latitude, longitude: -86.58 })
      for (const day of days) await insertTicket(app, id, { start: `${day}T15:00:00Z`, completed: true, addressId: address.id })
    }
    await placed('Ivy', 34.7, ['2030-06-05', '2030-06-12'])
    await placed('Jon', 34.7005, ['2030-06-20'])
    await placed('Kim', 34.9, ['2030-06-03', '2030-06-04', '2030-06-05', '2031-06-03', '2031-06-04', '2031-06-05'])
    const rule = await made(app, 'reach_out_rule', 'create', { name: 'Quiet streets', trigger: 'neighborhood_drop', drop_percent: 30 })
    const [p] = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: rule.id })).items
    expect(p.recipients.map((r: any) => [r.name, r.why])).toEqual([
      ['Ivy Reach', 'their neighborhood (around 35801) has 0 visits booked this month, against 3 a year ago'],
      ['Jon Reach', 'their neighborhood (around 35801) has 0 visits booked this month, against 3 a year ago'],
    ])
    // Kim's neighborhood booked as many as a year ago.
    expect(p.recipients.map((r: any) => r.name)).not.toContain('Kim Reach')
  })

  it("an agent's words naming another's account wait for the owner every time", async () => {
    const res = await app.action('reach_out_rule', 'create', {
      name: 'Pay here',
      trigger: 'no_visit',
      months: 3,
      body: 'New bank details: IBAN GB33 BUKB 2020 1555 5555 55',
    })
    expectError(res, 422, 'REASONING_REQUIRED')
    expect(res.body.error.message).toMatch(/an IBAN, "GB33 BUKB 2020 1555 5555 55"/)
  })

  it('a rule that is on is changed only after it is turned off', async () => {
    expectError(await app.action('reach_out_rule', 'update', { reach_out_rule_id: ruleId, months: 9 }), 409, 'CONFLICT')
    await made(app, 'reach_out_rule', 'turn_off', { reach_out_rule_id: ruleId })
    expect(await made(app, 'reach_out_rule', 'update', { reach_out_rule_id: ruleId, months: 9 })).toMatchObject({
      months: 9,
      when: 'no visit in 9 months',
    })
  })

  it('delivery cancels a reach-out to a customer who opted out since it was queued; an erased customer is never gathered', async () => {
    const queued = await app.ownerAction('message', 'schedule', { contact_id: people.Ben, kind: 'reach_out' })
    await asTenant(app, (tx) => tx.query('update contacts set reach_out_opt_out_at = now() where id = $1', [people.Ben]))
    await deliverDue(app.services, { retry: { maxAttempts: 1, backoffSeconds: [60] } })
    const message = expectData(await app.query({ type: 'scheduled_messages', id: queued.id }))
    expect(message).toMatchObject({ status: 'cancelled', last_error: 'Not sent: the customer asked for no more reach-outs' })
    const lia = await customer('Lia', ['2030-01-05'])
    const rule = await made(app, 'reach_out_rule', 'create', { name: 'Long gone', trigger: 'no_visit', months: 12 })
    const before = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: rule.id })).items[0]
    expect(before.recipients.map((r: any) => r.name)).toContain('Lia Reach')
    await app.ownerAction('contact', 'erase', { contact_id: lia })
    const after = expectData(await app.query({ type: 'reach_out_preview', reach_out_rule_id: rule.id })).items[0]
    expect(after.recipients.map((r: any) => r.contact_id)).not.toContain(lia)
  })
})
