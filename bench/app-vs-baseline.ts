import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { createApp } from '../api/app.js'
import { loadConfig, type Config } from '../core/kernel/config.js'
import { migrate } from '../core/db/migrate.js'
import { openPostgres } from '../core/db/postgres.js'
import type { Database } from '../core/db/types.js'
import { setLogLevel } from '../core/kernel/log.js'
import { createServices } from '../api/product.js'
import { createTenant } from '../core/kernel/tenants.js'
import { jsonPoster, type JsonPoster } from './http-client.js'
import { closedLoop, cpuPerOperation, mergeResults, percentile, throughput, type LoadResult } from './load.js'
import { runLoadProcess, type LoadRequest } from './load-process.js'
import { pgTransaction, preparedSender, type Sender } from './mix-baseline.js'
import { createScratchDatabase, type ScratchDatabase } from './postgres-server.js'
import {
  describeUnits,
  recordingDatabase,
  roundTrips,
  statementName,
  type RecordedStatement,
  type RecordedUnit,
} from './recording-database.js'
import type { BenchRow, BenchSettings } from './scenario.js'

/** Connections in each pool: openPostgres's default, used for the app and the baseline alike. */
const POOL_SIZE = 20
const WARM_UP_SECONDS = 1
/** Businesses the clients are spread over; one counter or row per business is then not the whole figure. */
const BUSINESSES = 5
/** The app's requests/s against the baseline's at least this, and its p99 at most this many times the baseline's. */
const TARGET_RATIO = 0.8
const TARGET_P99_TIMES_BASELINE = 2

/**
 * What the app sent to the database for one request, and what the floor sends for it: the statements sent before the
 * action's transaction (the token check), the transaction's setup sent with BEGIN (the role, the tenant and the reads
 * sent ahead), and the statements the action needs inside it.
 */
export interface RecordedRequest {
  units: RecordedUnit[]
  sentBefore: RecordedStatement[]
  setup: string | null
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
  replay(client: Sender, recorded: R, unique: string): Promise<void>
}

/**
 * Sets up scratch businesses, records one request in each, then measures the app against the pg floor twice: with the
 * clients spread over several businesses (the product's figure), and all on one business (the contention case: every
 * request then waits for the same rows, such as that business's ticket counter). The load comes from a process of its own.
 */
export async function compareWithBaseline<R extends RecordedRequest>(settings: BenchSettings, c: Comparison<R>): Promise<BenchRow[]> {
  setLogLevel('silent')
  const scratch = await createScratchDatabase(settings.databaseUrl, c.name)
  let db: Database | undefined
  let server: Server | undefined
  try {
    db = openPostgres(scratch.url, POOL_SIZE)
    await migrate(db)
    // As production runs: answers are not checked against their schemas there (see "output check" in docs/benchmarks.md).
    const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', CRM_CHECK_OUTPUT: 'off' })
    const businesses: Array<{ token: string; recorded: R }> = []
    for (let i = 0; i < BUSINESSES; i++) {
      const tenant = await createTenant(db, { name: `Bench Window Cleaning ${i + 1}`, owner_email: `owner${i + 1}@bench.example` })
      businesses.push({ token: tenant.agent_token, recorded: await c.record(config, db, tenant.agent_token) })
    }
    server = await listen(createApp(createServices(config, db)))
    const rows: BenchRow[] = [
      {
        measure: 'clients / pool connections / seconds each',
        value: `${settings.concurrency} / ${POOL_SIZE} / ${settings.seconds}`,
        note: 'the load is sent from a process of its own; the app server runs in the bench process',
      },
      ...roundTripRows(businesses[0].recorded),
    ]
    for (const [label, spread, targets] of [
      [`${BUSINESSES} businesses`, businesses, true],
      ['1 business (contention case)', businesses.slice(0, 1), false],
    ] as const) {
      const { app, baseline } = await measureBoth(appLoad(server, spread, settings, c), baselineLoad(scratch, spread, c), settings)
      rows.push(...report(label, app, baseline, targets))
    }
    return rows
  } finally {
    await cleanUp(server, db, scratch)
  }
}

/**
 * Runs `send` against a second copy of the app whose database records every statement, and returns what the last
 * request sent: `send` clears the record (the returned function) before the request to keep.
 */
export async function recordThroughApp<T>(
  config: Config,
  db: Database,
  token: string,
  send: (client: JsonPoster, keepFromHere: () => void) => Promise<T>,
): Promise<{ units: RecordedUnit[]; result: T }> {
  const recorder = recordingDatabase(db)
  const probe = await listen(createApp(createServices(config, recorder.db)))
  const client = jsonPoster(`http://127.0.0.1:${(probe.address() as AddressInfo).port}`, 1, { authorization: `Bearer ${token}` })
  try {
    const result = await send(client, () => {
      recorder.units.length = 0
    })
    return { units: [...recorder.units], result }
  } finally {
    client.close()
    await closeServer(probe)
  }
}

