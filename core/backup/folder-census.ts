import { readdir } from 'node:fs/promises'
import type { Queryable } from '../db/types.js'
import { archivesMadeHere } from './made-here.js'
import { parseArchiveName } from './retention.js'

/** How many archive names are shown of those this database did not make. */
const EXAMPLES = 3

/** The archives in CRM_BACKUP_DIR, and those not in this database's backup history, as `crm doctor` notes them. */
export interface BackupFolderCensus {
  dir: string
  archives: number
  /** Archives this database did not make: another installation's sharing the folder, or a replaced database's. */
  foreign: number
  /** The newest few of them, by name. */
  foreign_examples: string[]
}

/** Counts the archives in the backup folder (none when it does not exist yet) and those this database did not make. */
export async function backupFolderCensus(db: Queryable, dir: string): Promise<BackupFolderCensus> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[]
    throw err
  })
  const archives = names.filter((name) => parseArchiveName(name) !== null)
  const made = archives.length ? await archivesMadeHere(db) : new Set<string>()
  const foreign = archives
    .filter((name) => !made.has(name))
    .sort((a, b) => (parseArchiveName(b)?.at.getTime() ?? 0) - (parseArchiveName(a)?.at.getTime() ?? 0))
  return { dir, archives: archives.length, foreign: foreign.length, foreign_examples: foreign.slice(0, EXAMPLES) }
}
