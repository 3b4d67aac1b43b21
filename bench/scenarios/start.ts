import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchRow, Scenario } from '../scenario.js'

/** How many starts each figure is the median of. */
const RUNS = 5

/** The repository root: the nearest folder above this file holding package.json. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return dir
}

/** Milliseconds from spawning the command until its output says it is running, then until it exits after SIGTERM. */
async function startAndStop(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ readyMs: number; stopMs: number }> {
  const started = performance.now()
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 60 s: ${out.slice(-300)}`)), 60_000)
    const look = (d: Buffer) => {
      out += d
      if (ready.test(out)) {
        clearTimeout(timer)
        resolve(performance.now() - started)
      }
    }
    child.stdout.on('data', look)
    child.stderr.on('data', look)
    child.once('exit', () => reject(new Error(`exited before it was ready: ${out.slice(-300)}`)))
  })
  const stopping = performance.now()
  child.kill('SIGTERM')
  await exited
  return { readyMs, stopMs: performance.now() - stopping }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** `npm start` on an existing data folder on the embedded engine: time until it answers, time to stop, and bare Node beside it. */
export const startScenario: Scenario = {
  name: 'start',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const root = repositoryRoot()
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-start-'))
    const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', CRM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' }
    const running = /is running at http/
    try {
      // The first start creates and migrates the data folder; the figures are for the starts after it.
      await startAndStop('node', ['dist/api/main.js'], root, env, running)
      const server: Array<{ readyMs: number; stopMs: number }> = []
      const npm: Array<{ readyMs: number; stopMs: number }> = []
      const bare: number[] = []
      for (let i = 0; i < RUNS; i++) {
        server.push(await startAndStop('node', ['dist/api/main.js'], root, env, running))
        npm.push(await startAndStop('npm', ['start', '--silent'], root, env, running))
        bare.push((await startAndStop('node', ['-e', 'console.log("up")'], root, env, /up/)).readyMs)
      }
      const npmReady = median(npm.map((r) => r.readyMs))
      return [
        {
          measure: 'npm start on an existing data folder, ready (ms, median of 5)',
          value: npmReady.toFixed(0),
          target: '<= 1500',
          met: npmReady <= 1500,
          note: 'sources unchanged: no build',
        },
        { measure: 'node dist/api/main.js, ready (ms, median of 5)', value: median(server.map((r) => r.readyMs)).toFixed(0) },
        { measure: 'stop after SIGTERM (ms, median of 5)', value: median(server.map((r) => r.stopMs)).toFixed(0) },
        { measure: 'bare node -e, for comparison (ms, median of 5)', value: median(bare).toFixed(0), note: 'the floor: Node itself' },
      ]
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
}
