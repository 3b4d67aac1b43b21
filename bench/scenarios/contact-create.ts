import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { createApp } from '../../api/app.js'
import { loadConfig, type Config } from '../../core/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/log.js'
import { createServices } from '../../core/services.js'
import { createTenant } from '../../core/tenants.js'
import { jsonPoster } from '../http-client.js'
import { closedLoop, cpuPerOperation, mergeResults, percentile, throughput, type LoadResult } from '../load.js'
import { createScratchDatabase, type ScratchDatabase } from '../postgres-server.js'
import { recordingDatabase, roundTrips, statementName, type RecordedStatement, type RecordedUnit } from '../recording-database.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'

/** Connections in each pool: openPostgres's default, used for the app and the baseline alike. */
const POOL_SIZE = 20
const WARM_UP_SECONDS = 1
const TARGET_RATIO = 0.5
const TARGET_P99_MS = 50

/** contact.create through POST /api/actions, against the same statements sent straight through pg. */
export const contactCreate: Scenario = {
  name: 'contact.create',
  needs: 'postgres',
  async run(settings) {
    setLogLevel('silent')
    const scratch = await createScratchDatabase(settings.databaseUrl, 'contacts')
    let db: Database | undefined
    let server: Server | undefined
    try {
      db = openPostgres(scratch.url, POOL_SIZE)
      await migrate(db)
      const tenant = await createTenant(db, { name: 'Bench Window Cleaning', owner_email: 'owner@bench.example' })
      const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' })
      const recorded = await recordOneRequest(config, db, tenant.agent_token)
      server = await listen(createApp(createServices(config, db)))
      const { app, baseline } = await measureBoth(appLoad(server, tenant.agent_token, settings), baselineLoad(scratch, recorded.essential), settings)
      return report(app, baseline, recorded, settings)
    } finally {
      await cleanUp(server, db, scratch)
    }
  },
}

/** Stands in the names of the recorded request; each replay puts its own unique text in its place. */
const MARKER = `marker${randomBytes(4).toString('hex')}`

/** The body of one call; every call creates a contact with its own name and email. */
function createBody(unique: string) {
  return { domain: 'contact', action: 'create', data: { display_name: `Contact ${unique}`, email: `${unique}@bench.example` } }
}

/** The statements that make up creating a contact, whatever else the app sends around them. */
const ESSENTIAL = ['select set_config', 'insert into contacts', 'insert into audit_log']

/** What the app sent to the database for one contact.create, and the essential statements of its action transaction. */
export interface RecordedRequest {
  units: RecordedUnit[]
  essential: RecordedStatement[]
}

/**
 * Sends contact.create through a second copy of the app whose database records every statement. The second of two
 * requests is kept (the first also stamps the token's first use). The baseline replays the role and tenant settings,
 * the contact insert and the audit insert exactly as the app sent them; anything more the app sends is its overhead.
 */
async function recordOneRequest(config: Config, db: Database, token: string): Promise<RecordedRequest> {
  const recorder = recordingDatabase(db)
  const probe = await listen(createApp(createServices(config, recorder.db)))
  const client = jsonPoster(`http://127.0.0.1:${(probe.address() as AddressInfo).port}`, 1, { authorization: `Bearer ${token}` })
  try {
    await expectOk(await client.post('/api/actions', createBody(`first${MARKER}`)))
    recorder.units.length = 0
    await expectOk(await client.post('/api/actions', createBody(MARKER)))
  } finally {
    client.close()
    await closeServer(probe)
  }
  const units = [...recorder.units]
  const action = units.find((u) => u.transaction && u.statements.some((s) => statementName(s.text) === 'insert into contacts'))
  const essential = action?.statements.filter((s) => ESSENTIAL.includes(statementName(s.text))) ?? []
  if (essential.map((s) => statementName(s.text)).join() !== ESSENTIAL.join()) {
    throw new Error(`expected contact.create to send ${ESSENTIAL.join(', ')} in one transaction; ` +
      `it sent: ${describeUnits(units)}`)
  }
  return { units, essential }
}

/** A load that can run in several slices, and how to let go of what it holds. */
export interface Load {
  op(label: string): (n: number) => Promise<void>
  close(): Promise<void>
}

/**
 * Runs both loads in slices app, baseline, baseline, app (each half of the seconds) after a warm-up of each:
 * on a shared machine the background load drifts, and interleaving gives both sides the same conditions.
 */
export async function measureBoth(app: Load, baseline: Load, settings: BenchSettings): Promise<{ app: LoadResult; baseline: LoadResult }> {
  try {
    await closedLoop(settings.concurrency, WARM_UP_SECONDS, app.op('warmup'))
    await closedLoop(settings.concurrency, WARM_UP_SECONDS, baseline.op('warmup'))
    const slices: LoadResult[][] = [[], []]
    for (const [i, side] of [0, 1, 1, 0].entries()) {
      const load = side === 0 ? app : baseline
      slices[side].push(await closedLoop(settings.concurrency, settings.seconds / 2, load.op(`s${i}`)))
    }
    return { app: mergeResults(slices[0]), baseline: mergeResults(slices[1]) }
  } finally {
    await app.close()
    await baseline.close()
  }
}

