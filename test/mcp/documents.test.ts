import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { connectMcp, toolJson } from '../helpers/mcp-client.js'
import { b64, pdf } from '../helpers/files.js'

describe.each(engines)('documents through MCP (%s)', (engine) => {
  let app: TestApp
  let client: Client

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client?.close()
    await app?.close()
  })

  it('an agent attaches a file larger than an ordinary call may be with crm_action and reads it back with crm_query', async () => {
    const jane = (await app.action('contact', 'create', { display_name: 'Jane Mcp' })).body.data.id
    const scan = Buffer.concat([pdf('scan'), Buffer.alloc(400_000, 0x20)])
    expect(b64(scan).length).toBeGreaterThan(app.services.config.bodyLimitBytes)
    const uploaded = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: {
          domain: 'document',
          action: 'upload',
          data: { contact_id: jane, name: 'Signed contract', category: 'contract', content_base64: b64(scan) },
        },
      }),
    )
    expect(uploaded.isError, JSON.stringify(uploaded.json)).toBe(false)
    expect(uploaded.json).toMatchObject({ contact_id: jane, content_type: 'application/pdf', size_bytes: scan.length, version: 1 })
    const read = toolJson(await client.callTool({ name: 'crm_query', arguments: { type: 'document_content', id: uploaded.json.id } }))
    expect(Buffer.from(read.json.content_base64, 'base64').equals(scan)).toBe(true)
    const refused = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: {
          domain: 'document',
          action: 'upload',
          data: { contact_id: jane, name: 'Mystery', content_base64: b64(Buffer.from('plain words')) },
        },
      }),
    )
    expect(refused.isError).toBe(true)
    expect(JSON.stringify(refused.json)).toContain('content_type')
  })
})
