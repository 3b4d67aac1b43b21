import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../core/kernel/config.js'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { cpuPerOperation, percentile, throughput, type LoadResult } from '../load.js'
import { buildMix, type MixBusiness } from '../load-mix.js'
import { runLoadProcess, type LoadRequest, type ProcessLoadResult } from '../load-process.js'
import { seedLoadBusinesses } from '../load-businesses.js'
import type { MemoryReport } from '../memory-report.js'
import { mixRoundTrips, recordMix, replayMix, type RecordedMixRequest } from '../mix-baseline.js'
import { createScratchDatabase } from '../postgres-server.js'
import { processCpuMs } from '../process-cpu.js'
import { megabytes, processMemory, sampleResidentPeak } from '../process-memory.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'
import { productServerEnv, startServerProcess, type ServerProcess } from '../server-process.js'

/** Businesses served at once, and generated customers in each (BENCH_LOAD_BUSINESSES, BENCH_LOAD_CONTACTS). */
const BUSINESSES = Number(process.env.BENCH_LOAD_BUSINESSES ?? 5)
const CONTACTS = Number(process.env.BENCH_LOAD_CONTACTS ?? 3000)
/** Which engines to measure (BENCH_LOAD_ENGINES, comma-separated: pglite, postgresql); both by default. */
const ENGINES = (process.env.BENCH_LOAD_ENGINES || 'pglite,postgresql')
  .toLowerCase()
  .split(',')
  .map((w) => w.trim())
/** Concurrent clients of each step. */
const STEPS = [1, 8, 32]
/** Clients of the cold step and of the warm-up, and the seconds after a start the cold step measures. */
const COLD_CLIENTS = 8
const COLD_SECONDS = 5
/** Rounds of the mix in the list the load cycles through (each round: ten requests per business). */
const ROUNDS = 20
/** The pg client's pool for the mix's statements: the product's own default (core/db/limits.ts). */
const BASELINE_POOL = 20
/** Targets on PostgreSQL: the server's CPU per request above the pg client's for the same statements, and p95 at 8 clients. */
const TARGET_CPU_ABOVE_PG_MS = 1.0
const TARGET_P95_AT_8_MS = 30
/** Targets on the embedded engine: CPU per request at one client, resident memory idle, the first seconds against warm. */
const TARGET_EMBEDDED_CPU_MS = 4
const TARGET_EMBEDDED_IDLE_MB = 250
const TARGET_COLD_SHARE = 2 / 3

const SERVER = fileURLToPath(new URL('../../api/main.js', import.meta.url))
const FLOOR = fileURLToPath(new URL('../floor-server.js', import.meta.url))

/** Where one engine's data is, as the server's environment says it. */
interface EngineUnderTest {
  name: string
  env: NodeJS.ProcessEnv
  open(): Promise<Database>
  /** The server's URL, where the mix's statements can also be sent straight through pg (PostgreSQL only). */
  url?: string
}

/**
 * The product as a server process on each engine (PGlite in a data folder, PostgreSQL), loaded from another process
 * with the office manager's mix over several businesses at 1, 8 and 32 clients: throughput, latency, errors and the
 * server's resident memory, cold (right after start) and warm, beside the limits: an empty HTTP handler and `select 1`
 * on the same engine, each a server process of its own under the same load.
 */
export const enginesUnderLoad: Scenario = {
  name: 'engines under load',
  needs: 'postgres',
  async run(settings: BenchSettings) {
    setLogLevel('silent')
    const scratchDir = mkdtempSync(join(tmpdir(), 'crm-bench-engines-'))
    const scratch = await createScratchDatabase(settings.databaseUrl, 'engines')
    const dataDir = join(scratchDir, 'data')
    const engines: EngineUnderTest[] = [
      { name: 'PGlite', env: { CRM_DATA_DIR: dataDir, DATABASE_URL: '' }, open: () => openPglite(dataDir) },
      { name: 'PostgreSQL', env: { DATABASE_URL: scratch.url }, open: async () => openPostgres(scratch.url, 4), url: scratch.url },
    ]
    try {
      const rows: BenchRow[] = []
      for (const engine of engines.filter((e) => ENGINES.includes(e.name.toLowerCase())))
        rows.push(...(await measureEngine(engine, settings, scratchDir)))
      return rows
    } finally {
      await scratch.drop().catch((err: Error) => process.stderr.write(`warning: could not drop the scratch database: ${err.message}\n`))
      rmSync(scratchDir, { recursive: true, force: true })
    }
  },
}