/** contact.create through POST /api/actions over keep-alive HTTP, as an agent. */
function appLoad(server: Server, token: string, settings: BenchSettings): Load {
  const client = jsonPoster(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, settings.concurrency, { authorization: `Bearer ${token}` })
  return {
    op: (label) => async (n) => expectOk(await client.post('/api/actions', createBody(`app${label}n${n}`))),
    async close() {
      client.close()
    },
  }
}

/** The floor: per operation, one transaction with the essential statements as the app sent them, straight through pg. */
function baselineLoad(scratch: ScratchDatabase, statements: RecordedStatement[]): Load {
  const pool = new pg.Pool({ connectionString: scratch.url, max: POOL_SIZE, connectionTimeoutMillis: 5000, query_timeout: 30_000 })
  pool.on('error', () => {})
  return {
    op: (label) => async (n) => {
      const unique = `base${label}n${n}`
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('begin')
        // Only the names change: the audit row keeps the recorded contact's id, which costs the database the same.
        for (const s of statements) {
          await client.query(s.text, s.params.map((p) => (typeof p === 'string' ? p.replaceAll(MARKER, unique) : p)))
        }
        await client.query('commit')
      } catch (err) {
        await client.query('rollback').catch((e: Error) => (broken = e))
        throw err
      } finally {
        client.release(broken)
      }
    },
    close: () => pool.end().catch(() => {}),
  }
}

/** The table rows of an app-versus-baseline comparison, with the targets beside the figures. */
export function report(app: LoadResult, baseline: LoadResult, recorded: RecordedRequest, settings: BenchSettings): BenchRow[] {
  const appRps = throughput(app)
  const baseRps = throughput(baseline)
  const ratio = baseRps > 0 ? appRps / baseRps : NaN
  const appP99 = percentile(app.latenciesMs, 0.99)
  const rows: BenchRow[] = [
    { measure: 'clients / pool connections / seconds each', value: `${settings.concurrency} / ${POOL_SIZE} / ${settings.seconds}` },
    { measure: 'app: database round trips per request', value: String(roundTrips(recorded.units)), note: describeUnits(recorded.units) },
    { measure: 'pg baseline: round trips per operation', value: String(recorded.essential.length + 2), note: describeUnits([{ transaction: true, statements: recorded.essential }]) },
    { measure: 'app: requests/s', value: appRps.toFixed(1) },
    { measure: 'app: p50 ms', value: ms(percentile(app.latenciesMs, 0.5)) },
    { measure: 'app: p99 ms', value: ms(appP99), target: `<= ${TARGET_P99_MS}`, met: appP99 <= TARGET_P99_MS },
    { measure: 'app: errors', value: String(app.errors), target: '0', met: app.errors === 0 },
    { measure: 'app: node CPU ms per request', value: ms(cpuPerOperation(app)), note: 'server and load generator share the process' },
    { measure: 'pg baseline: requests/s', value: baseRps.toFixed(1) },
    { measure: 'pg baseline: p50 ms', value: ms(percentile(baseline.latenciesMs, 0.5)) },
    { measure: 'pg baseline: p99 ms', value: ms(percentile(baseline.latenciesMs, 0.99)) },
    { measure: 'pg baseline: errors', value: String(baseline.errors), target: '0', met: baseline.errors === 0 },
    { measure: 'pg baseline: node CPU ms per operation', value: ms(cpuPerOperation(baseline)) },
    { measure: 'ratio app/baseline requests/s', value: ratio.toFixed(2), target: `>= ${TARGET_RATIO}`, met: ratio >= TARGET_RATIO },
  ]
  for (const e of app.errorSamples) rows.push({ measure: 'app: an error', value: '', note: e })
  for (const e of baseline.errorSamples) rows.push({ measure: 'pg baseline: an error', value: '', note: e })
  return rows
}

/** The statements of recorded transactions in short words, for the note column. */
export function describeUnits(units: RecordedUnit[]): string {
  return units.map((u) => {
    const names = u.statements.map((s) => statementName(s.text))
    return u.transaction ? ['begin', ...names, 'commit'].join(', ') : names.join(', ')
  }).join(' | ')
}

function ms(v: number): string {
  return Number.isNaN(v) ? 'n/a' : v.toFixed(2)
}

/** Stops setup when a request did not succeed, quoting the answer. */
export async function expectOk(r: { status: number; json: unknown }): Promise<void> {
  if (r.status === 200) return
  const error = (r.json as { error?: { code?: string; message?: string } } | null)?.error
  throw new Error(`HTTP ${r.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim())
}

/** Serves the app on an ephemeral loopback port. */
export function listen(app: ReturnType<typeof createApp>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
}

/** Stops the server and its open connections. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Releases what a scenario set up: server, database pool and scratch database. */
export async function cleanUp(server: Server | undefined, db: Database | undefined, scratch: ScratchDatabase): Promise<void> {
  if (server) await closeServer(server)
  await db?.close().catch(() => {})
  await scratch.drop().catch((err: Error) => process.stderr.write(`warning: could not drop the scratch database: ${err.message}\n`))
}
