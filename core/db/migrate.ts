import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setLocalStatements } from './tenant.js'
import type { Database } from './types.js'

/** The folder of numbered SQL files, found from source (tests) and from dist (built). */
export const MIGRATIONS_DIR = findMigrationsDir()

/** The folder of SQL function files (migrations/functions/name.sql), each applied whole again whenever its text changes. */
export const FUNCTIONS_DIR = join(MIGRATIONS_DIR, 'functions')

/** Any number shared by every process of this product: the advisory lock that serializes migrating. */
const MIGRATION_LOCK_KEY = 724_311_901

/** One migration file on disk. */
export interface MigrationFile {
  version: number
  name: string
  sql: string
  checksum: string
}

/** Reads migrations/NNNN_name.sql in order; a misnamed SQL file or a number used twice would be skipped silently, so both stop here. */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const sqlFiles = readdirSync(dir)
    .filter((f) => /\.sql$/i.test(f))
    .sort()
  const misnamed = sqlFiles.filter((f) => !/^\d{4}_[\w-]+\.sql$/.test(f))
  if (misnamed.length)
    throw new Error(`Migration file(s) ${misnamed.join(', ')} in ${dir} must be named NNNN_name.sql (four digits, then a name)`)
  const files = sqlFiles.map((name) => {
    const sql = readFileSync(join(dir, name), 'utf8')
    return { version: Number(name.slice(0, 4)), name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
  })
  for (let i = 1; i < files.length; i++) {
    if (files[i].version === files[i - 1].version) {
      throw new Error(
        `Migrations ${files[i - 1].name} and ${files[i].name} share the number ${files[i].version}: give each file its own number`,
      )
    }
  }
  return files
}

/** One SQL function file on disk: the whole current definition of the function it is named after. */
export interface FunctionFile {
  name: string
  sql: string
  checksum: string
}

/**
 * Reads functions/name.sql in name order. Each must create or replace the function it is named after: a file applied
 * again must not fail because its function exists, and one named after another function would be found in the wrong place.
 */
export function readFunctions(dir = FUNCTIONS_DIR): FunctionFile[] {
  const sqlFiles = readdirSync(dir)
    .filter((f) => /\.sql$/i.test(f))
    .sort()
  const misnamed = sqlFiles.filter((f) => !/^[a-z_][a-z0-9_]*\.sql$/.test(f))
  if (misnamed.length)
    throw new Error(`SQL function file(s) ${misnamed.join(', ')} in ${dir} must be named after their function: name.sql, lower case`)
  return sqlFiles.map((name) => {
    const sql = readFileSync(join(dir, name), 'utf8')
    const fn = name.slice(0, -4)
    if (!new RegExp(`create\\s+or\\s+replace\\s+function\\s+(public\\.)?${fn}\\s*\\(`, 'i').test(sql))
      throw new Error(`SQL function file ${name} in ${dir} must hold "create or replace function ${fn}(...)"`)
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
  })
}

/**
 * The function files to apply after the given migrations: all of them when the migrations reach the newest numbered
 * file on disk, none otherwise (a database migrated only to an older schema, as a restore of an older archive first
 * is, may lack what today's functions read).
 */
export function functionsFor(files: MigrationFile[], dir = MIGRATIONS_DIR): FunctionFile[] {
  const newest = readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .at(-1)
  return newest !== undefined && files.at(-1)?.name === newest ? readFunctions(join(dir, 'functions')) : []
}

/**
 * Applies every pending migration, each in its own transaction, refusing when an applied file has changed; then every
 * function file whose checksum differs from the one recorded. Answers the names applied (function files as functions/name.sql).
 */
