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

const CALLS_TARGET = 8
const TOKENS_TARGET = 8000
const LIST_TARGET = 3000

/** Jane Smith's lifecycle run by the scripted plain agent over MCP: its calls and tokens, each call, and initialize apart. */
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
      const { agent } = await runLifecycle({
        url,
        services,
        tenant,
        clock,
        mailbox: { deliverDue: () => deliverDue(services), received: (to) => sent.filter((m) => m.to === to) },
      })
      const list = agent.calls.find((c) => c.method === 'tools/list')?.tokens ?? 0
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
          measure: 'agent tokens, tools/list included',
          value: String(tokens),
          target: `<= ${TOKENS_TARGET}`,
          met: tokens <= TOKENS_TARGET,
          note: "characters / 4 of each call's arguments and answer text",
        },
        { measure: 'tools/list (tokens)', value: String(list), target: `<= ${LIST_TARGET}`, met: list <= LIST_TARGET },
        ...agent.calls.map((c, i) => ({ measure: `  call ${i + 1}: ${c.tool ?? c.method} (tokens)`, value: String(c.tokens) })),
        {
          measure: 'initialize, not counted above (tokens)',
          value: String(agent.initializeTokens),
          note: 'server info and instructions, once per connection',
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
