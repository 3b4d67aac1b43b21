import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { expect } from 'vitest'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'

/** The real MCP SDK client connected to a running server's /mcp with a bearer token. */
export async function connectMcp(baseUrl: string, token: string): Promise<Client> {
  const client = new Client({ name: 'crm-test-client', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  )
  return client
}

/** The JSON a tool answered with, and whether it was an error. */
export function toolJson(result: unknown): { isError: boolean; json: any } {
  const r = result as { isError?: boolean; content: Array<{ type: string; text: string }> }
  return { isError: Boolean(r.isError), json: JSON.parse(r.content[0].text) }
}

/** A tool's answer through the real SDK client, which holds structuredContent to the tool's published outputSchema; it must not be an error. */
export async function callChecked(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  const r = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean
    structuredContent?: Record<string, unknown>
    content: Array<{ text: string }>
  }
  expect(r.isError, `${name}: ${r.content[0]?.text}`).toBeFalsy()
  expect(r.structuredContent, name).toEqual(JSON.parse(r.content[0].text))
  return r.structuredContent
}
