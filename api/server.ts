import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { issueMagicLinkFor } from '../core/auth/magic-links.js'
import type { Config } from '../core/kernel/config.js'
import type { Services } from '../core/kernel/context.js'
import type { DemoCounts } from '../core/demo/load-demo.js'
import { DEMO_BUSINESS, DEMO_DATA_DIR } from '../core/demo/names.js'
import { describeBackupBeforeMigrations, type BackupBeforeMigrations } from '../core/backup/before-migrations.js'
import { describeBackups, nightlyBackups, type NightlyBackups } from '../core/domains/settings/backup-banner.js'
import { readSetupGaps, setupGapBannerLines, type SetupGaps } from '../core/domains/settings/setup-gaps.js'
import { log } from '../core/kernel/log.js'
import { startWorker, type RunningWorker } from '../core/jobs/worker.js'
import { nameWithEmail } from '../core/vocabulary/person-name.js'
import { bootstrapFirstTenant } from '../core/kernel/tenants.js'
import { createApp } from './app.js'
import { createHttpServer } from './http-server.js'

/** A running HTTP server and what first start created, if anything. */
export interface RunningServer {
  server: Server
  url: string
  /** Where people reach it: PUBLIC_BASE_URL, else url. */
  publicUrl: string
  firstStart: {
    tenantId: string
    /** The owner this start made: the email they sign in with, and their name ('' when none was given). */
    owner: { name: string; email: string }
    signInUrl: string
    agentToken: string
    demo: DemoCounts | null
    setup: SetupGaps
  } | null
  /** The delivery worker running inside the server; null with CRM_WORKER=off. */
  worker: RunningWorker | null
  /** When the businesses' nightly backups run, as the banner says. */
  nightlyBackups: NightlyBackups
  close(): Promise<void>
}

/** How long after listening the server's own delivery worker makes its first pass. */
export const WORKER_FIRST_PASS_AFTER_MS = 1_000

