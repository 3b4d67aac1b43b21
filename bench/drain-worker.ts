import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The built CLI, next to this file in dist/. */
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url))

/** One `crm worker --drain --json` process against a database (DATABASE_URL in env) with the rest of its environment; its counts. */
export function drainWorker(env: Record<string, string>): Promise<{ sent: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'worker', '--drain', '--json'], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`crm worker exited ${code}: ${stderr.trim()}`))
      resolve(JSON.parse(stdout) as { sent: number })
    })
  })
}
