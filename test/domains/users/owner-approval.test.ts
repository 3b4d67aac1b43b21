import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { formHtml, pageClient, reviewCardOf, type PageClient } from '../../helpers/technician-fixture.js'
import { countAsTenant, newContact, ticket } from '../../helpers/fixtures.js'

const why = 'A new technician starts tomorrow; the customer email asked for it'

describe.each(engines)('adding a person to the business waits for the owner when an agent asks (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let mcp: Client
  const tool = async (name: string, args: Record<string, unknown>) => toolJson(await mcp.callTool({ name, arguments: args }))
  const userWith = async (email: string) =>
    (await app.t.admin.query('select id, role from users where tenant_id = $1 and email = $2', [app.tenant.tenant_id, email])).rows

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await pageClient(app, 'owner@sparkle.test')
    mcp = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await mcp?.close()
    await app?.close()
  })

  it('the agent cannot walk around its own queued close-out: the "technician" it adds waits for the owner, who sees who it is', async () => {
    const jane = await newContact(app, { display_name: 'Jane Gate' })
    const job = await ticket(app, jane, [{ description: 'Windows', unit_price_cents: 9000 }])
    const close = await app.action(
      'ticket',
      'close',
      {
        ticket_id: job.id,
        duration_minutes: 30,
        line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
        notes: '',
        next_service: { kind: 'none' },
      },
      { reasoning: 'The job is done' },
    )
    expect(close.status).toBe(202)

    const users = await countAsTenant(app, 'users')
    const asked = await app.action('user', 'add', { email: 'inbox@agent-reads.test', name: 'Mallory Helper' }, { reasoning: why })
    const requestId = expectData(asked, 202).request_id
    expect(await countAsTenant(app, 'users')).toBe(users)
    expect(await userWith('inbox@agent-reads.test')).toEqual([])

    const page = await owner.get('/review')
    const card = reviewCardOf(page.html, requestId)
    expect(card).toContain('Add Mallory Helper (inbox@agent-reads.test) to the team as a technician')
    expect(card).toContain('Whoever reads inbox@agent-reads.test can sign in')
    expect(formHtml(page.html, `/review/${requestId}`)).not.toContain('value="allow_always"')
    const allowed = await owner.submit(page.html, `/review/${requestId}`, [['decision', 'allow_once']])
    expect(allowed.location).toBe('/review?done=executed')
    expect(await userWith('inbox@agent-reads.test')).toMatchObject([{ role: 'technician' }])
  })

  it('without reasoning nothing is queued; asking for an owner is refused outright', async () => {
    const users = await countAsTenant(app, 'users')
    expectError(await app.action('user', 'add', { email: 'quiet@agent-reads.test', name: 'Quiet' }), 422, 'REASONING_REQUIRED')
    expectError(
      await app.action('user', 'add', { email: 'boss@agent-reads.test', name: 'Boss', role: 'owner' }, { reasoning: why }),
      403,
      'FORBIDDEN',
    )
    expect(await countAsTenant(app, 'users')).toBe(users)
  })

  it('through MCP: waits for the owner every time, whatever level or standing rule the owner sets, and Allow Always is refused', async () => {
    expect((await tool('crm_capabilities', { action: 'user.add' })).json).toMatchObject({
      permission: 'requires_authorization',
      hints: expect.arrayContaining(['approval', 'approval:email']),
      owner_approves: expect.stringMatching(/adds a person who can sign in/),
    })
    const first = (
      await tool('crm_action', { domain: 'user', action: 'add', data: { email: 'sam@agent-reads.test', name: 'Sam' }, reasoning: why })
    ).json
    expect(first).toMatchObject({ status: 'pending_authorization' })
    const always = await owner.submit((await owner.get('/review')).html, `/review/${first.request_id}`, [
      ['decision', 'allow_always'],
      ['confirm', 'yes'],
    ])
    expect(always.status).toBe(400)
    expect(always.html).toContain('allow_always cannot apply')
    expect((await tool('crm_authorization_status', { request_id: first.request_id })).json).toMatchObject({ status: 'pending' })

    await app.ownerAction('permission', 'set', { action: 'user.add', permission: 'unrestricted' })
    await app.ownerAction('standing_rule', 'create', { action: 'user.add' })
    const second = (
      await tool('crm_action', { domain: 'user', action: 'add', data: { email: 'kim@agent-reads.test', name: 'Kim' }, reasoning: why })
    ).json
    expect(second).toMatchObject({ status: 'pending_authorization' })
    expect(await userWith('sam@agent-reads.test')).toEqual([])
    expect(await userWith('kim@agent-reads.test')).toEqual([])

    expect(await app.ownerAction('authorization', 'decide', { request_id: first.request_id, decision: 'allow_once' })).toMatchObject({
      status: 'executed',
    })
    expect((await tool('crm_authorization_status', { request_id: first.request_id, full: true })).json).toMatchObject({
      status: 'executed',
      result: { email: 'sam@agent-reads.test', role: 'technician' },
    })
    expect(await userWith('sam@agent-reads.test')).toHaveLength(1)
  })
})
