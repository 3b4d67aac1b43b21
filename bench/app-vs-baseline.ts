import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { createApp } from '../api/app.js'
import { loadConfig, type Config } from '../core/config.js'
import { migrate } from '../core/db/migrate.js'
import { openPostgres } from '../core/db/postgres.js'
import type { Database } from '../core/db/types.js'
import { setLogLevel } from '../core/log.js'
import { createServices } from '../api/product.js'
import { createTenant } from '../core/tenants.js'
import { jsonPoster, type JsonPoster } from './http-client.js'
import { closedLoop, cpuPerOperation, mergeResults, percentile, throughput, type LoadResult } from './load.js'
import { createScratchDatabase, type ScratchDatabase } from './postgres-server.js'
import { describeUnits, recordingDatabase, roundTrips, statementName, type RecordedStatement, type RecordedUnit } from './recording-database.js'
import type { BenchRow, BenchSettings } from './scenario.js'

/** Connections in each pool: openPostgres's default, used for the app and the baseline alike. */
const POOL_SIZE = 20
const WARM_UP_SECONDS = 1
const TARGET_RATIO = 0.5
const TARGET_P99_MS = 50

/** What the app sent to the database for one request, and the essential statements of its action transaction. */
export interface RecordedRequest {
  units: RecordedUnit[]
  essential: RecordedStatement[]
}

/** One action measured through the app and against the same SQL straight through pg. */
export interface Comparison<R extends RecordedRequest> {
  /** Names the scratch database. */
  name: string
  /** Sends the action through a recording copy of the app (see recordThroughApp) and returns what it sent. */
  record(config: Config, db: Database, token: string): Promise<R>
  /** The POST /api/actions body of one call, made unique by the text given. */
  body(recorded: R, unique: string): unknown
  /** Sends the essential statements of one operation on a connection inside its transaction, made unique the same way. */
  replay(client: pg.PoolClient, recorded: R, unique: string): Promise<void>
}

/** Sets up a scratch business, records one request, then measures the app against the pg floor and reports both. */
export async function compareWithBaseline<R extends RecordedRequest>(settings: BenchSettings, c: Comparison<R>): Promise<BenchRow[]> {
  setLogLevel('silent')
  const scratch = await createScratchDatabase(settings.databaseUrl, c.name)
  let db: Database | undefined
  let server: Server | undefined
  try {
    db = openPostgres(scratch.url, POOL_SIZE)
    await migrate(db)
    const tenant = await createTenant(db, { name: 'Bench Window Cleaning', owner_email: 'owner@bench.example' })
    const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' })
    const recorded = await c.record(config, db, tenant.agent_token)
    server = await listen(createApp(createServices(config, db)))
    const { app, baseline } = await measureBoth(appLoad(server, tenant.agent_token, settings, (unique) => c.body(recorded, unique)),
      baselineLoad(scratch, (client, unique) => c.replay(client, recorded, unique)), settings)
    return report(app, baseline, recorded, settings)
  } finally {
    await cleanUp(server, db, scratch)
  }
}

/**
 * Runs `send` against a second copy of the app whose database records every statement, and returns what the last
 * request sent: `send` clears the record (the returned function) before the request to keep.
 */
export async function recordThroughApp<T>(config: Config, db: Database, token: string,
  send: (client: JsonPoster, keepFromHere: () => void) => Promise<T>): Promise<{ units: RecordedUnit[]; result: T }> {
  const recorder = recordingDatabase(db)
  const probe = await listen(createApp(createServices(config, recorder.db)))
  const client = jsonPoster(`http://127.0.0.1:${(probe.address() as AddressInfo).port}`, 1, { authorization: `Bearer ${token}` })
  try {
    const result = await send(client, () => { recorder.units.length = 0 })
    return { units: [...recorder.units], result }
  } finally {
    client.close()
    await closeServer(probe)
  }
}

/** The essential statements of the transaction that holds `marker`, or an error naming what was sent instead. */
export function essentialStatements(units: RecordedUnit[], action: string, marker: string, essential: readonly string[]): RecordedStatement[] {
  const unit = units.find((u) => u.transaction && u.statements.some((s) => statementName(s.text) === marker))
  const found = unit?.statements.filter((s) => essential.includes(statementName(s.text))) ?? []
  if (found.map((s) => statementName(s.text)).join() !== essential.join()) {
    throw new Error(`expected ${action} to send ${essential.join(', ')} in one transaction; it sent: ${describeUnits(units)}`)
  }
  return found
}

/** A load that can run in several slices, and how to let go of what it holds. */
interface Load {
  op(label: string): (n: number) => Promise<void>
  close(): Promise<void>
}

/**
 * Runs both loads in slices app, baseline, baseline, app (each half of the seconds) after a warm-up of each:
 * on a shared machine the background load drifts, and interleaving gives both sides the same conditions.
 */
async function measureBoth(app: Load, baseline: Load, settings: BenchSettings): Promise<{ app: LoadResult; baseline: LoadResult }> {
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

/** The action through POST /api/actions over keep-alive HTTP, as an agent. */
function appLoad(server: Server, token: string, settings: BenchSettings, body: (unique: string) => unknown): Load {
  const client = jsonPoster(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, settings.concurrency, { authorization: `Bearer ${token}` })
  return {
    op: (label) => async (n) => expectOk(await client.post('/api/actions', body(`app${label}n${n}`))),
    async close() {
      client.close()
    },
  }
}

/** The floor: per operation, one transaction with the essential statements, straight through pg. */
function baselineLoad(scratch: ScratchDatabase, replay: (client: pg.PoolClient, unique: string) => Promise<void>): Load {
  const pool = new pg.Pool({ connectionString: scratch.url, max: POOL_SIZE, connectionTimeoutMillis: 5000, query_timeout: 30_000 })
  pool.on('error', () => {})
  return {
    op: (label) => async (n) => {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('begin')
        await replay(client, `base${label}n${n}`)
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
function report(app: LoadResult, baseline: LoadResult, recorded: RecordedRequest, settings: BenchSettings): BenchRow[] {
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
function listen(app: ReturnType<typeof createApp>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
}

/** Stops the server and its open connections. */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Releases what a scenario set up: server, database pool and scratch database. */
async function cleanUp(server: Server | undefined, db: Database | undefined, scratch: ScratchDatabase): Promise<void> {
  if (server) await closeServer(server)
  await db?.close().catch(() => {})
  await scratch.drop().catch((err: Error) => process.stderr.write(`warning: could not drop the scratch database: ${err.message}\n`))
}
