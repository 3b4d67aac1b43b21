import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setLocalStatements } from './tenant.js'
import type { Database } from './types.js'

/** The folder of numbered SQL files, found from source (tests) and from dist (built). */
export const MIGRATIONS_DIR = findMigrationsDir()

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

/** Applies every pending migration, each in its own transaction; refuses when an applied file has changed. */
export async function migrate(db: Database, files = readMigrations()): Promise<string[]> {
  const applied: string[] = []
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
    await tx.exec(`create table if not exists schema_migrations (
      version int primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`)
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
