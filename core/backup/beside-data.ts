import { existsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Config } from '../kernel/config.js'

/** Where an archive kept in a folder sits against the data it holds: on the same disk, on the database's machine, or apart. */
export type BesideData = 'disk' | 'machine' | null

/** Host names that put a PostgreSQL server on this machine (an empty host is the local socket). */
const THIS_MACHINE = new Set(['', 'localhost', '127.0.0.1', '::1', '[::1]'])

/**
 * Whether an archive file is kept beside the data, so that one lost disk or machine takes both: on the embedded engine,
 * the archive and the data folder on one filesystem; on PostgreSQL, a server reached on this machine (its data folder
 * is the server's to know, not ours, so the machine is what can be said).
 */
export function besideData(config: Pick<Config, 'dataDir' | 'databaseUrl'>, file: string): BesideData {
  if (config.databaseUrl) return onThisMachine(config.databaseUrl) ? 'machine' : null
  return statSync(nearestExisting(file)).dev === statSync(nearestExisting(config.dataDir)).dev ? 'disk' : null
}

/** The one line that says an archive has no copy apart from the data, or null when it has one. */
export function besideDataWarning(where: BesideData): string | null {
  if (where === 'disk')
    return "The latest verified backup is only on the same disk as the business's data, so one lost disk loses both: set a bucket (CRM_BACKUP_S3_BUCKET) to keep a copy elsewhere."
  if (where === 'machine')
    return 'The latest verified backup is only on the machine that runs the database, so one lost machine loses both: set a bucket (CRM_BACKUP_S3_BUCKET) to keep a copy elsewhere.'
  return null
}

/** The path, or its nearest parent that exists (a folder is made at its first use; an archive may have been pruned since). */
export function nearestExisting(path: string): string {
  let at = path
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at)
  return at
}

function onThisMachine(url: string): boolean {
  try {
    const u = new URL(url)
    const socket = u.searchParams.get('host')
    if (socket?.startsWith('/')) return true
    return THIS_MACHINE.has(u.hostname)
  } catch {
    return false
  }
}
