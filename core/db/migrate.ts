import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DatabaseRoles, rolesOf, withRoles } from './roles.js'
import { setLocalStatements } from './tenant.js'
import type { Database, Queryable } from './types.js'

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

/** The statement every transaction that migrates runs first: no statement limit, whatever the connection brings. */
const NO_STATEMENT_LIMIT = setLocalStatements({ statement_timeout: '0' }).join('; ')

/**
 * Applies every pending migration, each in its own transaction, refusing when an applied file has changed; then every
 * function file whose checksum differs from the one recorded. Answers the names applied (function files as functions/name.sql).
 */
export async function migrate(db: Database, files = readMigrations(), functions = functionsFor(files)): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
    await createRecordTables(tx)
  })
  const present = await assertUnchanged(db, files)
  const applied: string[] = []
  // Only files not yet applied are tried, each checked again under the lock: another process may apply one meanwhile.
  // A start with nothing to apply sends three reads instead of four statements a file.
  // No statement limit within a file, whatever the connection brings: a pooler in front of the server sets one on
  // every connection it opens, and building an index on a large business may rightly take minutes.
  for (const file of files.filter((f) => !present.has(f.version))) {
    if (await db.transaction((tx) => applyFile(tx, file, rolesOf(db)), NO_STATEMENT_LIMIT)) applied.push(file.name)
  }
  if (!functions.length) return applied
  const recorded = await recordedFunctions(db)
  // Checked again under the lock, as the numbered files are: another process may apply the same file meanwhile.
  for (const fn of functions.filter((f) => recorded.get(f.name) !== f.checksum)) {
    if (await db.transaction((tx) => applyFunction(tx, fn, rolesOf(db)), NO_STATEMENT_LIMIT)) applied.push(`functions/${fn.name}`)
  }
  return applied
}

/**
 * The same as migrate, inside a transaction the caller holds: a restore migrates and loads in one, so a failure leaves
 * the database as it was. The caller's transaction should have no statement limit.
 */
export async function migrateWithin(
  tx: Queryable,
  roles: DatabaseRoles,
  files = readMigrations(),
  functions = functionsFor(files),
): Promise<string[]> {
  await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
  await createRecordTables(tx)
  const present = await assertUnchanged(tx, files)
  const applied: string[] = []
  for (const file of files.filter((f) => !present.has(f.version))) if (await applyFile(tx, file, roles)) applied.push(file.name)
  const recorded = functions.length ? await recordedFunctions(tx) : new Map<string, string>()
  for (const fn of functions.filter((f) => recorded.get(f.name) !== f.checksum))
    if (await applyFunction(tx, fn, roles)) applied.push(`functions/${fn.name}`)
  return applied
}

/** The tables that record what was applied. */
async function createRecordTables(tx: Queryable): Promise<void> {
  await tx.exec(`create table if not exists schema_migrations (
    version int primary key, name text not null, checksum text not null,
    applied_at timestamptz not null default now());
  create table if not exists schema_functions (
    name text primary key, checksum text not null, applied_at timestamptz not null default now())`)
}

/** Each function file's checksum as last applied. */
async function recordedFunctions(db: Queryable): Promise<Map<string, string>> {
  const recorded = await db.query<{ name: string; checksum: string }>('select name, checksum from schema_functions')
  return new Map(recorded.rows.map((r) => [r.name, r.checksum]))
}

