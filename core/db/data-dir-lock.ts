import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The embedded database folder is used by one process at a time; this is that process's claim on it. */
export interface DataDirLock {
  /** Notes in the claim where this process serves, so a command turned away can point there instead. */
  announce(url: string): void
  release(): void
}

/** What the lock file says about its holder. */
export interface DataDirHolder {
  pid: number
  purpose: string
  since: string
  /** Where the holder serves people, once it listens (a server). */
  url?: string
}

/** The data folder is held by another living process, named in holder. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${holder.pid} (${holder.purpose}${holder.url ? ` at ${holder.url}` : ''}, since ${holder.since}). ` +
        'The embedded database serves one process at a time: stop that process first, or run both against a PostgreSQL server with DATABASE_URL.',
    )
    this.name = 'DataDirInUse'
  }
}

/**
 * Claims the data folder for this process, or explains clearly who holds it. The claim is the exclusive creation of the lock
 * file, so of two processes starting at once only one opens the folder: two PostgreSQL instances writing the same files
 * would corrupt them.
 */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'crm.lock')
  const own: DataDirHolder = { pid: process.pid, purpose, since: new Date().toISOString() }
  const claim = JSON.stringify(own)
  // A second try only after removing a claim left by a process that is gone (or a file that is not one).
  for (let attempt = 0; ; attempt++) {
    if (claimWhole(file, claim)) break
    const held = readHolder(file)
    if (held && held.pid !== process.pid && isAlive(held.pid)) throw new DataDirInUse(dataDir, held)
    if (attempt > 0)
      throw new Error(`The data folder ${dataDir} could not be claimed: another process is claiming it at this moment (${file})`)
    rmSync(file, { force: true })
  }
  return {
    announce(url) {
      if (readHolder(file)?.pid !== process.pid) return
      // Replaced whole by a rename, so a process reading the claim meanwhile finds the old one or the new one, never half.
      const next = `${file}.${process.pid}`
      writeFileSync(next, JSON.stringify({ ...own, url }))
      renameSync(next, file)
    },
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
function readHolder(file: string): DataDirHolder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DataDirHolder
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
