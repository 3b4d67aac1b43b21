import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LoadResult } from './load.js'

/** One HTTP request the load sends; the requests are sent in turn, each client taking the next. */
export interface LoadRequest {
  /** Groups latencies in the result (byLabel); the path when left out. */
  label?: string
  method?: 'GET' | 'POST'
  path: string
  /** Sent with this request on top of the spec's headers (one business's token, say). */
  headers?: Record<string, string>
  /** The JSON body; each `{{n}}` in it is replaced by a text unique to this send (a new customer's email, say), each `{{tag}}` by the same in letters (a name). */
  body?: unknown
  /** The expected status (200 when left out); any other counts as an error. */
  status?: number
  /** Text the answer must contain (a record's id, say); an answer without it counts as wrong, not as an error. */
  expect?: string
  /** Text the answer must not contain (a kind of hit that must not be there); an answer with it counts as wrong. */
  refuse?: string
}

/** What a load process is told to do. */
export interface LoadSpec {
  baseUrl: string
  headers?: Record<string, string>
  requests: LoadRequest[]
  concurrency: number
  seconds: number
  /** Load sent first and not counted, to warm caches and connections. */
  warmupSeconds?: number
  /** Send each request exactly once instead (seconds ignored), the clients taking them in turn: a cold pass. */
  once?: boolean
  /** Go on past `seconds` until every request was sent this many times (and once during the warm-up), so each is measured. */
  eachAtLeast?: number
  /** Processes on this machine (the server under test) whose CPU time is read around the measured part only, the warm-up left out. */
  watchPids?: number[]
}

/** A closed-loop run measured in its own process, with latencies per label and answers that missed their expected text. */
export interface ProcessLoadResult extends LoadResult {
  byLabel: Record<string, number[]>
  wrong: number
  /** Wrong answers per label. */
  wrongByLabel: Record<string, number>
  wrongSamples: string[]
  /** The CPU time of spec.watchPids during the measured part, in milliseconds (where asked for). */
  watchedCpuMs?: number
  /** PostgreSQL's CPU time during the measured part, in milliseconds, where this machine runs it (with watchPids). */
  watchedDatabaseCpuMs?: number
}

/** The compiled load worker, next to this file. */
const WORKER = fileURLToPath(new URL('./load-worker.js', import.meta.url))

/** Runs the load from a separate Node process, so the server under test does not share its CPU time or event loop with the clients. */
export function runLoadProcess(spec: LoadSpec): Promise<ProcessLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load process exited ${code}: ${stderr.trim().slice(0, 400)}`))
      try {
        resolve(JSON.parse(stdout) as ProcessLoadResult)
      } catch {
        reject(new Error(`load process printed no result: ${stdout.slice(0, 200)}`))
      }
    })
    child.stdin.end(JSON.stringify(spec))
  })
}
