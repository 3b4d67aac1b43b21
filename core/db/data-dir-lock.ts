import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The embedded database folder is used by one process at a time; this is that process's claim on it. */
export interface DataDirLock {
  release(): void
}

/** Claims the data folder for this process, or explains clearly who holds it. */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'crm.lock')
  try {
    const held = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; purpose: string; since: string }
    if (held.pid !== process.pid && isAlive(held.pid)) {
      throw new Error(`The data folder ${dataDir} is in use by process ${held.pid} (${held.purpose}, since ${held.since}). ` +
        'The embedded database serves one process at a time: stop that process first, or run both against a PostgreSQL server with DATABASE_URL.')
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err
  }
  writeFileSync(file, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }))
  return {
    release() {
      try {
        const held = JSON.parse(readFileSync(file, 'utf8')) as { pid: number }
        if (held.pid === process.pid) rmSync(file)
      } catch { /* already gone */ }
    },
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
