import type { Server } from 'node:http'
import { issueMagicLinkFor } from '../core/auth/magic-links.js'
import { describePayments } from '../core/clients/payments.js'
import type { Config } from '../core/config.js'
import type { Services } from '../core/context.js'
import { loadDemo, type DemoCounts } from '../core/demo/load-demo.js'
import { startWorker, type RunningWorker } from '../core/jobs/worker.js'
import { bootstrapFirstTenant } from '../core/tenants.js'
import { createApp } from './app.js'

/** A running HTTP server and what first start created, if anything. */
export interface RunningServer {
  server: Server
  url: string
  firstStart: { tenantId: string; signInUrl: string; agentToken: string; demo: DemoCounts | null } | null
  /** The delivery worker running inside the server; null with CRM_WORKER=off. */
  worker: RunningWorker | null
  close(): Promise<void>
}

/** Creates the first business if there is none, then listens. */
export async function startServer(services: Services): Promise<RunningServer> {
  const { config, db } = services
  const created = await bootstrapFirstTenant(db, {
    name: process.env.CRM_BUSINESS_NAME ?? 'My Service Business',
    owner_email: process.env.CRM_OWNER_EMAIL ?? 'owner@example.com',
    timezone: process.env.CRM_TIMEZONE ?? 'America/Chicago',
  })
  // CRM_DEMO=1 fills the first business with the demo window-cleaning company, so there is something to open on day one.
  const demo = created && process.env.CRM_DEMO === '1' ? await loadDemo(services, created.tenant_id) : null
  const app = createApp(services)
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s))
    s.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  let firstStart: RunningServer['firstStart'] = null
  if (created) {
    const link = await issueMagicLinkFor(db, created.tenant_id, created.owner_user_id)
    firstStart = { tenantId: created.tenant_id, signInUrl: `${baseUrl(config, url)}/auth/verify?token=${link.token}`, agentToken: created.agent_token, demo }
  }
  // Started with the server, not in createApp: tests of the HTTP app decide themselves when messages go out.
  const worker = config.workerInServer ? startWorker(services) : null
  return {
    server,
    url,
    firstStart,
    worker,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await worker?.stop()
    },
  }
}

/** The address links point at: PUBLIC_BASE_URL when set, else where the server listens. */
function baseUrl(config: Config, listening: string): string {
  return process.env.PUBLIC_BASE_URL ? config.publicBaseUrl : listening
}

/** The start banner: where everything is, what is off, and on first start the secrets shown once. */
export function banner(services: Services, running: RunningServer): string {
  const base = baseUrl(services.config, running.url)
  const lines = [
    `Service CRM is running at ${running.url}`,
    `  database: ${services.db.engine === 'pglite' ? `embedded PostgreSQL (PGlite) in ${services.config.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}`,
    `  API:      ${base}/api (capabilities: ${base}/api/capabilities)`,
    `  MCP:      ${base}/mcp (Streamable HTTP, Authorization: Bearer <agent token>)`,
    `  email:    ${services.email.describe()}`,
    `  files:    documents are kept ${services.documents.describe()}`,
    `  delivery: ${running.worker ? 'due emails are sent by this server every few seconds (CRM_WORKER=off leaves it to npx crm worker)' : 'off in this server (CRM_WORKER=off): run npx crm worker to send due emails'}`,
    `  payments: ${describePayments(services.payments)}`,
    `  notes:    ${services.llm ? `read by ${services.llm.model} (LLM_BASE_URL) for customer facts and leads` : 'reading notes is off (no LLM_BASE_URL and LLM_MODEL): technicians enter customer facts by hand'}`,
  ]
  if (running.firstStart) {
    lines.push('', 'First start: a business was created. These are shown once:',
      `  owner sign-in link (valid 15 minutes): ${running.firstStart.signInUrl}`,
      `  agent token: ${running.firstStart.agentToken}`,
      ...(running.firstStart.demo ? [`  demo data loaded: ${running.firstStart.demo.customers} customers, ${running.firstStart.demo.tickets} tickets`] : []),
      '  (later sign-ins: open the URL above and ask for a link; new tokens: npx crm token create)')
  }
  return lines.join('\n')
}