/** Seeds the engine, then measures the limits and the product on it. */
async function measureEngine(engine: EngineUnderTest, settings: BenchSettings, scratchDir: string): Promise<BenchRow[]> {
  const started = Date.now()
  const db = await engine.open()
  let businesses: MixBusiness[]
  try {
    await migrate(db)
    businesses = await seedLoadBusinesses(db, BUSINESSES, CONTACTS)
  } finally {
    await db.close()
  }
  const rows: BenchRow[] = [
    {
      measure: `${engine.name}: data`,
      value: `${BUSINESSES} x ${CONTACTS} customers`,
      note: `about 3 notes, 2 facts and a past visit each, 6 visits on each of the next 10 days, their confirmations delivered before the start; generated in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    },
  ]
  const env = productServerEnv(engine.env)
  const mix = buildMix(businesses, ROUNDS)
  rows.push(...(await measureFloor(engine.name, 'empty HTTP handler', 'empty', env, settings, scratchDir)))
  rows.push(...(await measureFloor(engine.name, 'select 1 over HTTP', 'select1', env, settings, scratchDir)))
  const product = await measureProduct(engine.name, env, mix, settings, scratchDir)
  rows.push(...product.rows)
  if (engine.url) rows.push(...(await compareWithPgClient(engine.name, engine.url, mix, product.warm, settings)))
  else rows.push(...embeddedTargets(engine.name, product))
  return rows
}

/**
 * The embedded engine's targets: at most 4 ms of the server's CPU per request at one client, 250 MB resident idle after
 * start, and the first five seconds after a start at least 2/3 of the warm rate at the same clients.
 */
function embeddedTargets(engine: string, product: MeasuredProduct): BenchRow[] {
  const one = product.warm.get(1)
  const eight = product.warm.get(COLD_CLIENTS)
  const rows: BenchRow[] = [
    {
      measure: `${engine}: app server RSS idle after start, target (MB)`,
      value: megabytes(product.idleRss),
      target: `<= ${TARGET_EMBEDDED_IDLE_MB}`,
      met: product.idleRss / 2 ** 20 <= TARGET_EMBEDDED_IDLE_MB,
    },
  ]
  if (one?.result.ok) {
    const cpu = one.serverCpuMs / one.result.ok
    rows.push({
      measure: `${engine}: app warm, 1 client, server CPU ms a request`,
      value: cpu.toFixed(2),
      target: `<= ${TARGET_EMBEDDED_CPU_MS.toFixed(1)}`,
      met: cpu <= TARGET_EMBEDDED_CPU_MS,
    })
  }
  if (eight) {
    const share = throughput(product.cold.result) / throughput(eight.result)
    rows.push({
      measure: `${engine}: app cold, first ${COLD_SECONDS} s after start against warm, ${COLD_CLIENTS} clients`,
      value: share.toFixed(2),
      target: `>= ${TARGET_COLD_SHARE.toFixed(2)}`,
      met: share >= TARGET_COLD_SHARE,
      note: `${throughput(product.cold.result).toFixed(0)} against ${throughput(eight.result).toFixed(0)} req/s`,
    })
  }
  return rows
}

/**
 * The office mix's own statements straight through pg at each step, beside the app server's figures: one round of the
 * mix (every kind for every business) recorded through a copy of the app, then replayed by a pg pool from this process.
 * The targets: the server's CPU per request at most 1.0 ms above the pg client's, throughput at 32 clients at least at
 * 8, p95 at 8 clients at most 30 ms.
 */
async function compareWithPgClient(
  engine: string,
  url: string,
  mix: LoadRequest[],
  warm: Map<number, StepResult>,
  settings: BenchSettings,
): Promise<BenchRow[]> {
  const db = openPostgres(url, BASELINE_POOL)
  let recorded: RecordedMixRequest[]
  try {
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', CRM_CHECK_OUTPUT: 'off' })
    recorded = await recordMix(config, db, mix.slice(0, BUSINESSES * 10))
  } finally {
    await db.close()
  }
  const rows: BenchRow[] = [
    {
      measure: `${engine}: the mix's statements, round trips per request`,
      value: mixRoundTrips(recorded).toFixed(1),
      note: 'one round of the mix recorded through the app, every kind for every business',
    },
  ]
  for (const clients of STEPS) {
    const base = await replayMix(url, recorded, clients, settings.seconds, BASELINE_POOL)
    const app = warm.get(clients)
    const appCpu = app?.result.ok ? app.serverCpuMs / app.result.ok : NaN
    const above = appCpu - cpuPerOperation(base)
    rows.push(baselineRow(`${engine}: pg client sending the mix's statements, ${clients} clients, req/s`, base))
    rows.push({
      measure: `${engine}: app server CPU above the pg client's, ${clients} clients (ms a request)`,
      value: above.toFixed(2),
      target: `<= ${TARGET_CPU_ABOVE_PG_MS.toFixed(1)}`,
      met: above <= TARGET_CPU_ABOVE_PG_MS,
      note: `app server ${appCpu.toFixed(2)} ms, pg client ${cpuPerOperation(base).toFixed(2)} ms (user and system CPU)`,
    })
  }
  const at = (n: number) => warm.get(n)?.result
  const at8 = at(8)
  const at32 = at(32)
  if (at8 && at32) {
    const ratio = throughput(at32) / throughput(at8)
    const p95 = percentile(at8.latenciesMs, 0.95)
    rows.push(
      {
        measure: `${engine}: app warm, throughput at 32 clients against 8`,
        value: ratio.toFixed(2),
        target: '>= 1.00',
        met: ratio >= 1,
        note: `${throughput(at32).toFixed(0)} against ${throughput(at8).toFixed(0)} req/s`,
      },
      {
        measure: `${engine}: app warm, 8 clients, p95 ms`,
        value: p95.toFixed(1),
        target: `<= ${TARGET_P95_AT_8_MS}`,
        met: p95 <= TARGET_P95_AT_8_MS,
      },
    )
  }
  return rows
}

