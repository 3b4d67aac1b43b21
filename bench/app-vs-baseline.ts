import http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createApp } from '../api/app.js'
import { loadConfig, type Config } from '../core/kernel/config.js'
import { migrate } from '../core/db/migrate.js'
import { openPostgres } from '../core/db/postgres.js'
import { IDLE_CONNECTION_MS } from '../core/db/limits.js'
import type { Database } from '../core/db/types.js'
import { setLogLevel } from '../core/kernel/log.js'
import { createServices } from '../api/product.js'
import { createTenant } from '../core/kernel/tenants.js'
import { jsonPoster, type JsonPoster } from './http-client.js'
import { closedLoop, cpuPerOperation, median, mergeResults, percentile, throughput, type LoadResult } from './load.js'
import { machineSpeed } from './machine-speed.js'
import { postgresCpuMs, spentSince } from './postgres-cpu.js'
import { productServerEnv, startServerProcess, type ServerProcess } from './server-process.js'
import { nameTag } from './name-tag.js'
import { runLoadProcess, type LoadRequest } from './load-process.js'
import { pgTransaction, preparedSender, type Sender } from './mix-baseline.js'
import { startHttpFloor, type HttpFloor } from './http-floor.js'
import { productRoom } from './cpu-room.js'
import { upkeepGrownTables } from './grown-tables.js'
import { appUnique, baselineUnique } from './send-unique.js'
import { serveOnLoopback } from './loopback.js'
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

/** The product's server, compiled beside the bench. */
const SERVER = fileURLToPath(new URL('../api/main.js', import.meta.url))

/** Connections in each pool: openPostgres's default, used for the app and the baseline alike. */
const POOL_SIZE = 20
/**
 * The warm-up before each step, and of each load process before its measured slice: a new process's client runs cold
 * (its code not yet compiled, its connections new) while the baseline's pg client in this process is warm; measured cold,
 * the HTTP floor reached 0.82 to 0.92 of the baseline in slices of 1.5 to 2.5 s and 1.00 warmed (docs/benchmarks.md).
 */
const WARM_UP_SECONDS = 1
/** Businesses the clients are spread over; one counter or row per business is then not the whole figure. */
const BUSINESSES = 5
/** The app's requests/s against the baseline's at least this, and its p99 at most this many times the baseline's. */
const TARGET_RATIO = 0.8
const TARGET_P99_TIMES_BASELINE = 2
/** The app server's CPU a request at most this many milliseconds above the pg client's for the same statements. */
const TARGET_EXTRA_CPU_MS = 1

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
  /**
   * The customer the request was recorded on and the business's others: each call is made on the next of them, as an
   * office writes on many customers (a customer's notes are gathered into its search entry, so one customer taking
   * every note would measure that customer's growth instead).
   */
  customers?: { recorded: string; all: string[] }
}

/** How many customers each business's calls are spread over, where a scenario records them (see RecordedRequest.customers). */
export const CUSTOMERS_A_BUSINESS = 40

/** A call's body made on the business's k-th customer instead of the recorded one. */
function bodyOnCustomer(body: unknown, recorded: RecordedRequest, k: number): unknown {
  const c = recorded.customers
  return c ? JSON.parse(JSON.stringify(body).replaceAll(c.recorded, c.all[k % c.all.length])) : body
}

/** The recorded request as made on the business's k-th customer: the recorded customer's id replaced in every text. */
function onCustomer<R extends RecordedRequest>(recorded: R, k: number): R {
  const c = recorded.customers
  if (!c) return recorded
  const id = c.all[k % c.all.length]
  const swap = (v: unknown): unknown => (typeof v === 'string' ? v.replaceAll(c.recorded, id) : Array.isArray(v) ? v.map(swap) : v)
  const statement = (st: RecordedStatement) => ({ ...st, text: st.text.replaceAll(c.recorded, id), params: st.params.map(swap) })
  return {
    ...recorded,
    setup: recorded.setup?.replaceAll(c.recorded, id) ?? null,
    sentBefore: recorded.sentBefore.map(statement),
    essential: recorded.essential.map(statement),
  }
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
  /** The setup sent with BEGIN for one operation, made unique the same way (a read sent ahead of the call's own values); the recorded one when left out. */
  setup?(recorded: R, unique: string): string | null
}

