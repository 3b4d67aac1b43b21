import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildIfStale, crm, migratedTarget, root, type CrmTarget } from '../cli/crm.js'
import { toolJson } from '../helpers/mcp-client.js'

/** A stdio MCP client running `node bin/crm.js mcp` with the given environment. */
async function stdioClient(env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'stdio-test', version: '1.0.0' })
  const childEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'DATABASE_URL' && k !== 'LOG_LEVEL') childEnv[k] = v
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(root, 'bin/crm.js'), 'mcp'],
      cwd: root,
      env: { ...childEnv, ...env },
      stderr: 'pipe',
    }),
  )
  return client
}

describe('MCP over stdio (crm mcp)', () => {
  let target: CrmTarget
  let token: string
  beforeAll(async () => {
    buildIfStale()
    target = await migratedTarget('pglite')
    const created = await crm(target, 'tenant', 'create', '--name', 'Stdio Windows', '--owner-email', 'owner@stdio.test', '--json')
    expect(created.code).toBe(0)
    token = JSON.parse(created.stdout).agent_token
  }, 240_000)
  afterAll(() => target.dispose())

  it('serves from the data folder itself when no server runs', async () => {
    const client = await stdioClient({ CRM_DATA_DIR: target.dataDir, CRM_AGENT_TOKEN: token, PORT: '1' })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name)).toContain('crm_action')
    const created = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: { domain: 'contact', action: 'create', data: { display_name: 'Stdio Local', email: 'local@stdio.test' } },
      }),
    )
    expect(created.isError).toBe(false)
    const visit = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: {
          domain: 'ticket',
          action: 'create',
          data: { contact_id: created.json.id, scheduled_start: new Date(Date.now() + 7 * 86_400_000).toISOString() },
        },
      }),
    )
    expect(visit.isError).toBe(false)
    // With no server running, this process also sends what falls due (to the outbox here: no email provider is set).
    const scheduled = toolJson(
      await client.callTool({
        name: 'crm_action',
        arguments: {
          domain: 'message',
          action: 'schedule',
          data: {
            contact_id: created.json.id,
            kind: 'reminder',
            ticket_id: visit.json.id,
            send_at: new Date(Date.now() + 1500).toISOString(),
          },
        },
      }),
    )
    expect(scheduled.isError).toBe(false)
    await expect
      .poll(
        async () =>
          toolJson(await client.callTool({ name: 'crm_query', arguments: { type: 'scheduled_messages', id: scheduled.json.id } })).json
            .status,
        { timeout: 30_000, interval: 500 },
      )
      .toBe('sent')
    await client.close()
  }, 240_000)

  it('relays to the running server that holds the data folder', async () => {
    const port = String(20000 + Math.floor(Math.random() * 20000))
    const server: ChildProcess = spawn(process.execPath, [join(root, 'dist/api/main.js')], {
      cwd: root,
      env: { ...process.env, CRM_DATA_DIR: target.dataDir, PORT: port, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      await new Promise<void>((resolve, reject) => {
        let out = ''
        server.stdout!.on('data', (d) => {
          out += d
          if (out.includes('is running at')) resolve()
        })
        server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)))
      })
      const client = await stdioClient({ CRM_DATA_DIR: target.dataDir, CRM_AGENT_TOKEN: token, PORT: port })
      const created = toolJson(
        await client.callTool({
          name: 'crm_action',
          arguments: { domain: 'contact', action: 'create', data: { display_name: 'Stdio Relayed' } },
        }),
      )
      expect(created.isError).toBe(false)
      await client.close()
      const seen = await fetch(`http://127.0.0.1:${port}/api/data?type=contacts&q=Stdio`, { headers: { authorization: `Bearer ${token}` } })
      const names = ((await seen.json()) as any).data.items.map((c: any) => c.display_name)
      expect(names).toEqual(expect.arrayContaining(['Stdio Local', 'Stdio Relayed']))
    } finally {
      server.kill('SIGTERM')
      await new Promise((r) => server.once('exit', r))
    }
  }, 240_000)
})
