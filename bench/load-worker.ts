import { wrongAnswer } from './answer-check.js'
import { closedLoop, eachOnce } from './load.js'
import { postgresCpuMs, spentSince } from './postgres-cpu.js'
import { processCpuMs } from './process-cpu.js'
import { rawHttpClient, type RawAnswer } from './raw-http-client.js'
import { fillUnique } from './send-unique.js'
import type { LoadRequest, LoadSpec, ProcessLoadResult } from './load-process.js'

/** The load's client. */
type RawHttpClient = ReturnType<typeof rawHttpClient>

/** Sends so far by this process: what makes each `{{n}}` unique (bench/send-unique.ts). */
let sends = 0

/** Each request's body as JSON, made once. */
const bodies = new WeakMap<LoadRequest, string>()

/** Sends one request; resolves with its status and body text, rejects on a network failure or timeout. */
function send(client: RawHttpClient, headers: Record<string, string>, r: LoadRequest): Promise<RawAnswer> {
  const json = r.body === undefined ? undefined : (bodies.get(r) ?? bodies.set(r, JSON.stringify(r.body)).get(r))
  const body = json === undefined ? undefined : fillUnique(json, sends++)
  return client.send(r.method ?? 'GET', r.path, { ...headers, ...r.headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body)
}

/** The CPU time of the given processes together, in milliseconds. */
function watchedCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuMs(pid), 0)
}

/** Runs the spec read from stdin and writes a ProcessLoadResult as JSON to stdout. */
async function main(): Promise<void> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadSpec
  const client = rawHttpClient(spec.baseUrl)
  const byLabel: Record<string, number[]> = {}
  let wrong = 0
  const wrongByLabel: Record<string, number> = {}
  const wrongSamples: string[] = []
  const op = async (n: number) => {
    const r = spec.requests[n % spec.requests.length]
    const t0 = performance.now()
    const { status, text } = await send(client, spec.headers ?? {}, r)
    const ms = performance.now() - t0
    if (status !== (r.status ?? 200)) throw new Error(`${r.method ?? 'GET'} ${r.label ?? r.path} answered ${status}: ${text.slice(0, 160)}`)
    const why = wrongAnswer(r, text)
    if (why) {
      wrong += 1
      wrongByLabel[r.label ?? ''] = (wrongByLabel[r.label ?? ''] ?? 0) + 1
      const sample = `${r.label ?? r.path} (${decodeURIComponent(r.path.replace(/^[^?]*\?/, ''))}): ${why}`
      if (wrongSamples.length < 10 && !wrongSamples.includes(sample)) wrongSamples.push(sample)
    }
    ;(byLabel[r.label ?? ''] ??= []).push(ms)
  }
  const each = spec.requests.length * (spec.eachAtLeast ?? 0)
  if (spec.warmupSeconds && !spec.once) await closedLoop(spec.concurrency, spec.warmupSeconds, op, each ? spec.requests.length : 0)
  wrong = 0
  wrongSamples.length = 0
  for (const record of [byLabel, wrongByLabel]) for (const k of Object.keys(record)) delete record[k]
  const watched = spec.watchPids ? { cpu: watchedCpuMs(spec.watchPids), database: postgresCpuMs() } : null
  const result = spec.once
    ? await eachOnce(spec.concurrency, spec.requests.length, op)
    : await closedLoop(spec.concurrency, spec.seconds, op, each)
  const spent = watched
    ? { watchedCpuMs: watchedCpuMs(spec.watchPids ?? []) - watched.cpu, watchedDatabaseCpuMs: spentSince(watched.database) }
    : {}
  for (const v of Object.values(byLabel)) v.sort((a, b) => a - b)
  client.close()
  const answer: ProcessLoadResult = { ...result, byLabel, wrong, wrongByLabel, wrongSamples, ...spent }
  // A pipe is written asynchronously: exiting before the write is done would cut the result short.
  await new Promise<void>((resolve, reject) => process.stdout.write(JSON.stringify(answer), (err) => (err ? reject(err) : resolve())))
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
    process.exit(1)
  },
)
