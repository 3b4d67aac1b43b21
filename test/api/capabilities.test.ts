import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actionKey } from '../../core/kernel/registry.js'
import { createMcpServer } from '../../mcp/server.js'
import { signIn } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { toolJson } from '../helpers/mcp-client.js'
import { expectData } from '../helpers/envelope-assertions.js'

describe.each(engines)('capabilities as each caller sees them (%s)', (engine) => {
  let app: TestApp
  let client: Client
  beforeAll(async () => {
    app = await startTestApp(engine)
    const server = createMcpServer(app.services, { tenantId: app.tenant.tenant_id, actor: { type: 'agent', id: app.tenant.tenant_id } })
    const [a, b] = InMemoryTransport.createLinkedPair()
    await server.connect(b)
    client = new Client({ name: 'capabilities', version: '1' })
    await client.connect(a)
  })
  afterAll(async () => {
    await client.close()
    await app.close()
  })

  const keysOf = (caps: any) => Object.entries<any>(caps.domains).flatMap(([domain, d]) => d.actions.map((x: any) => `${domain}.${x.name}`))
  const peopleOnly = () =>
    [...app.services.registry.actions.values()].filter((d) => d.access.agent === 'never').map((d) => actionKey(d.domain, d.name))
  const peopleOnlyTypes = () => [...app.services.registry.queries.values()].filter((q) => q.access.agent === 'never').map((q) => q.type)

  it('GET /api/capabilities leaves out for an agent what only people may do, and lists all of it for the owner', async () => {
    expect(peopleOnly()).toEqual(expect.arrayContaining(['authorization.decide', 'permission.set', 'closeout.start']))
    const agent = expectData(await app.call('GET', '/api/capabilities'))
    const agentKeys = keysOf(agent)
    for (const key of peopleOnly()) expect(agentKeys, key).not.toContain(key)
    expect(agentKeys).toContain('contact.create')
    for (const type of peopleOnlyTypes()) expect(agent.data_types.map((t: any) => t.type)).not.toContain(type)
    const owner = expectData(await (await signIn(app, 'owner@sparkle.test')).call('GET', '/api/capabilities'))
    expect(keysOf(owner).sort()).toEqual([...app.services.registry.actions.keys()].sort())
    expect(owner.data_types).toHaveLength(app.services.registry.queries.size)
  })

  it('gives each action its hints: destructive, idempotent, reasoning, approval (or approval>5 for a list) and soft_limit', async () => {
    const agent = expectData(await app.call('GET', '/api/capabilities'))
    const hintsOf = (key: string) => {
      const [domain, name] = key.split('.')
      return agent.domains[domain].actions.find((a: any) => a.name === name).hints
    }
    expect(hintsOf('contact.create')).toEqual([])
    expect(hintsOf('contact.update')).toEqual(['idempotent'])
    expect(hintsOf('contact.delete')).toEqual(['destructive', 'reasoning', 'approval'])
    expect(hintsOf('contact.tag')).toEqual(['idempotent', 'approval>5'])
    expect(hintsOf('settings.update')).toEqual([
      'idempotent',
      'approval:name,reply_to_email,phone,website,payment_instructions,currency,default_tax_rate_bp,request_slug,review_link,approval_expiry_hours,backup_keep_daily,backup_keep_weekly,backup_keep_monthly',
    ])
    expect(agent.domains.settings.actions.find((a: any) => a.name === 'update').owner_approves).toMatch(
      /^an agent's call giving name, reply_to_email/,
    )
    expect(agent.conventions.hints).toMatch(/approval:a,b \(a call giving field a or b waits for the owner every time/)
    const soft = [...app.services.registry.actions.values()].find((d) => d.access.agent === 'soft_limit')
    if (soft) expect(hintsOf(actionKey(soft.domain, soft.name))).toEqual(expect.arrayContaining(['reasoning', 'soft_limit']))
    expect(agent.conventions.hints).toMatch(/approval>5/)
  })

  it('crm_capabilities lists hints on each line, leaves out people-only operations, and still describes one when asked by name', async () => {
    const listed = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: {} })).json
    const lines: string[] = listed.actions
    const line = (key: string) => lines.find((l) => l.startsWith(`${key} `))
    expect(line('contact.delete')).toMatch(/^contact\.delete \[destructive, reasoning, approval\] /)
    expect(line('contact.update')).toMatch(/^contact\.update \[idempotent\] /)
    expect(line('contact.create')).toMatch(/^contact\.create [A-Z]/)
    for (const key of peopleOnly()) expect(line(key), key).toBeUndefined()
    expect(lines.join('\n')).not.toMatch(/\[(unrestricted|never)/)
    expect(listed.hints).toMatch(/reasoning/)
    const one = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: { action: 'authorization.decide' } })).json
    expect(one).toMatchObject({ action: 'authorization.decide', permission: 'never', note: expect.stringMatching(/people/) })
    const deleting = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: { action: 'contact.delete' } })).json
    expect(deleting.hints).toEqual(['destructive', 'reasoning', 'approval'])
  })

  it("tells the agent the business's own fields, with their types and options, once the owner defined them", async () => {
    const before = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: {} })).json
    expect(before.custom_fields).toBeUndefined()
    const owner = await signIn(app, 'owner@sparkle.test')
    const csrf = expectData(await owner.call('GET', '/auth/session')).csrf_token
    const define = (data: unknown) =>
      owner.call('POST', '/api/actions', { domain: 'custom_field', action: 'define', data }, { 'x-csrf-token': csrf })
    expectData(
      await define({
        applies_to: 'contact',
        key: 'building',
        label: 'Building',
        field_type: 'choice',
        options: ['House', 'Condo'],
        required: true,
      }),
    )
    expectData(await define({ applies_to: 'ticket', key: 'ladder_needed', label: 'Ladder', field_type: 'yes_no' }))
    const listed = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: {} })).json
    expect(listed.custom_fields).toMatchObject({ contact: ['building choice(House|Condo) required'], ticket: ['ladder_needed yes_no'] })
    const creating = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: { action: 'ticket.create' } })).json
    expect(creating.custom_fields.ticket).toEqual(['ladder_needed yes_no'])
    const other = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: { action: 'invoice.create' } })).json
    expect(other.custom_fields).toBeUndefined()
    expect(expectData(await app.call('GET', '/api/capabilities')).custom_fields.contact).toEqual(['building choice(House|Condo) required'])
  })
})
