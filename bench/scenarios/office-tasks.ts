import { randomUUID } from 'node:crypto'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Principal } from '../../core/context.js'
import { withTenant } from '../../core/db/tenant.js'
import { performAction } from '../../core/operations.js'
import { runColdAgent } from '../office/appendix-d.js'
import { doTask } from '../office/cold-client.js'
import { seedOfficeBusiness } from '../office/seed.js'
import { OFFICE_TASKS, type Read } from '../office/tasks.js'
import { startBenchHost } from '../lifecycle/bench-host.js'
import { CountedClient } from '../lifecycle/counted-client.js'
import { runLifecycle } from '../lifecycle/run.js'
import type { BenchRow, Scenario } from '../scenario.js'

const MEDIAN_CALLS_TARGET = 2
const MEDIAN_TOKENS_TARGET = 1200
const LIST_TARGET = 2000
const APPENDIX_D_CALLS_TARGET = 8
const APPENDIX_D_TOKENS_TARGET = 6000

/**
 * Everyday office tasks on a seeded business, each done cold by a client that knows only tools/list and the answers: it
 * finds the action with crm_capabilities {q} in the owner's words and makes the call, the owner allowing what waits for
 * approval; each graded by the database. Per task the calls and o200k tokens beyond tools/list; then Appendix D done cold.
 */
export const officeTasks: Scenario = {
  name: 'office tasks',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = []
    const host = await startBenchHost('Clear View Windows')
    let listO200k = 0
    try {
      const { services, tenant } = host
      const owner: Principal = { tenantId: tenant.tenant_id, actor: { type: 'user', id: tenant.owner_user_id, role: 'owner' } }
      const business = await seedOfficeBusiness(services, owner, 'America/Chicago')
      const read: Read = (sql, params) =>
        withTenant(services.db, { tenantId: tenant.tenant_id, actorType: 'system' }, async (tx) => {
          const row = (await tx.query(sql, params)).rows[0] as Record<string, unknown> | undefined
          return row ? Object.values(row)[0] : null
        })
      const results: Array<{ calls: number; tokens: number; right: boolean }> = []
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
          listO200k = agent.calls[0].o200k
          const answer = await doTask(agent, task.say(business), task.facts(business))
          if (!answer.isError && answer.json?.status === 'pending_authorization') {
            await performAction(
              services,
              owner,
              { domain: 'authorization', action: 'decide', data: { request_id: answer.json.request_id, decision: 'allow_once' } },
              { requestId: randomUUID() },
            )
          }
          const wrong = answer.isError ? `error: ${JSON.stringify(answer.json).slice(0, 300)}` : await task.check(read, business)
          const work = agent.calls.filter((c) => c.method === 'tools/call')
          const tokens = work.reduce((sum, c) => sum + c.o200k, 0)
          results.push({ calls: work.length, tokens, right: !wrong })
          rows.push({
            measure: `  ${task.name}: calls, o200k tokens beyond tools/list`,
            value: `${work.length}, ${tokens}`,
            target: 'right',
            met: !wrong,
            note: wrong ?? `${answer.used}: "${task.say(business)}"`,
          })
        } finally {
          await client.close()
        }
      }
      const right = results.filter((r) => r.right).length
      const calls = median(results.map((r) => r.calls))
      const tokens = median(results.map((r) => r.tokens))
      rows.unshift(
        {
          measure: `tasks done right (of ${results.length}), graded by the database`,
          value: String(right),
          target: `${results.length}`,
          met: right === results.length,
        },
        {
          measure: 'median calls a task, beyond tools/list',
          value: String(calls),
          target: `<= ${MEDIAN_CALLS_TARGET}`,
          met: calls <= MEDIAN_CALLS_TARGET,
        },
        {
          measure: 'median o200k tokens a task, beyond tools/list',
          value: String(tokens),
          target: `<= ${MEDIAN_TOKENS_TARGET}`,
          met: tokens <= MEDIAN_TOKENS_TARGET,
        },
        {
          measure: 'tools/list (o200k tokens), read once a conversation',
          value: String(listO200k),
          target: `<= ${LIST_TARGET}`,
          met: listO200k <= LIST_TARGET,
        },
      )
    } finally {
      await host.close()
    }
    rows.push(...(await appendixDCold()))
    return rows
  },
}

/** Appendix D by the cold client: calls and o200k tokens, tools/list included. */
async function appendixDCold(): Promise<BenchRow[]> {
  const host = await startBenchHost('Sparkle Windows')
  try {
    const { agent } = await runLifecycle(host, runColdAgent)
    const calls = agent.calls.length
    return [
      {
        measure: 'Appendix D cold: calls (tools/list + tools/call)',
        value: String(calls),
        target: `<= ${APPENDIX_D_CALLS_TARGET}`,
        met: calls <= APPENDIX_D_CALLS_TARGET,
        note: agent.calls.map((c) => c.tool ?? c.method).join(', '),
      },
      {
        measure: 'Appendix D cold: o200k tokens, tools/list included',
        value: String(agent.totalO200k),
        target: `<= ${APPENDIX_D_TOKENS_TARGET}`,
        met: agent.totalO200k <= APPENDIX_D_TOKENS_TARGET,
      },
    ]
  } finally {
    await host.close()
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