/** Whether a statement is of an essential name ("insert into tickets"), or begins with the given words. */
function isA(s: RecordedStatement, wanted: string): boolean {
  return statementName(s.text) === wanted || s.text.replace(/\s+/g, ' ').trim().startsWith(wanted)
}

/**
 * What the floor sends for the request recorded in `units`: the statements sent outside the transaction that holds
 * `marker` (the token check), its setup, and in order the first statement of each essential name in it; or an error
 * naming what was sent instead.
 */
export function essentialStatements(
  units: RecordedUnit[],
  action: string,
  marker: string,
  essential: readonly string[],
): Omit<RecordedRequest, 'units'> {
  const unit = units.find((u) => u.transaction && u.statements.some((s) => statementName(s.text) === marker || isA(s, marker)))
  // In order, the first statement of each essential name: the app may send more of the same kind (a second read of the contact, say).
  const found: RecordedStatement[] = []
  for (const s of unit?.statements ?? [])
    if (!s.withBegin && found.length < essential.length && isA(s, essential[found.length])) found.push(s)
  if (!unit || found.length !== essential.length) {
    throw new Error(`expected ${action} to send ${essential.join(', ')} in one transaction; it sent: ${describeUnits(units)}`)
  }
  return {
    sentBefore: units.filter((u) => !u.transaction).flatMap((u) => u.statements),
    setup: unit.statements.find((s) => s.withBegin)?.text ?? null,
    essential: found,
  }
}

/** A load that can run in several slices, and how to let go of what it holds. */
interface Load {
  /** Runs the load for `seconds` with this many clients; `label` makes the slice's created names its own. */
  run(concurrency: number, seconds: number, label: string): Promise<LoadResult>
  close(): Promise<void>
}

/**
 * Runs both loads in slices app, baseline, baseline, app (each half of the seconds) after a warm-up of each:
 * on a shared machine the background load drifts, and interleaving gives both sides the same conditions.
 */
async function measureBoth(app: Load, baseline: Load, settings: BenchSettings): Promise<{ app: LoadResult; baseline: LoadResult }> {
  try {
    await app.run(settings.concurrency, WARM_UP_SECONDS, 'warmup')
    await baseline.run(settings.concurrency, WARM_UP_SECONDS, 'warmup')
    const slices: LoadResult[][] = [[], []]
    for (const [i, side] of [0, 1, 1, 0].entries()) {
      const load = side === 0 ? app : baseline
      slices[side].push(await load.run(settings.concurrency, settings.seconds / 2, `s${i}`))
    }
    return { app: mergeResults(slices[0]), baseline: mergeResults(slices[1]) }
  } finally {
    await app.close()
    await baseline.close()
  }
}

/**
 * The action through POST /api/actions over keep-alive HTTP, as each business's agent in turn, sent by a load process.
 * The CPU figure is the server's (this process's) time per request; the load process's own is apart.
 */
function appLoad<R extends RecordedRequest>(
  server: Server,
  businesses: ReadonlyArray<{ token: string; recorded: R }>,
  settings: BenchSettings,
  c: Comparison<R>,
): Load {
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    async run(concurrency, seconds, label) {
      const requests: LoadRequest[] = Array.from({ length: Math.max(settings.concurrency, businesses.length) * 2 }, (_, i) => {
        const b = businesses[i % businesses.length]
        return {
          label: c.name,
          method: 'POST',
          path: '/api/actions',
          headers: { authorization: `Bearer ${b.token}` },
          body: c.body(b.recorded, `app${label}n{{n}}`),
        }
      })
      const cpuBefore = process.cpuUsage()
      const r = await runLoadProcess({ baseUrl, requests, concurrency, seconds })
      const cpu = process.cpuUsage(cpuBefore)
      return { ...r, cpuMs: (cpu.user + cpu.system) / 1000 }
    },
    async close() {},
  }
}

/**
 * The floor: per operation, as one business's recorded request in turn, straight through pg: the token check, then one
 * transaction of the setup sent with BEGIN and the essential statements.
 */
