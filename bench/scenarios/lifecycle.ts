import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import type { EmailMessage } from '../../core/clients/email.js'
import { loadConfig } from '../../core/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { setLogLevel } from '../../core/log.js'
import { createTenant } from '../../core/tenants.js'
import { movableClock, runLifecycle } from '../lifecycle/run.js'
import type { BenchRow, Scenario } from '../scenario.js'

const CALLS_TARGET = 5
const TOKENS_TARGET = 4000
const LIST_TARGET = 2500

/** Appendix D (Jane Smith, new, booked, closed out, invoiced, reached out to, booked next year) by the scripted plain agent over MCP: calls, tokens, each call, bytes on the wire, and initialize apart. */
export const lifecycle: Scenario = {
  name: 'lifecycle',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    setLogLevel('silent')
    const db = await openPglite(undefined)
    let server: Server | undefined
    try {
      await migrate(db)
      const clock = movableClock()
      const sent: EmailMessage[] = []
      const email = {
        delivers: true,
        describe: () => 'bench inbox',
        async send(m: EmailMessage) {
          sent.push(m)
          return { id: `bench-${sent.length}` }
        },
      }
      const services = createServices({ ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), logLevel: 'silent' as const }, db, {
        email,
        llm: null,
        payments: null,
        now: () => clock.now(),
      })
      const tenant = await createTenant(db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.example', timezone: 'America/Chicago' })
      server = await new Promise<Server>((resolve) => {
        const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
      })
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      services.config.publicBaseUrl = url
      const { agent, wireBytes } = await runLifecycle({
        url,
        services,
        tenant,
        clock,
        mailbox: { deliverDue: () => deliverDue(services), received: (to) => sent.filter((m) => m.to === to) },
      })
      const listCall = agent.calls.find((c) => c.method === 'tools/list')
      const list = listCall?.tokens ?? 0
      const listO200k = listCall?.o200k ?? 0
      const calls = agent.calls.length
      const tokens = agent.totalTokens
      return [
        {
          measure: 'agent MCP calls (tools/list + tools/call)',
          value: String(calls),
          target: `<= ${CALLS_TARGET}`,
          met: calls <= CALLS_TARGET,
          note: agent.calls.map((c) => c.tool ?? c.method).join(', '),
        },
        {
          measure: 'agent tokens, tools/list included (characters / 4)',
          value: String(tokens),
          target: `<= ${TOKENS_TARGET}`,
          met: tokens <= TOKENS_TARGET,
          note: "each call's arguments and answer text",
        },
        {
          measure: 'agent tokens, tools/list included (o200k tokenizer)',
          value: String(agent.totalO200k),
          target: `<= ${TOKENS_TARGET}`,
          met: agent.totalO200k <= TOKENS_TARGET,
        },
        { measure: 'tools/list (tokens, characters / 4)', value: String(list), target: `<= ${LIST_TARGET}`, met: list <= LIST_TARGET },
        {
          measure: 'tools/list (tokens, o200k tokenizer)',
          value: String(listO200k),
          target: `<= ${LIST_TARGET}`,
          met: listO200k <= LIST_TARGET,
        },
        {
          measure: 'on the wire (bytes)',
          value: String(wireBytes),
          note: 'every MCP request and answer body over HTTP, initialize included',
        },
        ...agent.calls.map((c, i) => ({
          measure: `  call ${i + 1}: ${c.tool ?? c.method} (tokens, characters / 4)`,
          value: String(c.tokens),
          note: `o200k ${c.o200k}`,
        })),
        {
          measure: 'initialize, not counted above (tokens, characters / 4)',
          value: String(agent.initializeTokens),
          note: `o200k ${agent.initializeO200k}; server info and instructions, once per connection`,
        },
      ]
    } finally {
      if (server) {
        server.closeAllConnections()
        await new Promise((r) => server!.close(r))
      }
      await db.close()
    }
  },
}
