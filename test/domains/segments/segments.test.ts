import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { performAction } from '../../../core/kernel/operations.js'
import { refreshRuleSegments } from '../../../core/jobs/segments.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, newService, signedIn, type SignedIn } from '../../helpers/fixtures.js'

describe.each(engines)('segments (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  const person = async (name: string, fields: Record<string, unknown> = {}) =>
    expectData(await app.action('contact', 'create', { display_name: name, first_name: name.split(' ')[0], ...fields })).id as string
  const names = async (segmentId: string) =>
    expectData(await app.query({ type: 'segment_members', segment_id: segmentId })).items.map((m: any) => m.display_name)
  const decide = (requestId: string) =>
    performAction(
      app.services,
      { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } },
      { domain: 'authorization', action: 'decide', data: { request_id: requestId, decision: 'allow_once' } },
      { requestId: `decide-${requestId}` },
    )

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    owner = await signedIn(app, app.tenant.owner_user_id)
  })
  afterAll(() => app.close())

  it('keeps a manual list: members added and removed, counted, listed by name in pages; more than five from an agent waits for the owner', async () => {
    const list = expectData(await app.action('segment', 'create', { name: 'Porch talk', kind: 'manual', description: 'Met at the fair' }))
    expect(list).toMatchObject({ name: 'Porch talk', kind: 'manual', rule: null, member_count: 0 })
    const [ann, bob, cy] = [await person('Ann Able'), await person('Bob Baker'), await person('Cy Cole')]
    const added = expectData(await app.action('segment', 'add_members', { segment_id: list.id, contact_ids: [cy, ann, ann] }))
    expect(added).toMatchObject({ member_count: 2, changed: 2 })
    expect(expectData(await app.action('segment', 'add_members', { segment_id: list.id, contact_ids: [ann, bob] }))).toMatchObject({
      member_count: 3,
      changed: 1,
    })
    expect(await names(list.id)).toEqual(['Ann Able', 'Bob Baker', 'Cy Cole'])
    const first = expectData(await app.query({ type: 'segment_members', segment_id: list.id, limit: 2 }))
    const second = expectData(await app.query({ type: 'segment_members', segment_id: list.id, limit: 2, cursor: first.next_cursor }))
    expect([...first.items, ...second.items].map((m: any) => m.id)).toEqual([ann, bob, cy])
    expect(expectData(await app.action('segment', 'remove_members', { segment_id: list.id, contact_ids: [bob] }))).toMatchObject({
      member_count: 2,
    })
    expect(await names(list.id)).toEqual(['Ann Able', 'Cy Cole'])
    expect(await auditTrailActions(app, 'segments', list.id)).toEqual(['create', 'add_members', 'add_members', 'remove_members'])
    const many = await Promise.all(['D', 'E', 'F', 'G', 'H', 'I'].map((l) => person(`${l} Many`)))
    const queued = await app.action(
      'segment',
      'add_members',
      { segment_id: list.id, contact_ids: many },
      { reasoning: 'met them at the fair' },
    )
    expect(queued.status).toBe(202)
    expect(await names(list.id)).toHaveLength(2)
    await decide(queued.body.data.request_id)
    expect(await names(list.id)).toHaveLength(8)
    const listed = expectData(await owner.query({ type: 'segments' })).items
    expect(listed.find((s: any) => s.id === list.id)).toMatchObject({ member_count: 8 })
  })

  it('refuses what cannot be a segment, naming the field, and writes nothing', async () => {
    const before = await countRows(app, 'segments')
    expectFields(await app.action('segment', 'create', { name: 'No rule', kind: 'rule' }), ['data.rule'])
    expectFields(await app.action('segment', 'create', { name: 'Empty rule', kind: 'rule', rule: {} }), ['data.rule'])
    expectFields(await app.action('segment', 'create', { name: 'Bad date', kind: 'rule', rule: { last_visit_before: '2026-02-30' } }), [
      'data.rule.last_visit_before',
    ])
    expectFields(
      await app.action('segment', 'create', {
        name: 'Never',
        kind: 'rule',
        rule: { last_visit_after: '2026-05-01', last_visit_before: '2026-04-01' },
      }),
      ['data.rule.last_visit_after'],
    )
    expectFields(
      await app.action('segment', 'create', {
        name: 'Ghost',
        kind: 'rule',
        rule: { had_service: { service_id: '00000000-0000-4000-8000-000000000001' } },
      }),
      ['data.rule.had_service.service_id'],
    )
    expectFields(await app.action('segment', 'create', { name: 'Odd', kind: 'rule', rule: { lifecycle: ['royalty'] } }), [
      'data.rule.lifecycle.0',
    ])
    expectFields(await app.action('segment', 'create', { name: 'Typo', kind: 'rule', rule: { town: 'Huntsville' } }), ['data.rule'])
    expectFields(await app.action('segment', 'create', { name: 'Mixed', kind: 'manual', rule: { city: 'Huntsville' } }), ['data.rule'])
    expect(await countRows(app, 'segments')).toBe(before)
    expectData(await app.action('segment', 'create', { name: 'Twice', kind: 'manual' }))
    expectError(await app.action('segment', 'create', { name: 'twice ', kind: 'manual' }), 409, 'CONFLICT')
  })

  it('keeps a rule segment to its rule: town, tags, service history, spend and lifecycle; recomputed when refreshed, with when', async () => {
    const screens = await newService(app, { name: 'Screen repair', pricing: 'fixed', price_cents: 9000 })
    const dee = await person('Dee Dunn', { tags: ['vip'] })
    const eve = await person('Eve East', { tags: ['vip'] })
    const fay = await person('Fay Far', { tags: ['vip'] })
    for (const [id, city] of [
      [dee, 'Huntsville'],
      [eve, 'huntsville'],
      [fay, 'Madison'],
    ]) {
      expectData(await app.action('address', 'add', { contact_id: id, line1: '1 Elm St', city, state: 'AL', postal_code: '35801' }))
    }
    const rule = { city: 'Huntsville', tags: ['vip'] }
    const local = expectData(await app.action('segment', 'create', { name: 'Huntsville VIPs', kind: 'rule', rule }))
    expect(local).toMatchObject({ kind: 'rule', rule, member_count: 2 })
    expect(local.computed_at).not.toBeNull()
    expect(await names(local.id)).toEqual(['Dee Dunn', 'Eve East'])
    const noScreens = expectData(
      await app.action('segment', 'create', {
        name: 'Never had screens',
        kind: 'rule',
        rule: { tags: ['vip'], lacks_service: { service_id: screens.id } },
      }),
    )
    expect(noScreens.member_count).toBe(3)
    // Dee has her screens done and pays: she leaves one segment and spends her way into another.
    const start = new Date(Date.now() - 3 * 86_400_000).toISOString()
    const ticket = expectData(
      await app.action('ticket', 'create', {
        contact_id: dee,
        scheduled_start: start,
        duration_minutes: 60,
        line_items: [{ service_id: screens.id }],
      }),
    )
    expectData(
      await owner.action('ticket', 'close', {
        ticket_id: ticket.id,
        duration_minutes: 60,
        line_items: [{ line_item_id: ticket.line_items[0].id }],
        notes: 'Done',
        next_service: { kind: 'none' },
      }),
    )
    const invoice = expectData(await app.action('invoice', 'create', { contact_id: dee, line_items: [{ service_id: screens.id }] }))
    await app.action('invoice', 'mark_sent', { invoice_id: invoice.id })
    expectData(
      await app.action(
        'invoice',
        'record_payment',
        { invoice_id: invoice.id, amount_cents: 9000, method: 'cash' },
        { reasoning: 'The customer paid' },
      ),
    )
    const spenders = expectData(
      await app.action('segment', 'create', {
        name: 'Spent over $50',
        kind: 'rule',
        rule: { spend_over_cents: 5000, had_service: { service_id: screens.id }, lifecycle: ['customer'] },
      }),
    )
    expect(spenders.member_count).toBe(1)
    expect(await names(spenders.id)).toEqual(['Dee Dunn'])
    const stale = expectData(await app.query({ type: 'segments', id: noScreens.id }))
    expect(stale.member_count).toBe(3)
    const fresh = expectData(await app.action('segment', 'refresh', { segment_id: noScreens.id }))
    expect(fresh.member_count).toBe(2)
    expect(new Date(fresh.computed_at).getTime()).toBeGreaterThan(new Date(stale.computed_at).getTime())
    expect(await names(noScreens.id)).toEqual(['Eve East', 'Fay Far'])
    const moved = expectData(await app.action('segment', 'update', { segment_id: local.id, rule: { city: 'Madison' } }))
    expect(moved).toMatchObject({ member_count: 1, rule: { city: 'Madison' } })
    expectFields(await app.action('segment', 'add_members', { segment_id: local.id, contact_ids: [dee] }), ['data.segment_id'])
  })

  it("holds the customers with the business's own field values a rule names, and refuses a field or value the business does not have", async () => {
    expectData(
      await owner.action('custom_field', 'define', {
        applies_to: 'contact',
        key: 'building',
        label: 'Building',
        field_type: 'choice',
        options: ['House', 'Condo'],
      }),
    )
    expectData(
      await owner.action('custom_field', 'define', { applies_to: 'contact', key: 'floors', label: 'Floors', field_type: 'number' }),
    )
    await person('Cora Condo', { custom_fields: { building: 'Condo', floors: 3 } })
    await person('Hal House', { custom_fields: { building: 'House', floors: 3 } })
    await person('Cody Condo', { custom_fields: { building: 'Condo', floors: 1 } })
    const tall = expectData(
      await app.action('segment', 'create', {
        name: 'Tall condos',
        kind: 'rule',
        rule: { custom_fields: { building: 'Condo', floors: 3 } },
      }),
    )
    expect(tall.member_count).toBe(1)
    expect(await names(tall.id)).toEqual(['Cora Condo'])
    expectFields(await app.action('segment', 'create', { name: 'Barns', kind: 'rule', rule: { custom_fields: { building: 'Barn' } } }), [
      'data.rule.custom_fields.building',
    ])
    expectFields(
      await app.action('segment', 'create', { name: 'Pools', kind: 'rule', rule: { custom_fields: { pool: true, floors: 'three' } } }),
      ['data.rule.custom_fields.pool', 'data.rule.custom_fields.floors'],
    )
  })

  it("is recomputed by the worker's pass, so a rule segment follows changes made anywhere", async () => {
    const route = expectData(await app.action('segment', 'create', { name: 'Route B', kind: 'rule', rule: { tags: ['route-b'] } }))
    expect(route.member_count).toBe(0)
    const kim = await person('Kim Kay')
    expectData(await app.action('contact', 'tag', { contact_ids: [kim], tags_add: ['route-b'] }))
    expect(expectData(await app.query({ type: 'segments', id: route.id })).member_count).toBe(0)
    const pass = await refreshRuleSegments(app.services)
    expect(pass.failures).toEqual([])
    const after = expectData(await app.query({ type: 'segments', id: route.id, include: 'audit_trail' }))
    expect(after.member_count).toBe(1)
    expect(after.audit_trail.map((a: any) => `${a.action} ${a.actor_type}`)).toEqual(['create agent', 'refresh system'])
    expect(await names(route.id)).toEqual(['Kim Kay'])
  })

  it('sends one personalised email per reachable member after the owner allows it, skipping and counting the rest, never twice', async () => {
    const list = expectData(await app.action('segment', 'create', { name: 'Spring newsletter', kind: 'manual' }))
    const gil = await person('Gil Green', { email: 'gil@example.com' })
    const hal = await person('Hal Hill', { email: 'hal@example.com' })
    const ida = await person('Ida Ink')
    const jon = await person('Jon Junk', { email: 'jon@example.com' })
    await app.t.admin.query(`update contacts set email_status = 'complained' where id = $1`, [jon])
    expectData(
      await app.action(
        'segment',
        'add_members',
        { segment_id: list.id, contact_ids: [gil, hal, ida, jon] },
        { reasoning: 'newsletter list' },
      ),
    )
    const ask = { segment_id: list.id, subject: 'Spring is here, {{customer_first_name}}', body: 'Book your spring clean this month.' }
    const withoutReason = await app.action('segment', 'send_message', ask)
    expectError(withoutReason, 422, 'REASONING_REQUIRED')
    const queued = await app.action('segment', 'send_message', ask, { reasoning: 'spring campaign' })
    expect(queued.status).toBe(202)
    expect(await countRows(app, 'scheduled_messages')).toBe(0)
    const request = expectData(await owner.query({ type: 'authorization_requests', id: queued.body.data.request_id }))
    expect(request.summary).toContain('segment "Spring newsletter"')
    expect(request.summary).toContain('Email 2 of the 4 members')
    expect(request.preview.warnings.join(' ')).toMatch(/1 without an email address.*1 whose email bounced or who complained/)
    await decide(queued.body.data.request_id)
    await expect(decide(queued.body.data.request_id)).rejects.toMatchObject({ code: 'CONFLICT' })
    const done = expectData(await owner.query({ type: 'authorization_requests', id: queued.body.data.request_id }))
    expect(done.result).toMatchObject({
      segment_name: 'Spring newsletter',
      member_count: 4,
      scheduled_count: 2,
      skipped_no_email: 1,
      skipped_opted_out: 1,
      repeated: false,
    })
    const again = expectData(await owner.action('segment', 'send_message', ask))
    expect(again).toMatchObject({ id: done.result.id, scheduled_count: 2, repeated: true })
    expect(await countRows(app, 'scheduled_messages')).toBe(2)
    const emails = app.services.email as unknown as { sent: Array<{ to: string | string[]; subject: string }> }
    await deliverDue(app.services)
    const spring = emails.sent.filter((e) => e.subject.startsWith('Spring is here'))
    expect(spring.map((e) => `${[e.to].flat()[0]} ${e.subject}`).sort()).toEqual([
      'gil@example.com Spring is here, Gil',
      'hal@example.com Spring is here, Hal',
    ])
    expect(await auditTrailActions(app, 'segments', list.id)).toEqual(['create', 'add_members'])
  })

  it('is office work: a technician can neither read nor change segments', async () => {
    const r = await app.t.admin.query<{ id: string }>(
      `insert into users (tenant_id, email, name, role) values ($1, 'tia@sparkle.test', 'Tia', 'technician') returning id`,
      [app.tenant.tenant_id],
    )
    const tech = await signedIn(app, r.rows[0].id)
    expectError(await tech.action('segment', 'create', { name: 'Mine', kind: 'manual' }), 403, 'FORBIDDEN')
    expect((await tech.query({ type: 'segments' })).status).toBe(403)
  })
})
