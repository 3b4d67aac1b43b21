/** What every scenario is given: where the PostgreSQL server is and how hard and long to push. */
export interface BenchSettings {
  /** A server URL; PostgreSQL scenarios create and drop their own scratch database on it. */
  databaseUrl: string
  seconds: number
  concurrency: number
}

/** One line of the printed table. */
export interface BenchRow {
  measure: string
  value: string
  /** The goal, such as ">= 0.5"; empty when the figure is for information. */
  target?: string
  /** Whether the value meets the target; left out when there is no target. */
  met?: boolean
  /** Words that explain the value (printed last, so long notes do not widen the figures). */
  note?: string
}

/** A measurement: adding a file that exports one of these, and listing it in run.ts, adds it to `npm run bench`. */
export interface Scenario {
  name: string
  /** What must be reachable; a scenario whose needs are missing is printed as SKIPPED with the reason. */
  needs: 'postgres' | 'nothing'
  run(settings: BenchSettings): Promise<BenchRow[]>
}

/** Reads BENCH_DATABASE_URL, BENCH_SECONDS and BENCH_CONCURRENCY. */
export function loadBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const seconds = Number(env.BENCH_SECONDS ?? 10)
  const concurrency = Number(env.BENCH_CONCURRENCY ?? 32)
  if (!(seconds > 0)) throw new Error(`BENCH_SECONDS must be a positive number, got ${env.BENCH_SECONDS}`)
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`BENCH_CONCURRENCY must be a whole number of at least 1, got ${env.BENCH_CONCURRENCY}`)
  return { databaseUrl: env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres', seconds, concurrency }
}