function baselineLoad<R extends RecordedRequest>(
  scratch: ScratchDatabase,
  businesses: ReadonlyArray<{ recorded: R }>,
  c: Comparison<R>,
): Load {
  const pool = new pg.Pool({ connectionString: scratch.url, max: POOL_SIZE, connectionTimeoutMillis: 5000, query_timeout: 30_000 })
  pool.on('error', () => {})
  const op = (label: string) => async (n: number) => {
    const recorded = businesses[n % businesses.length].recorded
    for (const s of recorded.sentBefore) await preparedSender(pool).query(s.text, s.params)
    await pgTransaction(pool, recorded.setup, (client) => c.replay(client, recorded, `base${label}n${n}`))
  }
  return {
    run: (concurrency, seconds, label) => closedLoop(concurrency, seconds, op(label)),
    close: () => pool.end().catch(() => {}),
  }
}

/** Round trips beyond the floor's that the app may send for one request. */
const TARGET_EXTRA_ROUND_TRIPS = 3

/** What the app sends per request, what the floor sends per operation, and which of the app's statements the floor leaves out. */
function roundTripRows(recorded: RecordedRequest): BenchRow[] {
  const floorUnits: RecordedUnit[] = [
    ...(recorded.sentBefore.length ? [{ transaction: false, statements: recorded.sentBefore }] : []),
    {
      transaction: true,
      statements: [...(recorded.setup ? [{ text: recorded.setup, params: [], withBegin: true }] : []), ...recorded.essential],
    },
  ]
  const app = roundTrips(recorded.units)
  const floor = roundTrips(floorUnits)
  const sent = new Set([...recorded.sentBefore, ...recorded.essential])
  const leftOut = recorded.units
    .flatMap((u) => u.statements)
    .filter((s) => !s.withBegin && !sent.has(s))
    .map((s) => statementName(s.text))
  return [
    { measure: 'app: database round trips per request', value: String(app), note: describeUnits(recorded.units) },
    {
      measure: 'pg baseline: round trips per operation (the SQL the action needs)',
      value: String(floor),
      note: `${describeUnits(floorUnits)}; the setup sent with begin is the app's own, reads sent ahead included`,
    },
    {
      measure: 'app: round trips beyond the baseline',
      value: String(app - floor),
      target: `<= ${TARGET_EXTRA_ROUND_TRIPS}`,
      met: app - floor <= TARGET_EXTRA_ROUND_TRIPS,
      note: leftOut.length ? `the baseline leaves out: ${leftOut.join(', ')}` : 'the baseline sends every statement the app sends',
    },
  ]
}

/** The table rows of one case of an app-versus-baseline comparison; the targets are given on the product's case only. */
function report(label: string, app: LoadResult, baseline: LoadResult, targets: boolean): BenchRow[] {
  const appRps = throughput(app)
  const baseRps = throughput(baseline)
  const ratio = baseRps > 0 ? appRps / baseRps : NaN
  const appP99 = percentile(app.latenciesMs, 0.99)
  const goal = (target: string, met: boolean) => (targets ? { target, met } : {})
  const rows: BenchRow[] = [
    { measure: `${label}: app: requests/s`, value: appRps.toFixed(1) },
    { measure: `${label}: app: p50 ms`, value: ms(percentile(app.latenciesMs, 0.5)) },
    {
      measure: `${label}: app: p99 ms`,
      value: ms(appP99),
      ...goal(`<= ${TARGET_P99_TIMES_BASELINE}x baseline`, appP99 <= TARGET_P99_TIMES_BASELINE * percentile(baseline.latenciesMs, 0.99)),
    },
    { measure: `${label}: app: errors`, value: String(app.errors), ...goal('0', app.errors === 0) },
    {
      measure: `${label}: app: server CPU ms per request`,
      value: ms(cpuPerOperation(app)),
      note: 'the bench process, where the app server runs',
    },
    { measure: `${label}: pg baseline: requests/s`, value: baseRps.toFixed(1) },
    { measure: `${label}: pg baseline: p50 ms`, value: ms(percentile(baseline.latenciesMs, 0.5)) },
    { measure: `${label}: pg baseline: p99 ms`, value: ms(percentile(baseline.latenciesMs, 0.99)) },
    {
      measure: `${label}: pg baseline: client CPU ms per operation`,
      value: ms(cpuPerOperation(baseline)),
      note: 'the bench process, where the pg client sends the same statements',
    },
    { measure: `${label}: pg baseline: errors`, value: String(baseline.errors), ...goal('0', baseline.errors === 0) },
    { measure: `${label}: ratio app/baseline requests/s`, value: ratio.toFixed(2), ...goal(`>= ${TARGET_RATIO}`, ratio >= TARGET_RATIO) },
  ]
  for (const e of app.errorSamples) rows.push({ measure: `${label}: app: an error`, value: '', note: e })
  for (const e of baseline.errorSamples) rows.push({ measure: `${label}: pg baseline: an error`, value: '', note: e })
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
