import { mkdtemp, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { copyFolder } from '../db/copy-folder.js'
import { openPgliteThread, type PgliteThreadDatabase } from '../db/pglite-thread.js'
import type { MigrationFile } from '../db/migrate.js'
import { openArchive } from './archive.js'
import { dumpSnapshot, type Manifest } from './dump.js'
import { DISCARD } from './entries.js'
import { loadArchive, migrationsFor } from './load.js'
import { ArchiveError } from './archive-error.js'
import { migratedTemplate, VERIFYING_ROLE } from './schema-template.js'

/**
 * Proves an archive restores: reads it back, loads it into a scratch embedded database as a role that owns it and is
 * no superuser (as a restore into the documented server runs), reads every table
 * again the way the dump did and compares row counts and checksums table by table, and each document's bytes with its
 * hash. Answers the counts; throws an ArchiveError naming the first difference.
 */
export async function verifyArchive(file: string, key: Buffer, now: Date): Promise<Record<string, number>> {
  // On disk beside the archive, in a thread ended afterwards: the business is never held in memory, and the thread's
  // memory goes back when it ends.
  const folder = await mkdtemp(join(dirname(file), '.verify-'))
  const scratch = await migratedScratch(migrationsFor(await manifestOf(file, key)), folder).catch(async (err) => {
    await rm(folder, { recursive: true, force: true })
    throw err
  })
  try {
    const { about, entries } = await openArchive(file, key)
    const documents: string[] = []
    const loaded = await loadArchive(scratch, entries, async (_tx, tenant, sha256) => {
      documents.push(`${tenant}/${sha256}`)
    })
    const scope = about.scope === 'all' ? {} : { tenantId: about.scope }
    const again = await dumpSnapshot(scratch, scope, DISCARD, now)
    for (const [table, count] of Object.entries(loaded.summary.counts)) {
      if (again.counts[table] !== count)
        throw new ArchiveError('damaged', `The archive did not restore: ${table} has ${again.counts[table] ?? 0} rows, not ${count}`)
      if (again.checksums[table] !== loaded.summary.checksums[table])
        throw new ArchiveError('damaged', `The archive did not restore: ${table}'s rows differ from those backed up`)
    }
    if (documents.sort().join('\n') !== loaded.summary.documents.join('\n'))
      throw new ArchiveError('damaged', 'The archive did not restore: its documents differ from those backed up')
    return { ...loaded.summary.counts, document_files: documents.length }
  } finally {
    await scratch.close()
    await rm(folder, { recursive: true, force: true })
  }
}

/** The first entry of an archive, read without going through the rest. */
async function manifestOf(file: string, key: Buffer): Promise<Manifest> {
  const { entries } = await openArchive(file, key)
  const first = await entries.next()
  await entries.return(undefined)
  if (first.done || first.value.head.type !== 'manifest') throw new ArchiveError('damaged', 'The archive has no manifest')
  return first.value.head.manifest as Manifest
}

/**
 * An empty scratch database migrated to the given schema, opened in the given folder, its session the verifying role.
 * It is a copy of a template kept on disk for that schema: the first verification of a schema migrates the template
 * file by file (seconds, and the most memory a backup takes, in a thread ended before the copy opens); the next ones
 * copy its folder.
 */
export async function migratedScratch(files: MigrationFile[], folder: string): Promise<PgliteThreadDatabase> {
  const template = await migratedTemplate(files, 'verifying role')
  await copyFolder(template, folder)
  const scratch = await openPgliteThread(folder, undefined, { use: 'one pass' })
  await scratch.exec(`set session authorization ${VERIFYING_ROLE}`)
  return scratch
}
