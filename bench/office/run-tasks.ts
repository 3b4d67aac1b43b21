import { randomUUID } from 'node:crypto'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { withTenant } from '../../core/db/tenant.js'
import { performAction } from '../../core/kernel/operations.js'
import type { CreatedTenant } from '../../core/kernel/tenants.js'
import { CountedClient } from '../lifecycle/counted-client.js'
import { doTask } from './cold-client.js'
import { seedOfficeBusiness } from './seed.js'
import { OFFICE_TASKS, type Read } from './tasks.js'

/** How one office task went: what was said, what was used, its calls and o200k tokens beyond tools/list, and what is wrong. */
export interface OfficeTaskResult {
  name: string
  said: string
  used: string | null
  calls: number
  tokens: number
  /** The same, each answer counted as sent: its text and its structured content. */
  sentTokens: number
  /** tools/list as this conversation read it (o200k). */
  listO200k: number
  /** Null when the database shows the task done. */
  wrong: string | null
}

/**
 * Seeds the business of a running server and does every office task cold, each in a conversation of its own over MCP
 * (initialize, tools/list, crm_capabilities {q}, the call), the owner allowing what waits for approval; graded by the database.
 */
export async function runOfficeTasks(host: { url: string; services: Services; tenant: CreatedTenant }): Promise<OfficeTaskResult[]> {
  const { services, tenant } = host
  const owner: Principal = { tenantId: tenant.tenant_id, actor: { type: 'user', id: tenant.owner_user_id, role: 'owner' } }
  const settings = await withTenant(services.db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) =>
    tx.query<{ timezone: string }>('select timezone from tenants where id = $1', [tenant.tenant_id]),
  )
  const business = await seedOfficeBusiness(services, owner, settings.rows[0].timezone)
  const read: Read = (sql, params) =>
    withTenant(services.db, { tenantId: tenant.tenant_id, actorType: 'system' }, async (tx) => {
      const row = (await tx.query(sql, params)).rows[0] as Record<string, unknown> | undefined
      return row ? Object.values(row)[0] : null
    })
  const results: OfficeTaskResult[] = []
  for (const task of OFFICE_TASKS) {
    const client = new Client({ name: 'cold-office-manager', version: '1.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${host.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${tenant.agent_token}` } },
      }),
    )
    try {
      const agent = new CountedClient(client)
      await agent.listTools()
      const said = task.say(business)
      const answer = await doTask(agent, said, task.facts(business), task.next && ((r) => task.next!(r, business)))
      let refused: string | null = answer.isError ? `error: ${JSON.stringify(answer.json).slice(0, 300)}` : null
      if (!answer.isError && answer.json?.status === 'pending_authorization') {
        await performAction(
          services,
          owner,
          { domain: 'authorization', action: 'decide', data: { request_id: answer.json.request_id, decision: 'allow_once' } },
          { requestId: randomUUID() },
        )
        const ran = await read(`select status || ': ' || coalesce(error::text, '') from authorization_requests where id = $1`, [
          answer.json.request_id,
        ])
        if (!String(ran).startsWith('executed')) refused = `allowed by the owner, then ${String(ran).slice(0, 300)}`
      }
      const wrong = refused ?? (await task.check(read, business, answer.json))
      const work = agent.calls.filter((c) => c.method === 'tools/call')
      results.push({
        name: task.name,
        said,
        used: answer.used,
        calls: work.length,
        tokens: work.reduce((sum, c) => sum + c.o200k, 0),
        sentTokens: work.reduce((sum, c) => sum + c.sentO200k, 0),
        listO200k: agent.calls[0].o200k,
        wrong,
      })
    } finally {
      await client.close()
    }
  }
  return results
}
