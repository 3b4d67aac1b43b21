import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { median } from './load.js'

/** Milliseconds from spawning `node -e` until it has printed and exited: how fast this machine is at this moment. */
async function bareNodeOnce(): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, ['-e', 'console.log("up")'], { stdio: ['ignore', 'pipe', 'ignore'] })
  child.stdout.resume()
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => resolve())
    child.once('error', reject)
  })
  return performance.now() - started
}

/** The machine's speed right now, to print beside a figure taken then: bare `node -e` (median of three) and the load average. */
export async function machineSpeed(): Promise<{ bareNodeMs: number; load: number; words: string }> {
  const times: number[] = []
  for (let i = 0; i < 3; i++) times.push(await bareNodeOnce())
  const bareNodeMs = median(times)
  const load = loadavg()[0]
  return { bareNodeMs, load, words: `bare node -e ${bareNodeMs.toFixed(0)} ms, load ${load.toFixed(1)}` }
}
