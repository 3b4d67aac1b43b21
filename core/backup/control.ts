import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * How an operator's command reaches the server that holds the embedded data folder: the server writes its local address
 * and a fresh secret into the folder at start (readable only by whoever can read the data itself), and the command
 * presents the secret over loopback.
 */
export interface ControlFile {
  url: string
  secret: string
}

const FILE = 'crm.control'

/** Writes a new control file into the data folder; answers the secret. */
export function writeControlFile(dataDir: string, url: string): string {
  const secret = randomBytes(32).toString('hex')
  writeFileSync(join(dataDir, FILE), JSON.stringify({ url, secret } satisfies ControlFile), { mode: 0o600 })
  return secret
}

/** The running server's control file, or null when there is none. */
export function readControlFile(dataDir: string): ControlFile | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as ControlFile
  } catch {
    return null
  }
}

/** Removes the control file when the server stops. */
export function removeControlFile(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true })
}
