import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import * as authorizationActions from '../../../core/domains/approvals/actions.js'
import * as authorizationQueries from '../../../core/domains/approvals/queries.js'
import type { Principal } from '../../../core/kernel/context.js'
import { AppError } from '../../../core/kernel/errors.js'
import * as contactActions from '../../../core/domains/contacts/actions.js'
import * as contactQueries from '../../../core/domains/contacts/queries.js'
import { performAction, performQuery } from '../../../core/kernel/operations.js'
import { createRegistry, defineAction } from '../../../core/kernel/registry.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'

const addContact = (name: string) => async (ctx: any) => {
  const r = await ctx.db.query(`insert into contacts (tenant_id, display_name) values ($1, $2) returning id`, [ctx.tenantId, name])
  await ctx.audit({ entityType: 'contact', entityId: r.rows[0].id, action: 'create', after: { display_name: name } })
  return { id: r.rows[0].id, name }
}
const added = z.object({ id: z.uuid(), name: z.string() })
const testModule = {
  risky: defineAction({
    key: 'test.risky',
    description: 'A risky test action.',
    access: { agent: 'requires_authorization', technician: 'none' },
    input: z.strictObject({ name: z.string() }),
    output: added,
    run: (ctx, input) => addContact(input.name)(ctx),
  }),
  gentle: defineAction({
    key: 'test.gentle',
    description: 'A soft limit test action.',
    access: { agent: 'soft_limit', technician: 'none' },
    input: z.strictObject({ name: z.string() }),
    output: added,
    run: (ctx, input) => addContact(input.name)(ctx),
  }),
  bulk: defineAction({
    key: 'test.bulk',
    description: 'A bulk test action.',
    access: { agent: 'unrestricted', technician: 'none', bulk: (input) => input.names.length },
    input: z.strictObject({ names: z.array(z.string()) }),
    output: z.object({ created: z.number().int() }),
    async run(ctx, input) {
      for (const n of input.names) await addContact(n)(ctx)
      return { created: input.names.length }
    },
  }),
  unique: defineAction({
    key: 'test.unique',
    description: 'Adds a contact whose name is new, then emails about it.',
    access: { agent: 'requires_authorization', technician: 'none' },
    input: z.strictObject({ name: z.string() }),
    output: added,
    async run(ctx, input) {
      const taken = await ctx.db.query('select 1 from contacts where display_name = $1', [input.name])
      if (taken.rows.length) throw new AppError('CONFLICT', `${input.name} already exists`, { field: 'data.name' })
      const made = await addContact(input.name)(ctx)
      ctx.afterCommit(async () => {
        await ctx.services.email.send({ to: 'team@sparkle.test', subject: `Welcome ${input.name}`, text: 'hi', tenantId: ctx.tenantId })
      })
      return made
    },
  }),
}