/** Applies one numbered file under the lock unless another process has meanwhile; answers whether this one did. */
async function applyFile(tx: Queryable, file: MigrationFile, roles: DatabaseRoles): Promise<boolean> {
  await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
  const done = await tx.query('select 1 from schema_migrations where version = $1', [file.version])
  if (done.rows.length) return false
  await loadExtensionSettings(tx)
  try {
    await seeingEveryRow(tx, () => tx.exec(withRoles(file.sql, roles)))
  } catch (err) {
    // Say which file failed: the database's message alone does not tell the operator where to look.
    throw new Error(`Migration ${file.name} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    })
  }
  await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [file.version, file.name, file.checksum])
  return true
}

/** Applies one function file under the lock unless its text is already the one recorded; answers whether this one did. */
async function applyFunction(tx: Queryable, fn: FunctionFile, roles: DatabaseRoles): Promise<boolean> {
  await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
  const now = await tx.query<{ checksum: string }>('select checksum from schema_functions where name = $1', [fn.name])
  if (now.rows[0]?.checksum === fn.checksum) return false
  await loadExtensionSettings(tx)
  try {
    await tx.exec(withRoles(fn.sql, roles))
  } catch (err) {
    throw new Error(
      `SQL function file functions/${fn.name} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    )
  }
  await tx.query(
    `insert into schema_functions (name, checksum) values ($1, $2)
     on conflict (name) do update set checksum = excluded.checksum, applied_at = now()`,
    [fn.name, fn.checksum],
  )
  return true
}

/**
 * Runs a migration's statements with every business's rows in sight. Forced row level security hides them from the
 * tables' owner, and a deploy role that is not a superuser is that owner: a file that rewrites existing rows (a
 * backfill, new default words, a recomputed key) would then change none and say nothing. Within the file's own
 * transaction the forcing is lifted and put back, so no other connection ever sees a table unforced; a database
 * without a business yet (a first start) has nothing to rewrite and skips it.
 */
async function seeingEveryRow(tx: Queryable, run: () => Promise<unknown>): Promise<void> {
  const role = await tx.query<{ sees_all: boolean }>(
    'select rolsuper or rolbypassrls as sees_all from pg_roles where rolname = current_user',
  )
  const forced = role.rows[0]?.sees_all
    ? []
    : (
        await tx.query<{ name: string }>(
          `select c.oid::regclass::text as name from pg_class c
           where c.relnamespace = 'public'::regnamespace and c.relforcerowsecurity order by 1`,
        )
      ).rows.map((r) => r.name)
  const lifted = forced.length > 0 && (await holdsBusiness(tx, forced))
  if (lifted) await tx.exec(forced.map((t) => `alter table ${t} no force row level security;`).join('\n'))
  await run()
  if (lifted) await tx.exec(forced.map((t) => `alter table if exists ${t} force row level security;`).join('\n'))
}

/** Whether a business exists, read past the forcing of the tenants table (lifted and put back for the read). */
async function holdsBusiness(tx: Queryable, forced: string[]): Promise<boolean> {
  if (!forced.includes('tenants')) return false
  await tx.exec('alter table tenants no force row level security')
  const r = await tx.query<{ any: boolean }>('select exists (select 1 from tenants) as any')
  await tx.exec('alter table tenants force row level security')
  return r.rows[0].any
}

/**
 * Loads pg_trgm's library into this connection when the extension is installed. Our search functions set its
 * thresholds (`set pg_trgm.similarity_threshold`), and PostgreSQL lets a role that is not a superuser (the deploy role)
 * create such a function only once the parameter is known, that is once the library is loaded in the connection; a
 * connection that has not yet used the extension would refuse with "permission denied to set parameter".
 */
async function loadExtensionSettings(tx: Queryable): Promise<void> {
  await tx.exec(
    `do $$ declare schema text; begin
       select extnamespace::regnamespace::text into schema from pg_extension where extname = 'pg_trgm';
       if schema is not null then execute format('select %s.similarity($1, $1)', schema) using ''; end if;
     end $$`,
  )
}

/** Names the migrations not yet applied (for /readyz). */
export async function pendingMigrations(db: Database, files = readMigrations()): Promise<string[]> {
  const rows = await appliedRows(db)
  const have = new Set(rows.map((r) => r.version))
  return files.filter((f) => !have.has(f.version)).map((f) => f.name)
}

/** Refuses when an applied file has changed; answers the versions applied. */
async function assertUnchanged(db: Queryable, files: MigrationFile[]): Promise<Set<number>> {
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

async function appliedRows(db: Queryable) {
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