export async function migrate(db: Database, files = readMigrations(), functions = functionsFor(files)): Promise<string[]> {
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
    await tx.exec(`create table if not exists schema_migrations (
      version int primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now());
    create table if not exists schema_functions (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`)
  })
  const present = await assertUnchanged(db, files)
  // Only files not yet applied are tried, each checked again under the lock: another process may apply one meanwhile.
  // A start with nothing to apply sends three reads instead of four statements a file.
  for (const file of files.filter((f) => !present.has(f.version))) {
    // No statement limit within a file, whatever the connection brings: a pooler in front of the server sets one on
    // every connection it opens, and building an index on a large business may rightly take minutes.
    await db.transaction(
      async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
        const done = await tx.query('select 1 from schema_migrations where version = $1', [file.version])
        if (done.rows.length) return
        try {
          await tx.exec(file.sql)
        } catch (err) {
          // Say which file failed: the database's message alone does not tell the operator where to look.
          throw new Error(`Migration ${file.name} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, {
            cause: err,
          })
        }
        await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
          file.version,
          file.name,
          file.checksum,
        ])
        applied.push(file.name)
      },
      setLocalStatements({ statement_timeout: '0' }).join('; '),
    )
  }
  applied.push(...(await applyFunctions(db, functions)))
  return applied
}

/** Applies each function file whose text differs from the one last applied, each in its own transaction, after the numbered files. */
async function applyFunctions(db: Database, functions: FunctionFile[]): Promise<string[]> {
  if (!functions.length) return []
  const recorded = await db.query<{ name: string; checksum: string }>('select name, checksum from schema_functions')
  const have = new Map(recorded.rows.map((r) => [r.name, r.checksum]))
  const applied: string[] = []
  // Checked again under the lock, as the numbered files are: another process may apply the same file meanwhile.
  for (const fn of functions.filter((f) => have.get(f.name) !== f.checksum)) {
    await db.transaction(
      async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
        const now = await tx.query<{ checksum: string }>('select checksum from schema_functions where name = $1', [fn.name])
        if (now.rows[0]?.checksum === fn.checksum) return
        try {
          await tx.exec(fn.sql)
        } catch (err) {
          throw new Error(
            `SQL function file functions/${fn.name} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`,
            { cause: err },
          )
        }
        await tx.query(
          `insert into schema_functions (name, checksum) values ($1, $2)
           on conflict (name) do update set checksum = excluded.checksum, applied_at = now()`,
          [fn.name, fn.checksum],
        )
        applied.push(`functions/${fn.name}`)
      },
      setLocalStatements({ statement_timeout: '0' }).join('; '),
    )
  }
  return applied
}

/** Names the migrations not yet applied (for /readyz). */
export async function pendingMigrations(db: Database, files = readMigrations()): Promise<string[]> {
  const rows = await appliedRows(db)
  const have = new Set(rows.map((r) => r.version))
  return files.filter((f) => !have.has(f.version)).map((f) => f.name)
}

/** Refuses when an applied file has changed; answers the versions applied. */
async function assertUnchanged(db: Database, files: MigrationFile[]): Promise<Set<number>> {
  const byVersion = new Map(files.map((f) => [f.version, f]))
  const rows = await appliedRows(db)
  for (const row of rows) {
    const file = byVersion.get(row.version)
    if (file && file.checksum !== row.checksum) {
      throw new Error(
        `Migration ${row.name} was changed after it was applied (checksum differs). ` +
          'Applied migrations must never be edited: restore the file and add a new numbered migration instead.',
      )
    }
  }
  return new Set(rows.map((r) => r.version))
}

async function appliedRows(db: Database) {
  const exists = await db.query<{ t: string | null }>(`select to_regclass('schema_migrations')::text as t`)
  if (!exists.rows[0]?.t) return []
  const r = await db.query<{ version: number; name: string; checksum: string }>(
    'select version, name, checksum from schema_migrations order by version',
  )
  return r.rows
}

function findMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'migrations')
    try {
      if (readdirSync(candidate).some((f) => f.endsWith('.sql'))) return candidate
    } catch {
      /* keep climbing */
    }
    dir = resolve(dir, '..')
  }
  throw new Error('migrations/ folder not found')
}