describe.each(engines)('Model Authorization Queue (%s)', (engine) => {
  let app: TestApp
  let owner: Principal
  const decide = (request_id: string, decision: string, note?: string) =>
    performAction(
      app.services,
      owner,
      { domain: 'authorization', action: 'decide', data: { request_id, decision, note } },
      { requestId: 'owner-test' },
    )
  const countNamed = async (name: string) =>
    (await app.query({ type: 'contacts', q: name, limit: 100 })).body.data.items.filter((c: any) => c.display_name === name).length

  const addContactAsOwner = (display_name: string) =>
    performAction(app.services, owner, { domain: 'contact', action: 'create', data: { display_name } }, { requestId: 'owner-adds' })

  beforeAll(async () => {
    const registry = createRegistry([contactActions, contactQueries, authorizationActions, authorizationQueries, testModule])
    app = await startTestApp(engine, { registry })
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
  })
  afterAll(() => app.close())

  it('refuses a soft_limit call without reasoning and audits the reasoning when given', async () => {
    const refused = await app.action('test', 'gentle', { name: 'Soft One' })
    expect(refused.status).toBe(422)
    expect(refused.body.error.code).toBe('REASONING_REQUIRED')
    expect(await countNamed('Soft One')).toBe(0)
    const ran = await app.action('test', 'gentle', { name: 'Soft One' }, { reasoning: 'customer asked on the phone' })
    expect(ran.status).toBe(200)
    const trail = await app.query({ type: 'contacts', id: ran.body.data.id, include: 'audit_trail' })
    expect(trail.body.data.audit_trail[0].reasoning).toBe('customer asked on the phone')
  })

  it('queues a requires_authorization call, emails the owner, and runs it once on Allow Once', async () => {
    const queued = await app.action('test', 'risky', { name: 'Risky Once' }, { reasoning: 'cleanup' })
    expect(queued.status).toBe(202)
    expect(queued.body.data).toMatchObject({ status: 'pending_authorization' })
    expect(await countNamed('Risky Once')).toBe(0)
    expect(app.email.sent.some((m) => m.to === 'owner@sparkle.test' && m.text.includes('/review'))).toBe(true)
    const requestId = queued.body.data.request_id
    const decided = await decide(requestId, 'allow_once')
    expect(decided.result).toMatchObject({ status: 'executed', result: { name: 'Risky Once' } })
    expect(await countNamed('Risky Once')).toBe(1)
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const status = toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: { request_id: requestId, full: true } }))
    expect(status.json).toMatchObject({ status: 'executed', decision: 'allow_once', result: { name: 'Risky Once' } })
    await client.close()
    const again = await app.action('test', 'risky', { name: 'Risky Once' }, { reasoning: 'again' })
    expect(again.status).toBe(202)
    const created = (await performQuery(
      app.services,
      owner,
      { type: 'contacts', id: (decided.result as any).result.id, include: ['audit_trail'] },
      { requestId: 'x' },
    )) as any
    expect(created.audit_trail[0]).toMatchObject({ actor_type: 'agent', reasoning: 'cleanup' })
  })

  it('Allow Always runs the call and lets the next one run directly', async () => {
    const queued = await app.action('test', 'risky', { name: 'Always A' }, { reasoning: 'first' })
    await decide(queued.body.data.request_id, 'allow_always')
    const direct = await app.action('test', 'risky', { name: 'Always B' }, { reasoning: 'second' })
    expect(direct.status).toBe(200)
    expect(await countNamed('Always A')).toBe(1)
    expect(await countNamed('Always B')).toBe(1)
    const perms = await app.query({ type: 'permissions' })
    expect(perms.body.data.items.find((p: any) => p.action === 'test.risky')).toMatchObject({
      registered: 'requires_authorization',
      effective: 'unrestricted',
    })
    await performAction(
      app.services,
      owner,
      { domain: 'permission', action: 'set', data: { action: 'test.risky', permission: 'default' } },
      { requestId: 'x' },
    )
    expect((await app.action('test', 'risky', { name: 'Always C' }, { reasoning: 'third' })).status).toBe(202)
  })

  it('Deny stores the note the agent reads, and nothing runs', async () => {
    const queued = await app.action('test', 'risky', { name: 'Denied One' }, { reasoning: 'why not' })
    await decide(queued.body.data.request_id, 'deny', 'Never delete customers in spring.')
    const status = await app.query({ type: 'authorization_requests', id: queued.body.data.request_id })
    expect(status.body.data).toMatchObject({ status: 'denied', decision_note: 'Never delete customers in spring.' })
    expect(await countNamed('Denied One')).toBe(0)
  })

  it('a request is decided once even when two decisions arrive together', async () => {
    const queued = await app.action('test', 'risky', { name: 'Raced' }, { reasoning: 'race' })
    const id = queued.body.data.request_id
    const results = await Promise.allSettled([decide(id, 'allow_once'), decide(id, 'allow_once'), decide(id, 'deny', 'no')])
    const won = results.filter((r) => r.status === 'fulfilled')
    expect(won).toHaveLength(1)
    for (const r of results.filter((x) => x.status === 'rejected')) expect((r as PromiseRejectedResult).reason.code).toBe('CONFLICT')
    expect(await countNamed('Raced')).toBeLessThanOrEqual(1)
    const final = await app.query({ type: 'authorization_requests', id })
    expect(await countNamed('Raced')).toBe(final.body.data.status === 'executed' ? 1 : 0)
  })

  it('an expired request reads as expired and cannot be decided', async () => {
    const queued = await app.action('test', 'risky', { name: 'Too Late' }, { reasoning: 'slow owner' })
    const id = queued.body.data.request_id
    await app.t.admin.query(`update authorization_requests set expires_at = now() - interval '1 minute' where id = $1`, [id])
    expect((await app.query({ type: 'authorization_requests', id })).body.data.status).toBe('expired')
    await expect(decide(id, 'allow_once')).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(await countNamed('Too Late')).toBe(0)
  })

  it('more than five targets in one call needs authorization', async () => {
    const five = await app.action('test', 'bulk', { names: ['b1', 'b2', 'b3', 'b4', 'b5'] })
    expect(five.status).toBe(200)
    const six = await app.action('test', 'bulk', { names: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'] }, { reasoning: 'import' })
    expect(six.status).toBe(202)
    expect(await countNamed('c1')).toBe(0)
  })

  it('agents cannot decide requests or change permissions; a failing stored call is recorded as failed', async () => {
    const queued = await app.action('test', 'risky', { name: 'Self Approved' }, { reasoning: 'trust me' })
    const self = await app.action('authorization', 'decide', { request_id: queued.body.data.request_id, decision: 'allow_once' })
    expect(self.status).toBe(403)
    expect((await app.action('permission', 'set', { action: 'test.risky', permission: 'unrestricted' })).status).toBe(403)
    await app.t.admin.query(`update authorization_requests set data = '{"name": 42}' where id = $1`, [queued.body.data.request_id])
    const decided = await decide(queued.body.data.request_id, 'allow_once')
    expect(decided.result).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_ERROR' } })
  })

  it('checks the call against the current data before queueing: a call that fails now is refused now, and the check leaves nothing behind', async () => {
    const requestsBefore = (await app.query({ type: 'authorization_requests', limit: 100 })).body.data.items.length
    const queued = await app.action('test', 'unique', { name: 'Dry Run Dana' }, { reasoning: 'new customer' })
    expect(queued.status).toBe(202)
    // The check ran the call (a contact, its audit row, an email after commit) and undid all of it.
    expect(await countNamed('Dry Run Dana')).toBe(0)
    expect(app.email.sent.filter((m) => m.subject === 'Welcome Dry Run Dana')).toHaveLength(0)
    const audit = await app.t.admin.query(
      `select 1 from audit_log where tenant_id = $1 and entity_type = 'contact' and changes::text like '%Dry Run Dana%'`,
      [app.tenant.tenant_id],
    )
    expect(audit.rowCount).toBe(0)

    await addContactAsOwner('Taken Tom')
    const refused = await app.action('test', 'unique', { name: 'Taken Tom' }, { reasoning: 'new customer' })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('CONFLICT')
    expect(refused.body.error.message).toContain('Taken Tom already exists')
    expect((await app.query({ type: 'authorization_requests', limit: 100 })).body.data.items.length).toBe(requestsBefore + 1)

    const decided = await decide(queued.body.data.request_id, 'allow_once')
    expect(decided.result).toMatchObject({ status: 'executed' })
    expect(await countNamed('Dry Run Dana')).toBe(1)
    expect(app.email.sent.filter((m) => m.subject === 'Welcome Dry Run Dana')).toHaveLength(1)
  })
})