/** The client counts each write is measured at, spread over the businesses; the targets are for the largest. BENCH_CLIENTS ("32") measures fewer. */
const CLIENT_COUNTS = clientCounts(process.env.BENCH_CLIENTS)

function clientCounts(named: string | undefined): number[] {
  if (!named) return [1, 8, 32]
  const counts = named.split(',').map((n) => Number(n.trim()))
  if (!counts.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`BENCH_CLIENTS must list client counts such as "8,32", got ${named}`)
  return counts
}

/** Runs at each client count; each figure is their median. */
const RUNS = 3

/**
 * Sets up scratch businesses, records one request in each, then measures the app against the pg floor: with the
 * clients spread over several businesses (the product's figure) at 1, 8 and 32 clients, three runs each, the median
 * beside the machine's speed that moment; and once with all clients on one business (the contention case: every
 * request then waits for the same rows, such as that business's ticket counter). The load comes from a process of its own.
 */
export async function compareWithBaseline<R extends RecordedRequest>(settings: BenchSettings, c: Comparison<R>): Promise<BenchRow[]> {
  setLogLevel('silent')
  const scratch = await createScratchDatabase(settings.databaseUrl, c.name)
  let db: Database | undefined
  let server: ServerProcess | undefined
  const scratchDir = mkdtempSync(join(tmpdir(), 'crm-bench-writes-'))
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
    // The server as production runs it: a process of its own with the server's Node flags (bench/server-process.ts),
    // its configured pool and limits; due emails are left to a worker of their own (CRM_WORKER=off), as on a server deployment.
    server = await startServerProcess(
      SERVER,
      [],
      productServerEnv({ DATABASE_URL: scratch.url, CRM_WORKER: 'off', CRM_DB_POOL_SIZE: String(POOL_SIZE) }),
      /is running at (http\S+)/,
      scratchDir,
    )
    const counts = [...new Set(CLIENT_COUNTS.map((n) => Math.min(n, settings.concurrency)))]
    const rows: BenchRow[] = [
      {
        measure: 'clients / pool connections / seconds a run',
        value: `${counts.join(', ')} / ${POOL_SIZE} / ${settings.seconds}`,
        note: `the median of ${RUNS} runs at each count; the load is sent from a process of its own; the app server is a process of its own, run as npm start runs it`,
      },
      ...roundTripRows(businesses[0].recorded),
    ]
    const spread = {
      app: appLoad(server, businesses, c),
      baseline: baselineLoad(scratch, businesses, c),
      floor: httpFloorLoad(scratch, businesses, c),
    }
    const one = { app: appLoad(server, businesses.slice(0, 1), c), baseline: baselineLoad(scratch, businesses.slice(0, 1), c) }
    const opened = db
    const settle = async () => {
      await upkeepGrownTables(opened)
    }
    try {
      for (const clients of counts) {
        const speed = await machineSpeed()
        const runs: Array<{ app: LoadResult; baseline: LoadResult; floor?: LoadResult }> = []
        // The HTTP floor at the count the targets are for: what any server in Node reaches beside the app and the baseline.
        const target = clients === Math.max(...counts)
        const loads = target ? spread : { app: spread.app, baseline: spread.baseline }
        for (let run = 0; run < RUNS; run++) runs.push(await measureBoth(loads, clients, settings.seconds, `c${clients}r${run}`, settle))
        rows.push(...report(`${BUSINESSES} businesses, ${clients} clients`, runs, speed.words, target))
      }
      const speed = await machineSpeed()
      const contention = await measureBoth(one, settings.concurrency, settings.seconds, 'one', settle)
      rows.push(...report(`1 business, ${settings.concurrency} clients (contention case)`, [contention], speed.words, false))
    } finally {
      for (const load of [spread.app, spread.baseline, spread.floor, one.app, one.baseline]) await load.close()
    }
    return rows
  } finally {
    await server?.stop()
    await db?.close().catch(() => {})
    await scratch.drop().catch((err: Error) => process.stderr.write(`warning: could not drop the scratch database: ${err.message}\n`))
    rmSync(scratchDir, { recursive: true, force: true })
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
  const probe = await serveOnLoopback(http.createServer(createApp(createServices(config, recorder.db))))
  const client = jsonPoster(probe.url, 1, { authorization: `Bearer ${token}` })
  try {
    const result = await send(client, () => {
      recorder.units.length = 0
    })
    return { units: [...recorder.units], result }
  } finally {
    client.close()
    await probe.close()
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
 * One run: a warm-up of each side, then slices app, baseline, baseline, app (each a quarter of the seconds), with the
 * HTTP floor's two slices between the baseline's when it is measured: on a shared machine the background load drifts,
 * and interleaving gives every side the same conditions. `settle` runs after the warm-ups and after each slice, outside
 * the measured parts (the tables the slices grew kept as autovacuum keeps them).
 */
async function measureBoth(
  loads: { app: Load; baseline: Load; floor?: Load },
  clients: number,
  seconds: number,
  label: string,
  settle: () => Promise<void>,
): Promise<{ app: LoadResult; baseline: LoadResult; floor?: LoadResult }> {
  const sides = loads.floor ? [loads.app, loads.baseline, loads.floor] : [loads.app, loads.baseline]
  for (const load of sides) await load.run(clients, WARM_UP_SECONDS, `${label}w`)
  await settle()
  const order = loads.floor ? [0, 1, 2, 2, 1, 0] : [0, 1, 1, 0]
  const slices: LoadResult[][] = sides.map(() => [])
  for (const [i, side] of order.entries()) {
    slices[side].push(await sides[side].run(clients, seconds / 4, `${label}s${i}`))
    await settle()
  }
  const [app, baseline, floor] = slices.map(mergeResults)
  return floor ? { app, baseline, floor } : { app, baseline }
}

/**
 * The action through POST /api/actions over keep-alive HTTP, as each business's agent in turn, sent by a load process.
 * The CPU figure is the server process's time per request; the load process's own is apart.
 */
function appLoad<R extends RecordedRequest>(
  server: ServerProcess,
  businesses: ReadonlyArray<{ token: string; recorded: R }>,
  c: Comparison<R>,
): Load {
  const baseUrl = server.url
  return {
    async run(concurrency, seconds, label) {
      const requests: LoadRequest[] = Array.from({ length: loadRequestCount(concurrency, businesses) }, (_, i) => {
        const b = businesses[i % businesses.length]
        return {
          label: c.name,
          method: 'POST',
          path: '/api/actions',
          headers: { authorization: `Bearer ${b.token}` },
          body: bodyOnCustomer(c.body(b.recorded, appUnique(label)), b.recorded, Math.floor(i / businesses.length)),
        }
      })
      // The load process warms its own client first, as the baseline's pg client is warm: the CPU is read for the measured part.
      const r = await runLoadProcess({ baseUrl, requests, concurrency, seconds, warmupSeconds: WARM_UP_SECONDS, watchPids: [server.pid] })
      return { ...r, cpuMs: r.watchedCpuMs ?? NaN, senderCpuMs: r.cpuMs, databaseCpuMs: r.watchedDatabaseCpuMs }
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
  const { pool, send } = floorSender(scratch, businesses, c)
  return {
    async run(concurrency, seconds, label) {
      const databaseBefore = postgresCpuMs()
      const r = await closedLoop(concurrency, seconds, (n) => send(n, baselineUnique(label, n)))
      return { ...r, databaseCpuMs: spentSince(databaseBefore) }
    },
    close: () => pool.end().catch(() => {}),
  }
}

/**
 * What the floor sends for its n-th operation, made unique by `unique`: as one business's recorded request in turn, on
 * the business's next customer, the token check, then one transaction of the setup sent with BEGIN and the essential
 * statements; and the pool it sends them through.
 */
function floorSender<R extends RecordedRequest>(
  scratch: ScratchDatabase,
  businesses: ReadonlyArray<{ recorded: R }>,
  c: Comparison<R>,
): { pool: pg.Pool; send(n: number, unique: string): Promise<void> } {
  // Idle connections kept as the product's pool keeps them: with pg's 10 s, a side whose slices are far apart opens
  // new ones in its measured part.
  const pool = new pg.Pool({
    connectionString: scratch.url,
    max: POOL_SIZE,
    connectionTimeoutMillis: 5000,
    query_timeout: 30_000,
    idleTimeoutMillis: IDLE_CONNECTION_MS,
  })
  pool.on('error', () => {})
  return {
    pool,
    async send(n, unique) {
      const recorded = onCustomer(businesses[n % businesses.length].recorded, Math.floor(n / businesses.length))
      for (const s of recorded.sentBefore) await preparedSender(pool).query(s.text, s.params)
      await pgTransaction(pool, c.setup ? c.setup(recorded, unique) : recorded.setup, (client) => c.replay(client, recorded, unique))
    },
  }
}

/**
 * The HTTP floor: the baseline's statements sent by a bare node:http server in this process, called over keep-alive
 * HTTP by a load process as the app is, each request naming which of the load's requests it is (so it writes on the
 * same business and customer as the app's). The CPU figure is this process's: the server and its pg client.
 */
function httpFloorLoad<R extends RecordedRequest>(
  scratch: ScratchDatabase,
  businesses: ReadonlyArray<{ recorded: R }>,
  c: Comparison<R>,
): Load {
  const { pool, send } = floorSender(scratch, businesses, c)
  let server: Promise<HttpFloor> | undefined
  return {
    async run(concurrency, seconds, label) {
      const floor = await (server ??= startHttpFloor(send))
      const requests: LoadRequest[] = Array.from({ length: loadRequestCount(concurrency, businesses) }, (_, i) => ({
        label: c.name,
        method: 'POST',
        path: '/',
        body: { i, u: `floor${label}n{{n}}` },
      }))
      const r = await runLoadProcess({
        baseUrl: floor.url,
        requests,
        concurrency,
        seconds,
        warmupSeconds: WARM_UP_SECONDS,
        watchPids: [process.pid],
      })
      return { ...r, cpuMs: r.watchedCpuMs ?? NaN, senderCpuMs: r.cpuMs, databaseCpuMs: r.watchedDatabaseCpuMs }
    },
    async close() {
      await (await server)?.close()
      await pool.end().catch(() => {})
    },
  }
}

/** How many distinct requests a load of the app or the floor cycles through: each business's customers in turn. */
function loadRequestCount(concurrency: number, businesses: ReadonlyArray<{ recorded: RecordedRequest }>): number {
  const spread = businesses[0].recorded.customers ? CUSTOMERS_A_BUSINESS : 1
  return Math.max(concurrency * 2, businesses.length * spread)
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

/** The figures of one run: each side's requests/s, p99 and CPU a request, and the ratio of the two throughputs. */
function figures(r: { app: LoadResult; baseline: LoadResult; floor?: LoadResult }) {
  const appRps = throughput(r.app)
  const baseRps = throughput(r.baseline)
  const floorRps = r.floor ? throughput(r.floor) : NaN
  return {
    floorRps,
    floorRatio: baseRps > 0 ? floorRps / baseRps : NaN,
    floorP99: r.floor ? percentile(r.floor.latenciesMs, 0.99) : NaN,
    floorCpu: r.floor ? cpuPerOperation(r.floor) : NaN,
    floorSenderCpu: r.floor ? perOperation(r.floor, r.floor.senderCpuMs) : NaN,
    floorDatabaseCpu: r.floor ? perOperation(r.floor, r.floor.databaseCpuMs) : NaN,
    appRps,
    baseRps,
    ratio: baseRps > 0 ? appRps / baseRps : NaN,
    appP50: percentile(r.app.latenciesMs, 0.5),
    appP99: percentile(r.app.latenciesMs, 0.99),
    baseP50: percentile(r.baseline.latenciesMs, 0.5),
    baseP99: percentile(r.baseline.latenciesMs, 0.99),
    appCpu: cpuPerOperation(r.app),
    senderCpu: perOperation(r.app, r.app.senderCpuMs),
    appDatabaseCpu: perOperation(r.app, r.app.databaseCpuMs),
    baseDatabaseCpu: perOperation(r.baseline, r.baseline.databaseCpuMs),
    baseCpu: cpuPerOperation(r.baseline),
  }
}

/**
 * The CPU every process on this machine spent on one request: the app side (its server, its HTTP client, PostgreSQL),
 * the floor's (the bench process, its HTTP client, PostgreSQL) and the baseline's (the pg client, PostgreSQL). With
 * the cores saturated, requests/s is the cores over this sum, so the ratio follows the sums. NaN with PostgreSQL elsewhere.
 */
function machineCpu(f: ReturnType<typeof figures>) {
  return {
    app: f.appCpu + f.senderCpu + f.appDatabaseCpu,
    floor: f.floorCpu + f.floorSenderCpu + f.floorDatabaseCpu,
    baseline: f.baseCpu + f.baseDatabaseCpu,
  }
}

/**
 * The table rows of one case: each figure the median of its runs (the ratio's runs listed beside it), the machine's
 * speed when the case began; the targets are given on the product's case at its most clients only.
 */
function report(
  label: string,
  runs: Array<{ app: LoadResult; baseline: LoadResult; floor?: LoadResult }>,
  speed: string,
  targets: boolean,
): BenchRow[] {
  const each = runs.map(figures)
  const mid = (pick: (f: ReturnType<typeof figures>) => number) => median(each.map(pick))
  const of = runs.length > 1 ? ` (median of ${runs.length})` : ''
  const ratio = mid((f) => f.ratio)
  const [appP99, baseP99, appCpu, baseCpu] = [mid((f) => f.appP99), mid((f) => f.baseP99), mid((f) => f.appCpu), mid((f) => f.baseCpu)]
  const appErrors = runs.reduce((n, r) => n + r.app.errors, 0)
  const baseErrors = runs.reduce((n, r) => n + r.baseline.errors, 0)
  const goal = (target: string, met: boolean) => (targets ? { target, met } : {})
  const rows: BenchRow[] = [
    {
      measure: `${label}: ratio app/baseline requests/s${of}`,
      value: ratio.toFixed(2),
      ...goal(`>= ${TARGET_RATIO}`, ratio >= TARGET_RATIO),
      note: `${runs.length > 1 ? `runs ${each.map((f) => f.ratio.toFixed(2)).join(', ')}; ` : ''}${speed}`,
    },
    {
      measure: `${label}: app / pg baseline: requests/s${of}`,
      value: `${mid((f) => f.appRps).toFixed(1)} / ${mid((f) => f.baseRps).toFixed(1)}`,
    },
    {
      measure: `${label}: app / pg baseline: p50 ms${of}`,
      value: `${twoPlaces(mid((f) => f.appP50))} / ${twoPlaces(mid((f) => f.baseP50))}`,
    },
    {
      measure: `${label}: app / pg baseline: p99 ms${of}`,
      value: `${twoPlaces(appP99)} / ${twoPlaces(baseP99)}`,
      ...goal(`app <= ${TARGET_P99_TIMES_BASELINE}x baseline`, appP99 <= TARGET_P99_TIMES_BASELINE * baseP99),
    },
    {
      measure: `${label}: app server / pg client: CPU ms a request${of}`,
      value: `${twoPlaces(appCpu)} / ${twoPlaces(baseCpu)}`,
      ...goal(`app <= pg client + ${TARGET_EXTRA_CPU_MS}`, appCpu <= baseCpu + TARGET_EXTRA_CPU_MS),
      note: "the app server's process; the bench process, where the pg client sends the same statements",
    },
    {
      measure: `${label}: the app's HTTP client in the load process: CPU ms a request${of}`,
      value: twoPlaces(mid((f) => f.senderCpu)),
      note: "the app's callers share the cores: the baseline's caller is the pg client above",
    },
    {
      measure: `${label}: PostgreSQL's CPU ms a request, app / pg baseline${of}`,
      value: `${twoPlaces(mid((f) => f.appDatabaseCpu))} / ${twoPlaces(mid((f) => f.baseDatabaseCpu))}`,
      note: "the server's processes on this machine (n/a for a server elsewhere), its background workers included",
    },
    {
      measure: `${label}: every process's CPU ms a request, app / pg baseline${of}`,
      value: `${twoPlaces(mid((f) => machineCpu(f).app))} / ${twoPlaces(mid((f) => machineCpu(f).baseline))}`,
      note: `the three rows above summed; the baseline's over the app's, ${twoPlaces(mid((f) => machineCpu(f).baseline / machineCpu(f).app))}, is the ratio the cores allow once they are saturated`,
    },
    {
      measure: `${label}: app / pg baseline: errors`,
      value: `${appErrors} / ${baseErrors}`,
      ...goal('0 / 0', appErrors + baseErrors === 0),
    },
  ]
  if (runs.every((r) => r.floor)) rows.push(...floorRows(label, each, of))
  for (const e of new Set(runs.flatMap((r) => r.app.errorSamples))) rows.push({ measure: `${label}: app: an error`, value: '', note: e })
  for (const e of new Set(runs.flatMap((r) => r.floor?.errorSamples ?? [])))
    rows.push({ measure: `${label}: HTTP floor: an error`, value: '', note: e })
  for (const e of new Set(runs.flatMap((r) => r.baseline.errorSamples)))
    rows.push({ measure: `${label}: pg baseline: an error`, value: '', note: e })
  return rows
}

/**
 * The HTTP floor's rows: what a bare node:http server sending the baseline's statements reaches against the baseline,
 * the app against it, and where its machine time went; the same medians as the app's rows.
 */
function floorRows(label: string, each: Array<ReturnType<typeof figures>>, of: string): BenchRow[] {
  const mid = (pick: (f: ReturnType<typeof figures>) => number) => median(each.map(pick))
  const mine = ' a bare node:http server in the bench process, called over HTTP by a load process as the app is'
  return [
    {
      measure: `${label}: HTTP floor / pg baseline: ratio of requests/s${of}`,
      value: mid((f) => f.floorRatio).toFixed(2),
      note: `runs ${each.map((f) => f.floorRatio.toFixed(2)).join(', ')}; the baseline's statements sent by${mine}: what HTTP in Node costs with nothing around the SQL`,
    },
    {
      measure: `${label}: app / HTTP floor: ratio of requests/s${of}`,
      value: mid((f) => f.appRps / f.floorRps).toFixed(2),
      note: 'what the product costs beyond HTTP itself',
    },
    {
      measure: `${label}: HTTP floor: requests/s and p99 ms${of}`,
      value: `${mid((f) => f.floorRps).toFixed(1)}, ${twoPlaces(mid((f) => f.floorP99))}`,
    },
    {
      measure: `${label}: HTTP floor: CPU ms a request, server / load process / PostgreSQL${of}`,
      value: `${twoPlaces(mid((f) => f.floorCpu))} / ${twoPlaces(mid((f) => f.floorSenderCpu))} / ${twoPlaces(mid((f) => f.floorDatabaseCpu))}`,
      note: 'the bench process (the server and its pg client), the HTTP client, the server processes',
    },
    {
      measure: `${label}: HTTP floor: every process's CPU ms a request${of}`,
      value: twoPlaces(mid((f) => machineCpu(f).floor)),
      note: `the row above summed; the baseline's over it ${twoPlaces(mid((f) => machineCpu(f).baseline / machineCpu(f).floor))}, the app's beyond it, the product's own work with what it makes PostgreSQL do, is "spent" in the row below`,
    },
    {
      measure: `${label}: the product's room at ${TARGET_RATIO}: CPU ms a request beyond the floor's, allowed / spent${of}`,
      value: `${twoPlaces(mid((f) => productRoom(machineCpu(f), TARGET_RATIO).allowed))} / ${twoPlaces(mid((f) => productRoom(machineCpu(f), TARGET_RATIO).spent))}`,
      note: `what every process may spend on a request beyond the floor's sum for the cores to allow ${TARGET_RATIO} (the baseline's sum over ${TARGET_RATIO}, less the floor's), and what the app spends; at or below 0 no server doing more than the floor could reach it that hour`,
    },
  ]
}

/** Milliseconds a successful operation, or NaN when the total is unknown. */
function perOperation(r: LoadResult, totalMs: number | undefined): number {
  return r.ok > 0 && totalMs !== undefined ? totalMs / r.ok : NaN
}

/** A figure (milliseconds or a ratio) to two places, or n/a when it could not be measured. */
function twoPlaces(v: number): string {
  return Number.isNaN(v) ? 'n/a' : v.toFixed(2)
}

/** Creates `count` customers of the business through the app, named after `name`; returns their ids. */
export async function moreCustomers(client: JsonPoster, count: number, name: string): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const made = await client.post('/api/actions', {
      domain: 'contact',
      action: 'create',
      data: { display_name: `${name} ${nameTag(String(i))}` },
    })
    await expectOk(made)
    ids.push((made.json as { data: { id: string } }).data.id)
  }
  return ids
}

/** Stops setup when a request did not succeed, quoting the answer. */
export async function expectOk(r: { status: number; json: unknown }): Promise<void> {
  if (r.status === 200) return
  const error = (r.json as { error?: { code?: string; message?: string } } | null)?.error
  throw new Error(`HTTP ${r.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim())
}
