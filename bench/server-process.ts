import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MemoryReport } from './memory-report.js'

/** A server running as a process of its own, so its memory is its own. */
export interface ServerProcess {
  pid: number
  url: string
  /** Asks the process where its memory is (through bench/memory-report.js, loaded with --import). */
  memoryReport(): Promise<MemoryReport>
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>
}

/** The compiled memory reporter, next to this file. */
const REPORTER = fileURLToPath(new URL('./memory-report.js', import.meta.url))

/**
 * The environment of a server under test: the engine's location, quiet logs, nothing sent anywhere, and answers not
 * checked against their schemas, as a deployment runs (deploy/env.example sets NODE_ENV=production).
 */
export function productServerEnv(engine: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', CRM_CHECK_OUTPUT: 'off', ...engine }
  for (const name of ['RESEND_API_KEY', 'STRIPE_SECRET_KEY', 'LLM_BASE_URL', 'LLM_MODEL', 'CRM_DEMO']) delete env[name]
  return env
}

/** The young generation's half a deployment gives the server: deploy/crm.service's 2, and 16 where env.example sets PostgreSQL. */
function deployedSemiSpaceMb(env: NodeJS.ProcessEnv): string {
  return env.CRM_SEMI_SPACE_MB || (env.DATABASE_URL ? '16' : '2')
}

/** Node's own flags for the server, as `npm start` and deploy/crm.service run it with the deploy guide's environment (and a CPU profile when asked). */
export function serverNodeFlags(env: NodeJS.ProcessEnv): string[] {
  return [`--max-semi-space-size=${deployedSemiSpaceMb(env)}`, ...cpuProfileFlags(process.env.BENCH_SERVER_CPU_PROF)]
}

/** With BENCH_SERVER_CPU_PROF set to a folder, each server the bench starts writes its CPU profile there when it stops (sampled every 200 µs). */
function cpuProfileFlags(folder: string | undefined): string[] {
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${folder}`, '--cpu-prof-interval=200'] : []
}

/** Starts `node <script> ...args` with the memory reporter loaded, and the server's Node flags; resolves once its output matches `ready` (whose first group is the URL). */
export function startServerProcess(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  scratchDir: string,
): Promise<ServerProcess> {
  const reportFile = join(scratchDir, `memory-${process.hrtime.bigint()}.json`)
  const child = spawn(process.execPath, [...serverNodeFlags(env), '--import', REPORTER, script, ...args], {
    // No geocoder unless a scenario names one: the generated businesses' addresses are not looked up during a measurement.
    env: { CRM_GEOCODER: 'off', ...env, BENCH_MEMORY_REPORT: reportFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      reject(new Error(`${script} was not ready after 120 s: ${out.slice(-400)}`))
    }, 120_000)
    const look = (d: Buffer) => {
      if (out.length < 20_000) out += d
      const m = ready.exec(out)
      if (!m) return
      clearTimeout(timer)
      child.stdout.removeListener('data', look)
      child.stderr.removeListener('data', look)
      // The server's log keeps flowing; its last lines are kept to explain a failure.
      let tail = ''
      const keep = (t: Buffer) => (tail = (tail + t).slice(-2000))
      child.stdout.on('data', keep)
      child.stderr.on('data', keep)
      resolve(handle(child, m[1], reportFile, exited, () => tail))
    }
    child.stdout.on('data', look)
    child.stderr.on('data', look)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited (${code}) before it was ready: ${out.slice(-400)}`))
    })
  })
}

function handle(child: ChildProcess, url: string, reportFile: string, exited: Promise<void>, tail: () => string): ServerProcess {
  return {
    pid: child.pid as number,
    url,
    async memoryReport() {
      rmSync(reportFile, { force: true })
      child.kill('SIGUSR2')
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => setTimeout(r, 50))
        try {
          return JSON.parse(readFileSync(reportFile, 'utf8')) as MemoryReport
        } catch {
          /* not written yet, or half written */
        }
      }
      throw new Error(
        `process ${child.pid} wrote no memory report within 30 s (exit ${child.exitCode ?? child.signalCode ?? 'not yet'}): ${tail().slice(-400)}`,
      )
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