/** A replay step's row: requests per second, latencies, errors and the pg client's CPU. */
function baselineRow(measure: string, r: LoadResult): BenchRow {
  const p = (q: number) => percentile(r.latenciesMs, q).toFixed(1)
  return {
    measure,
    value: throughput(r).toFixed(0),
    note: `p50 ${p(0.5)} / p95 ${p(0.95)} / p99 ${p(0.99)} ms; errors ${r.errors}${r.errorSamples.length ? ` (${r.errorSamples[0]})` : ''}; client CPU ${cpuPerOperation(r).toFixed(2)} ms a request`,
  }
}

/** One of the limits, as its own server process under the same steps of load. */
async function measureFloor(
  engine: string,
  what: string,
  mode: string,
  env: NodeJS.ProcessEnv,
  settings: BenchSettings,
  scratchDir: string,
): Promise<BenchRow[]> {
  const server = await startServerProcess(FLOOR, [mode], env, /listening at (http\S+)/, scratchDir)
  try {
    const idle = processMemory(server.pid).rss
    const rows: BenchRow[] = []
    for (const clients of STEPS) {
      rows.push(
        stepRow(
          `${engine}: limit, ${what}, ${clients} clients, req/s`,
          await loadWithPeak(server, [{ path: '/', label: what }], clients, settings.seconds, 1),
        ),
      )
    }
    rows.push({ measure: `${engine}: limit, ${what}, server RSS idle (MB)`, value: megabytes(idle) })
    return rows
  } finally {
    await server.stop()
  }
}

/** The product's server: idle memory, a cold step right after start, a warm-up, then each step warm, and the memory breakdown. */
async function measureProduct(
  engine: string,
  env: NodeJS.ProcessEnv,
  mix: LoadRequest[],
  settings: BenchSettings,
  scratchDir: string,
): Promise<MeasuredProduct> {
  const server = await startServerProcess(SERVER, [], env, /is running at (http\S+)/, scratchDir)
  try {
    await new Promise((r) => setTimeout(r, 1000))
    const idle = await memoryRow(`${engine}: app server RSS idle after start (MB)`, server)
    const rows: BenchRow[] = [idle.row]
    const cold = await loadWithPeak(server, mix, COLD_CLIENTS, COLD_SECONDS, 0)
    rows.push(stepRow(`${engine}: app cold, ${COLD_CLIENTS} clients, first ${COLD_SECONDS} s after start, req/s`, cold))
    await runLoadProcess({ baseUrl: server.url, requests: mix, concurrency: COLD_CLIENTS, seconds: settings.seconds })
    const warm = new Map<number, StepResult>()
    for (const clients of STEPS) {
      const step = await loadWithPeak(server, mix, clients, settings.seconds, 1)
      warm.set(clients, step)
      rows.push(stepRow(`${engine}: app warm, ${clients} clients, req/s`, step))
      if (clients === COLD_CLIENTS) rows.push(byKindRow(`${engine}: app warm, ${clients} clients, p50 / p95 ms by request`, step.result))
    }
    rows.push((await memoryRow(`${engine}: app server RSS after the load (MB)`, server)).row)
    return { rows, warm, cold, idleRss: idle.rss }
  } finally {
    await server.stop()
  }
}

