import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { createServices } from '../../api/product.js'
import { createMcpServer } from '../../mcp/server.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { o200kTokens, quarterTokens, tokenCounts } from '../tokens.js'

/** How much of the model's context the tools take: tools/list per tool and in all, and the largest crm_capabilities answer. */
export const mcpSize: Scenario = {
  name: 'mcp size',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const db = await openPglite(undefined)
    try {
      await migrate(db)
      const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent' }), logLevel: 'silent' }, db)
      const server = createMcpServer(services, {
        tenantId: '00000000-0000-4000-8000-000000000000',
        actor: { type: 'agent', id: '00000000-0000-4000-8000-000000000000' },
      })
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
      await server.connect(serverSide)
      const client = new Client({ name: 'bench', version: '1' })
      await client.connect(clientSide)
      const { tools } = await client.listTools()
      const rows: BenchRow[] = []
      // The target is the o200k count, a real tokenizer's; characters / 4 is kept beside it for the earlier figures.
      const [quarter, o200k] = targetRows(`tools/list, all ${tools.length} tools`, JSON.stringify(tools), LIST_TARGET)
      rows.push({ measure: quarter.measure, value: quarter.value }, o200k)
      for (const t of tools) {
        const text = JSON.stringify(t)
        rows.push({ measure: `tools/list: ${t.name} (tokens)`, value: String(quarterTokens(text)), note: `o200k ${o200kTokens(text)}` })
      }
      const answers: Array<[string, string]> = [['(no argument)', await capabilities(client, {})]]
      for (const key of services.registry.actions.keys()) answers.push([`action=${key}`, await capabilities(client, { action: key })])
      for (const type of services.registry.queries.keys()) answers.push([`type=${type}`, await capabilities(client, { type })])
      answers.sort((a, b) => b[1].length - a[1].length)
      rows.push({
        measure: 'crm_capabilities, largest answer (tokens)',
        value: String(quarterTokens(answers[0][1])),
        note: `${answers[0][0]}; o200k ${o200kTokens(answers[0][1])}`,
      })
      const everything = answers.find((a) => a[0] === '(no argument)')![1]
      rows.push(...targetRows('crm_capabilities without arguments, the list of everything', everything, EVERYTHING_TARGET))
      await client.close()
      return rows
    } finally {
      await db.close()
    }
  },
}

/** Every tool's description and input schema, read by the model on every turn. */
const LIST_TARGET = 2000
/** The whole menu of actions and data types, read once by an agent that needs more than the workflows. */
const EVERYTHING_TARGET = 3000

/** A text's tokens both ways, each against the target. */
function targetRows(what: string, text: string, target: number): BenchRow[] {
  const counts = tokenCounts(text)
  return [
    { measure: `${what} (tokens, characters / 4)`, value: String(counts.quarter), target: `<= ${target}`, met: counts.quarter <= target },
    { measure: `${what} (tokens, o200k tokenizer)`, value: String(counts.o200k), target: `<= ${target}`, met: counts.o200k <= target },
  ]
}

async function capabilities(client: Client, args: Record<string, string>): Promise<string> {
  const r = (await client.callTool({ name: 'crm_capabilities', arguments: args })) as { content: Array<{ text: string }> }
  return r.content[0].text
}
