import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The embedded database folder is used by one process at a time; this is that process's claim on it. */
export interface DataDirLock {
  release(): void
}

/** What the lock file says about its holder. */
interface Holder {
  pid: number
  purpose: string
  since: string
}

/**
 * Claims the data folder for this process, or explains clearly who holds it. The claim is the exclusive creation of the lock
 * file, so of two processes starting at once only one opens the folder: two PostgreSQL instances writing the same files
 * would corrupt them.
 */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'crm.lock')
  const claim = JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() })
  // A second try only after removing a claim left by a process that is gone (or a file that is not one).
  for (let attempt = 0; ; attempt++) {
    if (claimWhole(file, claim)) break
    const held = readHolder(file)
    if (held && held.pid !== process.pid && isAlive(held.pid)) {
      throw new Error(`The data folder ${dataDir} is in use by process ${held.pid} (${held.purpose}, since ${held.since}). ` +
        'The embedded database serves one process at a time: stop that process first, or run both against a PostgreSQL server with DATABASE_URL.')
    }
    if (attempt > 0) throw new Error(`The data folder ${dataDir} could not be claimed: another process is claiming it at this moment (${file})`)
    rmSync(file, { force: true })
  }
  return {
    release() {
      if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true })
    },
  }
}

/**
 * Creates the lock file holding the claim, or returns false when it exists. The claim is written to a file of this
 * process's own and linked to the lock's name, which fails when the name exists: the lock file never exists empty, as it
 * did between an exclusive create and its write, when another process starting at the same instant read it as a claim cut
 * short by a crash, removed it and claimed the folder too.
 */
function claimWhole(file: string, claim: string): boolean {
  const own = `${file}.${process.pid}`
  writeFileSync(own, claim)
  try {
    linkSync(own, file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return false
  } finally {
    rmSync(own, { force: true })
  }
}

/** The lock file's holder, or null when there is no file or it does not say (a claim cut short by a crash). */
function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder
  } catch {
    return null
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
