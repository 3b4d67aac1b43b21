import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines, behaviourEngine } from '../helpers/databases.js'
import { connectMcp, toolJson } from '../helpers/mcp-client.js'
import { rawRequest } from '../helpers/raw-http.js'

describe.each(engines)('MCP protocol hygiene (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  const post = (body: string) =>
    rawRequest(
      app.url,
      'POST',
      '/mcp',
      {
        authorization: `Bearer ${app.tenant.agent_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body,
    )

  it('answers a body that is not JSON with a JSON-RPC parse error, 400', async () => {
    for (const body of ['{"jsonrpc": "2.0", "method":', 'not json at all', '<html>']) {
      const res = await post(body)
      expect(res.status).toBe(400)
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/)
      const json = JSON.parse(res.text)
      expect(json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } })
      expect(json.error.message).toMatch(/^Parse error/)
    }
  })

  it('answers JSON that is not a JSON-RPC message with Invalid Request, 400', async () => {
    for (const body of ['42', '"hello"', 'null', '{"hello":"world"}', '{"jsonrpc":"2.0","id":1}']) {
      const res = await post(body)
      expect(res.status, body).toBe(400)
      const json = JSON.parse(res.text)
      expect(json.jsonrpc, body).toBe('2.0')
      expect(json.error.code, body).toBe(-32600)
    }
  })

  it('keeps the API envelope for a malformed body anywhere else', async () => {
    const res = await rawRequest(
      app.url,
      'POST',
      '/api/actions',
      { authorization: `Bearer ${app.tenant.agent_token}`, 'content-type': 'application/json' },
      '{oops',
    )
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text).error.code).toBe('VALIDATION_ERROR')
  })

  it("speaks the SDK's latest protocol revision, gives instructions and icons, and promises no list changes", async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const transport = (client as unknown as { _transport: StreamableHTTPClientTransport })._transport
    expect(LATEST_PROTOCOL_VERSION).toBe('2025-11-25')
    expect(transport.protocolVersion).toBe('2025-11-25')
    const instructions = client.getInstructions() ?? ''
    for (const words of ['crm_capabilities', 'pending_authorization', 'crm_authorization_status', 'cents', 'time zone'])
      expect(instructions).toContain(words)
    const info = client.getServerVersion()
    expect(info?.icons?.[0]).toMatchObject({ src: new URL('/icon.svg', app.services.config.publicBaseUrl).href, mimeType: 'image/svg+xml' })
    const capabilities = client.getServerCapabilities()
    expect(capabilities?.tools).toBeDefined()
    expect(capabilities?.tools?.listChanged).toBeUndefined()
    expect(capabilities?.resources?.listChanged).toBeUndefined()
    expect(capabilities?.prompts?.listChanged).toBeUndefined()
    await client.close()
  })

  it('negotiates down to an older revision a client asks for', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'old', version: '1' } },
    }
    const res = await post(JSON.stringify(init))
    expect(res.status).toBe(200)
    const json = JSON.parse(res.text)
    expect(json.result.protocolVersion).toBe('2025-06-18')
    expect(json.result.capabilities.tools).toEqual({})
  })

  it('serves the icon as SVG with the security headers, without signing in', async () => {
    const res = await rawRequest(app.url, 'GET', '/icon.svg')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toContain("default-src 'none'")
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.text).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    expect(res.text).not.toMatch(/<script|on\w+=/i)
  })

  it('tells the model how to fix crm_action called with "contact.create" and no domain', async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const r = toolJson(
      await client.callTool({ name: 'crm_action', arguments: { action: 'contact.create', data: { display_name: 'Jane' } } }),
    )
    expect(r.isError).toBe(true)
    expect(r.json.error.code).toBe('VALIDATION_ERROR')
    expect(r.json.error.message).toContain('domain is required: call with {"domain":"contact","action":"create"}')
    expect(r.json.error.details.issues).toEqual([{ field: 'domain', message: expect.stringContaining('is required') }])
    const missing = toolJson(await client.callTool({ name: 'crm_action', arguments: {} }))
    expect(missing.json.error.message).toContain('domain and action are both required')
    expect(missing.json.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['domain', 'action'])
    await client.close()
  })

  it('answers other argument mistakes as tool errors naming the field', async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const wrongType = toolJson(await client.callTool({ name: 'crm_query', arguments: { type: 'contacts', limit: 'ten' } }))
    expect(wrongType.isError).toBe(true)
    expect(wrongType.json.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ field: 'limit' }] } })
    const unknownTool = toolJson(await client.callTool({ name: 'crm_actions', arguments: {} }))
    expect(unknownTool.json.error.details.suggestions).toContain('crm_action')
    await client.close()
  })

  it('names request_id when the status tool gets a bad one', async () => {
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const bad = toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: { request_id: 'abc' } }))
    expect(bad.isError).toBe(true)
    expect(bad.json.error.details.issues).toEqual([{ field: 'request_id', message: 'expected a UUID' }])
    const none = toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: {} }))
    expect(none.json.error.details.issues[0].field).toBe('request_id')
    await client.close()
  })
})

describe('MCP client of a newer revision', () => {
  it('is told the newest revision this SDK speaks', async () => {
    const app = await startTestApp(behaviourEngine)
    try {
      const client = new Client({ name: 'future', version: '1' })
      const transport = new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${app.tenant.agent_token}` } },
      })
      await client.connect(transport)
      expect(transport.protocolVersion).toBe(LATEST_PROTOCOL_VERSION)
      await client.close()
      const init = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2026-07-28', capabilities: {}, clientInfo: { name: 'future', version: '1' } },
      }
      const res = await rawRequest(
        app.url,
        'POST',
        '/mcp',
        {
          authorization: `Bearer ${app.tenant.agent_token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        JSON.stringify(init),
      )
      expect(JSON.parse(res.text).result.protocolVersion).toBe('2025-11-25')
    } finally {
      await app.close()
    }
  })
})
