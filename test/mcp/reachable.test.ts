import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actionKey } from '../../core/kernel/registry.js'
import { createMcpServer } from '../../mcp/server.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { toolJson } from '../helpers/mcp-client.js'
import { behaviourEngine } from '../helpers/databases.js'

describe('every registered operation is reachable through the raw MCP tools', () => {
  let app: TestApp
  let client: Client
  beforeAll(async () => {
    app = await startTestApp(behaviourEngine)
    const server = createMcpServer(app.services, { tenantId: app.tenant.tenant_id, actor: { type: 'agent', id: app.tenant.tenant_id } })
    const [a, b] = InMemoryTransport.createLinkedPair()
    await server.connect(b)
    client = new Client({ name: 'reach', version: '1' })
    await client.connect(a)
  })
  afterAll(async () => {
    await client.close()
    await app.close()
  })

  it('crm_action and crm_destructive_action between them route to every action (an empty call reaches its validation or policy, never "unknown action")', async () => {
    const actions = [...app.services.registry.actions.values()]
    expect(actions.length).toBeGreaterThan(10)
    for (const def of actions) {
      const name = def.destructive ? 'crm_destructive_action' : 'crm_action'
      const out = toolJson(await client.callTool({ name, arguments: { domain: def.domain, action: def.name, data: {} } }))
      const message = out.isError ? String(out.json.error.message) : ''
      expect(message, actionKey(def.domain, def.name)).not.toMatch(/^Unknown action/)
    }
  })

  it('crm_query routes to every data type, and crm_capabilities describes each one', async () => {
    const types = [...app.services.registry.queries.keys()]
    expect(types.length).toBeGreaterThan(5)
    for (const type of types) {
      const out = toolJson(await client.callTool({ name: 'crm_query', arguments: { type } }))
      if (out.isError) expect(String(out.json.error.message), type).not.toMatch(/^Unknown data type/)
      const described = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: { type } }))
      expect(described.json.type).toBe(type)
    }
    for (const key of app.services.registry.actions.keys()) {
      const described = toolJson(await client.callTool({ name: 'crm_capabilities', arguments: { action: key } }))
      expect(described.json.action).toBe(key)
    }
  })
})
