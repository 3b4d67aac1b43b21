import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BytesBlob } from '../../core/db/bytes-blob.js'
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
  // Whom the PostgreSQL template belongs to: one made by the server's own role is not reused for the deploy role.
  .update('owned by the deploy role')
  .digest('hex')
  .slice(0, 12)

/**
 * Where the dumps below are kept from run to run: the system's temporary folder as the run found it (the run's own
 * folder, test/helpers/run-folder.ts, is removed at its end).
 */
const cacheFolder = process.env.CRM_TEST_CACHE_DIR ?? tmpdir()

/** Where the migrated PGlite data folder is dumped for test files to load. */
export const pgliteTemplatePath = join(cacheFolder, `crm-pglite-template-${migrationsFingerprint}.tar`)

/**
 * Where a new PGlite data folder is dumped as initdb leaves it, before any migration: the tests of migrations load their
 * empty databases from it instead of running initdb each time, seconds of CPU apiece.
 */
export const pgliteEmptyPath = join(cacheFolder, `crm-pglite-empty-${migrationsFingerprint}.tar`)

/** The dumps as read once by this worker: every file it runs loads its databases from the same bytes. */
const dumps = new Map<string, Blob>()

/** A PGlite dump of the run (the template or the empty folder) as a Blob to load, read from disk once per worker. */
export function dumpBlob(path: string): Blob {
  let blob = dumps.get(path)
  if (!blob) {
    blob = new BytesBlob(readFileSync(path))
    dumps.set(path, blob)
  }
  return blob
}

/** The PostgreSQL database every test database is copied from. */
export const postgresTemplateName = `crm_template_${migrationsFingerprint}`

/**
 * The role the PostgreSQL half of the suite connects as, made as docs/deploy.md makes the production one (`createuser
 * --createrole`, owner of its database): not a superuser, so row level security, security-definer functions and
 * ownership work as in production. TEST_DATABASE_URL names the server and a role that may create it and the databases.
 */
export const deployRole = process.env.TEST_DATABASE_ROLE ?? 'crm_test_deploy'

/**
 * The role tests reach into a database with, around the product, to set up and read rows of any business: a member of the
 * deploy role that bypasses row level security. No part of the product connects as it; the product's own connections are
 * the deploy role's, so what row level security hides from the owner stays hidden from the product under test.
 */
export const inspectorRole = `${deployRole}_inspector`

/** The server URL as the deploy role sees a database of it. */
export function asDeployRole(url: string, database: string): string {
  return asRole(url, database, deployRole)
}

/** The server URL as the tests' inspector sees a database of it. */
export function asInspector(url: string, database: string): string {
  return asRole(url, database, inspectorRole)
}

function asRole(url: string, database: string, role: string): string {
  const u = new URL(withDatabase(url, database))
  u.username = role
  u.password = ''
  return u.toString()
}

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
