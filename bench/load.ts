import { performance } from 'node:perf_hooks'

/** What a closed-loop run measured. */
export interface LoadResult {
  /** Operations that succeeded. */
  ok: number
  errors: number
  /** Wall time from the first start to the last finish. */
  seconds: number
  /** Latency of every successful operation, in milliseconds, sorted ascending. */
  latenciesMs: number[]
  /** A few distinct error messages, to say what went wrong. */
  errorSamples: string[]
  /** CPU time this process used meanwhile (user and system), in milliseconds. */
  cpuMs: number
  /** Where the load came from another process: that process's CPU time meanwhile, in milliseconds. */
  senderCpuMs?: number
  /** The PostgreSQL server's CPU time meanwhile, in milliseconds, where this machine runs it. */
  databaseCpuMs?: number
}

/**
 * Runs `concurrency` clients, each calling op back to back until `seconds` have passed and at least minimumOps calls
 * were started; errors are counted, not thrown.
 */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  op: (n: number) => Promise<void>,
  minimumOps = 0,
): Promise<LoadResult> {
  const deadline = performance.now() + seconds * 1000
  let n = 0
  return closedLoopUntil(
    concurrency,
    () => performance.now() < deadline || n < minimumOps,
    () => op(n++),
  )
}

/** The loop of closedLoop and eachOnce: each client calls op back to back while `more()` says so. */
async function closedLoopUntil(concurrency: number, more: () => boolean, op: () => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = []
  const errorSamples = new Set<string>()
  let errors = 0
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const client = async () => {
    while (more()) {
      const t0 = performance.now()
      try {
        await op()
        latencies.push(performance.now() - t0)
      } catch (err) {
        errors += 1
        if (errorSamples.size < 5) errorSamples.add(withoutIds(err instanceof Error ? err.message : String(err)))
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client))
  const elapsed = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return {
    ok: latencies.length,
    errors,
    seconds: elapsed,
    latenciesMs: latencies.sort((a, b) => a - b),
    errorSamples: [...errorSamples],
    cpuMs: (cpu.user + cpu.system) / 1000,
  }
}

/** Runs op once for each n below count, `concurrency` clients taking the next n in turn; errors are counted, not thrown. */
export async function eachOnce(concurrency: number, count: number, op: (n: number) => Promise<void>): Promise<LoadResult> {
  let next = 0
  return closedLoopUntil(
    concurrency,
    () => next < count,
    () => op(next++),
  )
}

/** Ids in messages would make every sample distinct. */
function withoutIds(message: string): string {
  return message.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
}

/** The nearest-rank percentile (0 < q <= 1) of sorted values; NaN when there are none. */
export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]
}

/** The middle value (the lower middle of an even count); NaN when there are none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN
}

/** CPU milliseconds this process spent per successful operation. */
export function cpuPerOperation(r: LoadResult): number {
  return r.ok > 0 ? r.cpuMs / r.ok : NaN
}

/** Successful operations per second. */
export function throughput(r: LoadResult): number {
  return r.seconds > 0 ? r.ok / r.seconds : 0
}

/** Several runs of the same load taken as one. */
export function mergeResults(parts: LoadResult[]): LoadResult {
  return {
    ok: parts.reduce((s, p) => s + p.ok, 0),
    errors: parts.reduce((s, p) => s + p.errors, 0),
    seconds: parts.reduce((s, p) => s + p.seconds, 0),
    latenciesMs: parts.flatMap((p) => p.latenciesMs).sort((a, b) => a - b),
    errorSamples: [...new Set(parts.flatMap((p) => p.errorSamples))].slice(0, 5),
    cpuMs: parts.reduce((s, p) => s + p.cpuMs, 0),
    senderCpuMs: sumOf(parts.map((p) => p.senderCpuMs)),
    databaseCpuMs: sumOf(parts.map((p) => p.databaseCpuMs)),
  }
}

/** The sum, or undefined when any part is unknown. */
function sumOf(values: Array<number | undefined>): number | undefined {
  return values.every((v) => v !== undefined) ? values.reduce<number>((s, v) => s + (v ?? 0), 0) : undefined
}