/** Creates the first business if there is none, then listens. */
export async function startServer(services: Services): Promise<RunningServer> {
  const { config, db } = services
  const wantsDemo = config.demo
  const owner = {
    name: config.firstBusiness.ownerName ?? (wantsDemo ? DEMO_BUSINESS.ownerName : ''),
    email: config.firstBusiness.ownerEmail ?? 'owner@example.com',
  }
  const created = await bootstrapFirstTenant(db, {
    name: config.firstBusiness.name ?? (wantsDemo ? DEMO_BUSINESS.name : 'My Service Business'),
    owner_email: owner.email,
    owner_name: owner.name || undefined,
    timezone: config.firstBusiness.timezone ?? 'America/Chicago',
  })
  // CRM_DEMO=1 fills the first business with the demo window-cleaning company, so there is something to open on day one.
  if (created && wantsDemo) log('info', 'loading the demo business before serving (half a minute or so on the embedded database)')
  const demo = created && wantsDemo ? await (await import('../core/demo/load-demo.js')).loadDemo(services, created.tenant_id) : null
  const nightly = await nightlyBackups(db)
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(createApp(services)).listen(config.port, config.host, () => resolve(s))
    s.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  let firstStart: RunningServer['firstStart'] = null
  if (created) {
    const link = await issueMagicLinkFor(db, created.tenant_id, created.owner_user_id)
    firstStart = {
      tenantId: created.tenant_id,
      owner,
      signInUrl: `${baseUrl(config, url)}/auth/verify?token=${link.token}`,
      agentToken: created.agent_token,
      demo,
      setup: await readSetupGaps({
        services,
        principal: { tenantId: created.tenant_id, actor: { type: 'system', id: null } },
        requestId: randomUUID(),
      }),
    }
  }
  // Started with the server, not in createApp: tests of the HTTP app decide themselves when messages go out. Its first
  // pass waits a moment, so the requests that come with a start are answered before a backlog takes the database.
  const worker = config.workerInServer ? startWorker(services, {}, WORKER_FIRST_PASS_AFTER_MS) : null
  return {
    server,
    url,
    publicUrl: baseUrl(config, url),
    firstStart,
    worker,
    nightlyBackups: nightly,
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
  return config.publicBaseUrlSet ? config.publicBaseUrl : listening
}

/**
 * The start banner: where everything is, what is off, on first start the secrets shown once, and after an upgrade that
 * migrated, the archive made before it or why there is none.
 */
export function banner(services: Services, running: RunningServer, beforeMigrations?: BackupBeforeMigrations): string {
  const base = running.publicUrl
  const lines = [
    `Service CRM is running at ${running.url}`,
    `  database: ${services.db.engine === 'pglite' ? `embedded PostgreSQL (PGlite) in ${services.config.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}`,
    `  API:      ${base}/api (capabilities: ${base}/api/capabilities)`,
    `  MCP:      ${base}/mcp (Streamable HTTP, Authorization: Bearer <agent token>)`,
    `  email:    ${services.email.describe()}`,
    `  files:    documents are kept ${services.documents.describe()}`,
    `  delivery: ${running.worker ? 'due emails are sent by this server every few seconds (CRM_WORKER=off leaves it to npx crm worker)' : 'off in this server (CRM_WORKER=off): run npx crm worker to send due emails'}`,
    ...services.capabilities.flatMap((c) => (c.banner ? [`  ${c.banner(services)}`] : [])),
    `  backups:  ${describeBackups(services.config.backup, running.nightlyBackups)}`,
    ...upgradeLine(beforeMigrations),
    `  notes:    ${services.llm ? `read by ${services.llm.model} (LLM_BASE_URL) for customer facts and leads` : 'reading notes is off (no LLM_BASE_URL and LLM_MODEL): technicians enter customer facts by hand'}`,
    `  tokens:   new agent tokens at ${base}/review/connections (signed in as the owner)`,
  ]
  const first = running.firstStart
  if (first) {
    lines.push(
      '',
      'First start: a business was created. These are shown once:',
      ...ownerLines(first.owner, base),
      `  owner sign-in link (valid 15 minutes): ${first.signInUrl}`,
      `  agent token: ${first.agentToken}`,
      `  business id: ${first.tenantId} (also on the settings page, ${base}/settings)`,
      ...(first.demo
        ? [
            `  demo data loaded: ${first.demo.customers} customers, ${first.demo.completed_tickets} completed visits over the past year, ` +
              `${first.demo.tickets - first.demo.completed_tickets} more on the schedule, ${first.demo.invoices} invoices`,
          ]
        : demoHint(services)),
      '  (later sign-ins: open the URL above and ask for a link)',
    )
    const gaps = setupGapBannerLines(first.setup, base)
    if (gaps.length) lines.push('', 'Before the first booking and the first invoice:', ...gaps)
  }
  return lines.join('\n')
}

/** Who the owner is and the email they sign in with; without a name, where to give one, since pages show the email until then. */
function ownerLines(owner: { name: string; email: string }, base: string): string[] {
  const who = `  owner: ${nameWithEmail(owner.name, owner.email)} (sign in with that email)`
  if (owner.name) return [who]
  return [
    who,
    `  owner's name: none given (CRM_OWNER_NAME was not set), so pages, cards and the agent show the email in its place: ` +
      `type it in Name on your card at ${base}/team, then Save`,
  ]
}

/** The banner's line on the backup before this start's migrations, when it applied any to a business. */
function upgradeLine(before: BackupBeforeMigrations | undefined): string[] {
  const words = before ? describeBackupBeforeMigrations(before) : null
  return words ? [`  upgrade:  ${words}`] : []
}

/** How to look around a demo business instead, next to the real one rather than in it; none in production. */
function demoHint(services: Services): string[] {
  // A production start serves a real business, set up from deploy/: a try-out command there only misleads its operator.
  if (services.config.production) return []
  const where = services.db.engine === 'pglite' ? `CRM_DATA_DIR=${DEMO_DATA_DIR}` : 'DATABASE_URL=<an empty database>'
  return [`  to try a demo business first (a window-cleaning company with a year of history): CRM_DEMO=1 ${where} npm start`]
}
