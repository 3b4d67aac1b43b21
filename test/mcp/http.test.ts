import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { connectMcp, toolJson } from '../helpers/mcp-client.js'

describe.each(engines)('MCP over Streamable HTTP (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('lists the raw tools with annotations from their kind', async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const { tools } = await client.listTools()
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]))
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['crm_capabilities', 'crm_query', 'crm_action']))
    expect(byName.crm_query.annotations?.readOnlyHint).toBe(true)
    expect(byName.crm_action.annotations?.readOnlyHint).toBe(false)
    // Clients ask their user before a destructive tool: only the tool that runs deletions and voids says it is one.
    expect(byName.crm_action.annotations?.destructiveHint).toBe(false)
    expect(byName.crm_destructive_action.annotations?.destructiveHint).toBe(true)
    for (const t of tools) expect(Object.keys((t.inputSchema as any).properties ?? {}).length).toBeGreaterThan(0)
    await client.close()
  })

  it('runs each action only through the tool of its kind, and says which tool to call instead', async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const created = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: { domain: 'service', action: 'create', data: { name: 'Screens', pricing: 'fixed', price_cents: 500 } },
      }),
    )
    expect(created.isError, JSON.stringify(created.json)).toBe(false)
    const deleteArgs = { domain: 'service', action: 'delete', data: { service_id: created.json.id }, reasoning: 'Made by mistake' }
    const wrongTool = toolJson(await client.callTool({ name: 'crm_action', arguments: deleteArgs }))
    expect(wrongTool.isError).toBe(true)
    expect(wrongTool.json.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'action', tool: 'crm_destructive_action' } })
    expect(wrongTool.json.error.message).toBe('service.delete is destructive: call crm_destructive_action with the same arguments')
    const stillThere = toolJson(await client.callTool({ name: 'crm_query', arguments: { type: 'services', id: created.json.id } }))
    expect(stillThere.json.id).toBe(created.json.id)
    const notDestructive = toolJson(
      await client.callTool({
        name: 'crm_destructive_action',
        arguments: { domain: 'service', action: 'create', data: { name: 'Gutters' } },
      }),
    )
    expect(notDestructive.json.error.message).toBe('service.create is not destructive: call crm_action with the same arguments')
    const deleted = toolJson(await client.callTool({ name: 'crm_destructive_action', arguments: deleteArgs }))
    expect(deleted.isError, JSON.stringify(deleted.json)).toBe(false)
    await client.close()
  })

  it("tells the model at initialize the business's date, weekday and time zone", async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(app.services.now())
    const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'America/Chicago' }).format(app.services.now())
    expect(client.getInstructions()).toContain(`At connection it is ${weekday} ${today} in the business's time zone, America/Chicago.`)
    await client.close()
  })

  it('creates and reads a contact, audited as the agent', async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const created = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: { domain: 'contact', action: 'create', data: { display_name: 'Jane Smith' } },
      }),
    )
    expect(created.isError).toBe(false)
    const read = toolJson(
      await client.callTool({ name: 'crm_query', arguments: { type: 'contacts', id: created.json.id, include: ['audit_trail'] } }),
    )
    expect(read.json.display_name).toBe('Jane Smith')
    expect(read.json.audit_trail[0]).toMatchObject({ action: 'create', actor_type: 'agent' })
    await client.close()
  })

  it('tells the model how to fix a call: the nearest names and the field', async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const unknown = toolJson(await client.callTool({ name: 'crm_action', arguments: { domain: 'contact', action: 'creat', data: {} } }))
    expect(unknown.isError).toBe(true)
    expect(unknown.json.error.details.suggestions).toContain('contact.create')
    const invalid = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: { domain: 'contact', action: 'create', data: { display_name: 'X', email: 'nope' } },
      }),
    )
    expect(invalid.json.error.code).toBe('VALIDATION_ERROR')
    expect(invalid.json.error.details.issues[0].field).toBe('data.email')
    const schema = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: { action: 'contact.create' } }))
    expect(Object.keys(schema.json.input.properties)).toContain('display_name')
    await client.close()
  })

  it('refuses without a token and from a foreign Host', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    }
    const noToken = await fetch(`${app.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(init),
    })
    expect(noToken.status).toBe(401)
    // fetch drops a Host header, so this one goes through node:http as a rebinding page's request would arrive.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${app.url}/mcp`,
        {
          method: 'POST',
          headers: {
            host: 'evil.example:80',
            authorization: `Bearer ${app.tenant.agent_token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify(init))
    })
    expect(status).toBe(403)
  })
})