/** The product's server measured: its rows, each warm step by clients, the cold step, and its resident bytes idle. */
interface MeasuredProduct {
  rows: BenchRow[]
  warm: Map<number, StepResult>
  cold: StepResult
  idleRss: number
}

/** A step measured: the load's figures, the server's peak resident size and the CPU time it spent. */
interface StepResult {
  result: ProcessLoadResult
  peak: number
  serverCpuMs: number
}

/** The server's memory now, broken down when it answers the report in time, else as the kernel counts it. */
async function memoryRow(measure: string, server: ServerProcess): Promise<{ row: BenchRow; rss: number }> {
  try {
    const m = await server.memoryReport()
    return {
      row: { measure, value: megabytes(m.rss), note: `highest since start (VmHWM) ${megabytes(m.peak)} MB; ${breakdown(m)}` },
      rss: m.rss,
    }
  } catch (err) {
    const m = processMemory(server.pid)
    return {
      row: {
        measure,
        value: megabytes(m.rss),
        note: `highest since start (VmHWM) ${megabytes(m.peak)} MB; no breakdown: ${(err as Error).message.slice(0, 120)}`,
      },
      rss: m.rss,
    }
  }
}

/** Runs the load from its own process (after a warm-up not counted) while sampling the server's resident size and CPU time. */
async function loadWithPeak(
  server: ServerProcess,
  requests: LoadRequest[],
  clients: number,
  seconds: number,
  warmupSeconds: number,
): Promise<StepResult> {
  let sampler = sampleResidentPeak(server.pid)
  try {
    if (warmupSeconds) await runLoadProcess({ baseUrl: server.url, requests, concurrency: clients, seconds: warmupSeconds })
    sampler.stop()
    sampler = sampleResidentPeak(server.pid)
    const cpuBefore = processCpuMs(server.pid)
    const result = await runLoadProcess({ baseUrl: server.url, requests, concurrency: clients, seconds })
    return { result, peak: sampler.stop(), serverCpuMs: processCpuMs(server.pid) - cpuBefore }
  } catch (err) {
    sampler.stop()
    throw err
  }
}

/** A step's row: requests per second, with latencies, errors and the server's peak memory in the note. */
function stepRow(measure: string, { result: r, peak: peakRss, serverCpuMs }: StepResult): BenchRow {
  const p = (q: number) => percentile(r.latenciesMs, q).toFixed(1)
  const problems = [...r.errorSamples, ...r.wrongSamples].slice(0, 2).join(' | ')
  return {
    measure,
    value: throughput(r).toFixed(0),
    note: `p50 ${p(0.5)} / p95 ${p(0.95)} / p99 ${p(0.99)} ms; errors ${r.errors}, wrong answers ${r.wrong}; server CPU ${r.ok ? (serverCpuMs / r.ok).toFixed(1) : 'n/a'} ms a request; server RSS peak ${megabytes(peakRss)} MB${problems ? `; ${problems}` : ''}`,
  }
}

/** p50 and p95 of each kind of request. */
function byKindRow(measure: string, r: ProcessLoadResult): BenchRow {
  const parts = Object.entries(r.byLabel).map(
    ([label, ms]) => `${label} ${percentile(ms, 0.5).toFixed(1)} / ${percentile(ms, 0.95).toFixed(1)}`,
  )
  return { measure, value: '', note: parts.join('; ') }
}

/** Where the server's resident memory is, in words. */
export function breakdown(m: MemoryReport): string {
  const wasm = m.wasm.map((w) => `WASM heap ${w.resident === null ? '?' : megabytes(w.resident)} resident of ${megabytes(w.size)}`)
  return [
    ...wasm,
    `JS heap ${megabytes(m.heapUsed)} used of ${megabytes(m.heapTotal)}`,
    `external ${megabytes(m.external)} (array buffers ${megabytes(m.arrayBuffers)})`,
    `mapped files ${megabytes(m.file)}`,
    `anonymous ${megabytes(m.anon)}`,
  ].join(', ')
}
