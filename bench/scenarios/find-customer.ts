import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { performQuery } from '../../core/kernel/operations.js'
import { findCustomer } from '../../mcp/workflows/find-customer.js'
import { recordingDatabase, roundTrips } from '../recording-database.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { businessRows, pgliteBusinesses, postgresBusinesses, type BusinessCopy } from '../shared-businesses.js'

/** Each query is sent this many times by each way, after one warm-up. */
const ROUNDS = 5
/** Clients at once in the concurrent runs. */
const CLIENTS = 8
/** Queries of each kind: emails (one customer each) and last names (several customers each). */
const EACH = 6
/** The target: find_customer's p95 over the p95 of the search it wraps. */
const RATIO_TARGET = 1.5
/** find_customer's default number of matches, and the search page it asks for them (see findCustomers). */
const MATCHES = 5
const SEARCH_LIMIT = 10

/** find_customer against the universal search it wraps, over MCP over HTTP, on PostgreSQL. */
export const findCustomerPostgres: Scenario = {
  name: 'find_customer vs search (PostgreSQL)',
  needs: 'postgres',
  async run(settings) {
    const copy = await postgresBusinesses(settings)
    try {
      const db = openPostgres(copy.url, 20)
      try {
        return await measure(db, copy)
      } finally {
        await db.close()
      }
    } finally {
      await copy.drop()
    }
  },
}

/** The same on the embedded engine, which runs one statement at a time. */
export const findCustomerPglite: Scenario = {
  name: 'find_customer vs search (PGlite)',
  needs: 'nothing',
  async run() {
    const copy = await pgliteBusinesses()
    try {
      const db = await openPglite(copy.dataDir)
      try {
        return await measure(db, copy)
      } finally {
        await db.close()
      }
    } finally {
      await copy.drop()
    }
  },
}

/** A generated business served over HTTP; each query sent as find_customer and as crm_query type=search, alone and by 8 clients. */
async function measure(db: Database, copy: BusinessCopy): Promise<BenchRow[]> {
  setLogLevel('silent')
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), logLevel: 'silent' as const }
  const services = createServices(config, db, { llm: null, integrations: { stripe: null } })
  // One past visit each, half of them invoiced: every match has a last visit to read.
  const { large } = copy.made
  const data = large.data
  const principal: Principal = { tenantId: large.tenantId, actor: { type: 'agent', id: large.tenantId } }
  const single = data.samples.emails.slice(0, EACH)
  const several = [...new Set(data.samples.names.map((name) => name.split(' ').at(-1) as string))].slice(0, EACH)
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  services.config.publicBaseUrl = url
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(url, large.agentToken)))
  try {
    const ways = { find: (c: Client, q: string) => callFind(c, q), search: (c: Client, q: string) => callSearch(c, q) }
    const queries = [...single, ...several]
    const matches = new Map<string, number>()
    for (const q of queries) matches.set(q, await ways.find(clients[0], q))
    const alone = { find: [] as number[], search: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      for (const q of queries) {
        // Interleaved, so both ways see the same moments of the machine's load.
        for (const way of ['search', 'find'] as const) alone[way].push(await timed(() => ways[way](clients[0], q)))
      }
    }
    const together = { find: [] as number[], search: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      for (const way of ['search', 'find'] as const) {
        await Promise.all(
          clients.map(async (client, i) => {
            for (let k = 0; k < queries.length; k++)
              together[way].push(await timed(() => ways[way](client, queries[(k + i) % queries.length])))
          }),
        )
      }
    }
    const reads = { one: await readsOf(db, services, principal, single[0]), several: await readsOf(db, services, principal, several[0]) }
    const average = (qs: string[]) => (qs.reduce((n, q) => n + (matches.get(q) ?? 0), 0) / qs.length).toFixed(1)
    return [
      ...businessRows(copy),
      {
        measure: 'queries x rounds',
        value: `${queries.length} x ${ROUNDS}`,
        note: `${single.length} emails (${average(single)} matches on average), ${several.length} last names (${average(several)} matches on average); MCP over HTTP: find_customer, and crm_query type=search kinds=contact limit=${SEARCH_LIMIT} as find_customer asks it`,
      },
      ...figures('alone', alone),
      ...figures(`${CLIENTS} clients at once`, together),
      readsRow(reads.one),
      { ...readsRow(reads.several), target: `= ${beyond(reads.one)}`, met: beyond(reads.several) === beyond(reads.one) },
    ]
  } finally {
    await Promise.all(clients.map((c) => c.close()))
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
}

