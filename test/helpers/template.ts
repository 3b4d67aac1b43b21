import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { readFunctions, readMigrations } from '../../core/db/migrate.js'
import type { Queryable } from '../../core/db/types.js'

/** A short fingerprint of the migration and SQL function files (names and contents: a renumbered file is a new one), the declarations of personal data and how the template is made, so a template is rebuilt whenever they change. */
export const migrationsFingerprint = createHash('sha256')
  .update(
    readMigrations()
      .map((m) => `${m.name}:${m.checksum}`)
      .join(','),
  )
  .update(
    readFunctions()
      .map((f) => `${f.name}:${f.checksum}`)
      .join(','),
  )
  .update(JSON.stringify(PERSONAL_DATA))
  // How the template is made (trimForCopies): a template made before a change to it is not reused.
  .update('trimmed for copies')
  .digest('hex')
  .slice(0, 12)

/** Where the migrated PGlite data folder is dumped for test files to load. */
export const pgliteTemplatePath = join(tmpdir(), `crm-pglite-template-${migrationsFingerprint}.tar`)

/**
 * Where a new PGlite data folder is dumped as initdb leaves it, before any migration: the tests of migrations load their
 * empty databases from it instead of running initdb each time, seconds of CPU apiece.
 */
export const pgliteEmptyPath = join(tmpdir(), `crm-pglite-empty-${migrationsFingerprint}.tar`)

/** The dumps as read once by this worker: every file it runs loads its databases from the same bytes. */
const dumps = new Map<string, Blob>()

/** A PGlite dump of the run (the template or the empty folder) as a Blob to load, read from disk once per worker. */
export function dumpBlob(path: string): Blob {
  let blob = dumps.get(path)
  if (!blob) {
    blob = new Blob([readFileSync(path)])
    dumps.set(path, blob)
  }
  return blob
}

/** The PostgreSQL database every test database is copied from. */
export const postgresTemplateName = `crm_template_${migrationsFingerprint}`

/** The server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * Leaves out of the embedded template what no copy of it uses, so each test file loads a third less: the two template
 * databases (nothing creates a database on the embedded engine) and the WAL written before the last checkpoint.
 */
export async function trimForCopies(db: Queryable): Promise<void> {
  await db.query(`update pg_database set datistemplate = false where datname in ('template0', 'template1')`)
  await db.query('drop database template0')
  await db.query('drop database template1')
  // A finished segment is deleted at the checkpoint instead of kept for reuse, so only the current one is dumped.
  await db.query('set wal_recycle = off')
  await db.query('select pg_switch_wal()')
  await db.query('checkpoint')
}
