import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EXAMPLE_POOLER } from '../balancer-config.js'
import { type DaemonProcess, freePort, missingBalancerBinaries, startHaproxy, startPgBouncer } from '../balancer-processes.js'
import { migrate } from '../../core/db/migrate.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { percentile, throughput } from '../load.js'
import { buildMix, type MixBusiness } from '../load-mix.js'
import { runLoadProcess } from '../load-process.js'
import { seedLoadBusinesses } from '../load-businesses.js'
import { createScratchDatabase } from '../postgres-server.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'
import { startServerProcess, type ServerProcess } from '../server-process.js'

/** Businesses and generated customers in each (BENCH_BALANCER_CONTACTS): enough for the mix's reads to be real. */
const BUSINESSES = 3
const CONTACTS = Number(process.env.BENCH_BALANCER_CONTACTS ?? 500)
/** Rounds of the mix in the list the load cycles through. */
const ROUNDS = 20
/** How often PostgreSQL's connections to the database are counted during a step. */
const SAMPLE_EVERY_MS = 100
/** This bench's own connections, left out of the count. */
const COUNTER = 'crm-bench-balancer-count'

const SERVER = fileURLToPath(new URL('../../api/main.js', import.meta.url))

/**
 * The office manager's mix through HAProxy at one and at two server processes, each process on PgBouncer in transaction
 * mode (docs/many-processes.md) and, beside it, straight on PostgreSQL: requests per second, p95, and the connections
 * PostgreSQL saw on the database, which the pooler should hold flat however many processes there are.
 */
export const balancer: Scenario = {
  name: 'balancer',
  needs: 'postgres',
  async run(settings: BenchSettings) {
    const missing = missingBalancerBinaries()
    if (missing) return [{ measure: 'skipped', value: '', note: missing }]
    setLogLevel('silent')
    const scratchDir = mkdtempSync(join(tmpdir(), 'crm-bench-balancer-'))
    const scratch = await createScratchDatabase(settings.databaseUrl, 'balancer')
    const counted = new URL(scratch.url)
    counted.searchParams.set('application_name', COUNTER)
    const db = openPostgres(counted.toString(), 2)
    let pooler: DaemonProcess | undefined
    try {
      await migrate(db)
      const businesses = await seedLoadBusinesses(db, BUSINESSES, CONTACTS)
      // Statistics of the fresh rows now, not when autovacuum gets to them in the middle of a step.
      await db.exec('analyze')
      const direct = new URL(scratch.url)
      const rows: BenchRow[] = [
        {
          measure: 'data',
          value: `${BUSINESSES} x ${CONTACTS} customers`,
          note: `PgBouncer pool ${EXAMPLE_POOLER.poolSize}; each server's own pool 20; ${settings.concurrency} clients`,
        },
      ]
      // Interleaved, so neither way gains from coming later; a pooler of its own per step, its connections ending with it.
      for (const servers of [1, 2]) {
        rows.push(await measureStep('PostgreSQL directly', scratch.url, servers, businesses, settings, scratchDir, db))
        pooler = await startPgBouncer(
          {
            ...EXAMPLE_POOLER,
            listenPort: await freePort(),
            host: direct.hostname,
            port: Number(direct.port || 5432),
            dbname: direct.pathname.slice(1),
            authType: 'trust',
          },
          decodeURIComponent(direct.username || 'postgres'),
        )
        const pooled = new URL(scratch.url)
        pooled.hostname = '127.0.0.1'
        pooled.port = String(pooler.port)
        pooled.pathname = `/${EXAMPLE_POOLER.alias}`
        rows.push(await measureStep('PgBouncer', pooled.toString(), servers, businesses, settings, scratchDir, db))
        await pooler.stop()
        pooler = undefined
      }
      return rows
    } finally {
      await pooler?.stop()
      await db.close()
      await scratch.drop().catch((err: Error) => process.stderr.write(`warning: could not drop the scratch database: ${err.message}\n`))
      rmSync(scratchDir, { recursive: true, force: true })
    }
  },
}

/** `servers` server processes on databaseUrl behind HAProxy, loaded with the mix after a second's warm-up. */
async function measureStep(
  via: string,
  databaseUrl: string,
  count: number,
  businesses: MixBusiness[],
  settings: BenchSettings,
  scratchDir: string,
  db: Database,
): Promise<BenchRow> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl }
  env.CRM_WORKER = 'off'
  // PgBouncer 1.18 in transaction mode cannot keep a connection's prepared statements.
  if (via === 'PgBouncer') env.CRM_DB_PREPARED_STATEMENTS = 'off'
  for (const name of ['RESEND_API_KEY', 'STRIPE_SECRET_KEY', 'LLM_BASE_URL', 'LLM_MODEL', 'CRM_DEMO']) delete env[name]
  const servers: ServerProcess[] = []
  let haproxy: DaemonProcess | undefined
  try {
    for (let i = 0; i < count; i++) servers.push(await startServerProcess(SERVER, [], env, /is running at (http\S+)/, scratchDir))
    haproxy = await startHaproxy({
      listenPort: await freePort(),
      servers: servers.map((s, i) => ({ name: `crm${i + 1}`, host: '127.0.0.1', port: Number(new URL(s.url).port) })),
      checkIntervalMs: 1000,
    })
    const baseUrl = `http://127.0.0.1:${haproxy.port}`
    const requests = buildMix(businesses, ROUNDS)
    await runLoadProcess({ baseUrl, requests, concurrency: settings.concurrency, seconds: 1 })
    const samples: number[] = []
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const r = await db.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
           where datname = current_database() and backend_type = 'client backend' and application_name <> $1`,
          [COUNTER],
        )
        samples.push(r.rows[0].n)
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS))
      }
    })()
    const r = await runLoadProcess({ baseUrl, requests, concurrency: settings.concurrency, seconds: settings.seconds })
    sampling = false
    await sampler
    const p = (q: number) => percentile(r.latenciesMs, q).toFixed(1)
    const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length)
    return {
      measure: `${count} server${count > 1 ? 's' : ''} on ${via}, req/s`,
      value: throughput(r).toFixed(0),
      note: `p50 ${p(0.5)} / p95 ${p(0.95)} ms; errors ${r.errors}, wrong ${r.wrong}; PostgreSQL connections peak ${Math.max(0, ...samples)}, mean ${mean.toFixed(1)}${r.errorSamples.length ? `; ${r.errorSamples[0]}` : ''}`,
    }
  } finally {
    await haproxy?.stop()
    for (const s of servers) await s.stop()
  }
}
