import { openPgliteThread } from '../db/pglite-thread.js'
import { openArchive } from './archive.js'
import { dumpSnapshot } from './dump.js'
import { DISCARD } from './entries.js'
import { loadArchive } from './load.js'
import { ArchiveError } from './seal.js'

/**
 * Proves an archive restores: reads it back, loads it into a scratch embedded database in memory, reads every table
 * again the way the dump did and compares row counts and checksums table by table, and each document's bytes with its
 * hash. Answers the counts; throws an ArchiveError naming the first difference.
 */
export async function verifyArchive(file: string, key: Buffer, now: Date): Promise<Record<string, number>> {
  const scratch = await openPgliteThread(undefined)
  try {
    const { header, entries } = await openArchive(file, key)
    const documents: string[] = []
    const loaded = await loadArchive(scratch, entries, async (_tx, tenant, sha256) => {
      documents.push(`${tenant}/${sha256}`)
    })
    const scope = header.scope === 'all' ? {} : { tenantId: header.scope }
    const again = await dumpSnapshot(scratch, scope, DISCARD, now)
    for (const [table, count] of Object.entries(loaded.summary.counts)) {
      if (again.counts[table] !== count)
        throw new ArchiveError('damaged', `The archive did not restore: ${table} has ${again.counts[table] ?? 0} rows, not ${count}`)
      if (again.checksums[table] !== loaded.summary.checksums[table])
        throw new ArchiveError('damaged', `The archive did not restore: ${table}'s rows differ from those backed up`)
    }
    if (documents.sort().join('\n') !== loaded.summary.documents.join('\n'))
      throw new ArchiveError('damaged', 'The archive did not restore: its documents differ from those backed up')
    return { ...loaded.summary.counts, documents: documents.length }
  } finally {
    await scratch.close()
  }
}
