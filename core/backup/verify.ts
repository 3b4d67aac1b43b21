import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { cp, mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { openPgliteThread, type PgliteThreadDatabase } from '../db/pglite-thread.js'
import { functionsFor, migrate, type MigrationFile } from '../db/migrate.js'
import { openArchive } from './archive.js'
import { dumpSnapshot, type Manifest } from './dump.js'
import { DISCARD } from './entries.js'
import { loadArchive, migrationsFor } from './load.js'
import { ArchiveError } from './archive-error.js'

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
 * The role a verification restores as, made as docs/deploy.md makes the production one: it owns the database and may
 * create roles, and is no superuser, so row level security, ownership and the migrations' grants work as in a restore.
 */
export const VERIFYING_ROLE = 'crm_restore_check'

/**
 * An empty scratch database migrated to the given schema, opened in the given folder, its session the verifying role.
 * It is a copy of a template kept on disk for that schema: the first verification of a schema migrates the template
 * file by file (seconds, and the most memory a backup takes, in a thread ended before the copy opens); the next ones
 * copy its folder.
 */
export async function migratedScratch(files: MigrationFile[], folder: string): Promise<PgliteThreadDatabase> {
  const template = await templateFor(files)
  await cp(template, folder, { recursive: true })
  const scratch = await openPgliteThread(folder, undefined, { use: 'one pass' })
  await scratch.exec(`set session authorization ${VERIFYING_ROLE}`)
  return scratch
}

/** The folder of an empty database migrated to the schema as the verifying role, made when there is none yet. */
async function templateFor(files: MigrationFile[]): Promise<string> {
  const functions = functionsFor(files)
  const schema = createHash('sha256')
    .update([...files.map((f) => `${f.version}:${f.checksum}`), ...functions.map((f) => `${f.name}:${f.checksum}`)].join(','))
    .digest('hex')
    .slice(0, 24)
  const template = join(templatesFolder(), `verify-${schema}`)
  if (existsSync(template)) return template
  const partial = await mkdtemp(`${template}.part-`)
  try {
    const scratch = await openPgliteThread(partial, undefined, { use: 'one pass' })
    try {
      await scratch.exec(`create role ${VERIFYING_ROLE} createrole;
        do $$ begin execute format('alter database %I owner to ${VERIFYING_ROLE}', current_database()); end $$;
        set session authorization ${VERIFYING_ROLE}`)
      await migrate(scratch, files, functions)
    } finally {
      await scratch.close()
    }
    // Made whole, then put in place under its name; another process that made it first keeps its own.
    await rename(partial, template).catch(() => {})
  } finally {
    await rm(partial, { recursive: true, force: true })
  }
  return template
}

/**
 * This user's folder for templates in the system's temporary folder (private to the service under the systemd unit),
 * refused when someone else could have written into it.
 */
function templatesFolder(): string {
  const uid = process.getuid?.() ?? 0
  const dir = join(tmpdir(), `service-crm-${uid}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stats = statSync(dir)
  if (stats.uid !== uid || (stats.mode & 0o022) !== 0)
    throw new Error(`${dir} is not this user's own folder (another user may write into it): remove it, and back up again`)
  return dir
}