type Reads = Awaited<ReturnType<typeof readsOf>>

/** What find_customer sends beyond its search: the part that must not grow with the matches. */
function beyond(r: Reads): string {
  return `${r.find.transactions - r.search.transactions} / ${r.find.roundTrips - r.search.roundTrips}`
}

/** One query's transactions and round trips: find_customer's, its search's, and the difference (the search's own depend on the words). */
function readsRow(r: Reads): BenchRow {
  return {
    measure: `reads beyond the search, transactions / round trips, ${r.matches} match${r.matches === 1 ? '' : 'es'}`,
    value: beyond(r),
    note: `"${r.q}": find_customer ${r.find.transactions} / ${r.find.roundTrips}, its search alone ${r.search.transactions} / ${r.search.roundTrips}`,
  }
}

/** p50 and p95 of both ways, and the target row for the ratio of their p95s. */
function figures(label: string, samples: { find: number[]; search: number[] }): BenchRow[] {
  const find = percentiles(samples.find)
  const search = percentiles(samples.search)
  const ratio = find.p95 / search.p95
  return [
    { measure: `${label}: search p50 / p95 ms`, value: `${search.p50.toFixed(1)} / ${search.p95.toFixed(1)}` },
    { measure: `${label}: find_customer p50 / p95 ms`, value: `${find.p50.toFixed(1)} / ${find.p95.toFixed(1)}` },
    {
      measure: `${label}: find_customer p95 / search p95`,
      value: ratio.toFixed(2),
      target: `<= ${RATIO_TARGET}`,
      met: ratio <= RATIO_TARGET,
    },
  ]
}

function percentiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
  return { p50: at(50), p95: at(95) }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - t0) / 1e6
}

/** The real MCP SDK client on /mcp with the agent's token. */
async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'find-customer-bench', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
  )
  return client
}

/** find_customer over MCP; the number of matches it answered. */
async function callFind(client: Client, q: string): Promise<number> {
  return (answerOf(await client.callTool({ name: 'find_customer', arguments: { q, limit: MATCHES } })).matches as unknown[]).length
}

/** The search find_customer wraps, as crm_query over MCP; the number of hits. */
async function callSearch(client: Client, q: string): Promise<number> {
  const args = { type: 'search', filters: { q, kinds: 'contact' }, limit: SEARCH_LIMIT }
  return (answerOf(await client.callTool({ name: 'crm_query', arguments: args })).items as unknown[]).length
}

function answerOf(result: unknown): Record<string, unknown> {
  const r = result as { isError?: boolean; content: Array<{ text?: string }> }
  const text = r.content.map((c) => c.text ?? '').join('')
  if (r.isError) throw new Error(`the tool failed: ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

/** Transactions and round trips of one find_customer and of its search alone, recorded under the tool (no HTTP). */
async function readsOf(db: Database, services: Services, principal: Principal, q: string) {
  const count = async (fn: (s: Services) => Promise<unknown>) => {
    const recorded = recordingDatabase(db)
    const answer = await fn({ ...services, db: recorded.db })
    return { answer, transactions: recorded.units.filter((u) => u.transaction).length, roundTrips: roundTrips(recorded.units) }
  }
  const find = await count((s) => findCustomer.run({ services: s, principal, requestId: 'bench' }, { q, limit: MATCHES }))
  const search = await count((s) =>
    performQuery(s, principal, { type: 'search', filters: { q, kinds: 'contact' }, limit: SEARCH_LIMIT }, { requestId: 'bench' }),
  )
  return { q, find, search, matches: (find.answer as { matches: unknown[] }).matches.length }
}
