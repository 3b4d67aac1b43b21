import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PERSONAL_DATA } from '../../../core/domains/personal-data.js'
import { loadConfig } from '../../../core/kernel/config.js'
import { MIGRATIONS_DIR, migrate, pendingMigrations, readFunctions, readMigrations, type MigrationFile } from '../../../core/db/migrate.js'
import { openPglite } from '../../../core/db/pglite.js'
import { openPostgres } from '../../../core/db/postgres.js'
import type { Database } from '../../../core/db/types.js'
import { openMigratedDatabase } from '../../../core/kernel/runtime.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'
import { compileForNode, runNode } from '../../helpers/node-process.js'
import { deployDatabase } from '../../helpers/deploy-database.js'

// Both engines: the database layer itself, on each engine.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const scratchDirs: string[] = []

/** A folder holding the given files, removed after the run. */
function scratchFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crm-migrations-'))
  scratchDirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true })
})

/** The files on disk, read independently of the code under test: what schema_migrations must record. */
function expectedRecords() {
  return readMigrations().map((f) => ({
    version: f.version,
    name: f.name,
    checksum: sha256(readFileSync(join(MIGRATIONS_DIR, f.name), 'utf8')),
  }))
}

/** What migrating an empty database applies: every numbered file, then every SQL function file. */
function everyFile(): string[] {
  return [...readMigrations().map((f) => f.name), ...readFunctions().map((f) => `functions/${f.name}`)]
}

async function recorded(db: Database) {
  return (
    await db.query<{ version: number; name: string; checksum: string }>(
      'select version, name, checksum from schema_migrations order by version',
    )
  ).rows
}

async function tableExists(db: Database, name: string): Promise<boolean> {
  return (await db.query<{ t: string | null }>('select to_regclass($1)::text as t', [name])).rows[0].t !== null
}

/** A new PostgreSQL database with nothing in it, on the test server. */
async function emptyPostgres(): Promise<{ url: string; dispose(): Promise<void> }> {
  return deployDatabase(`crm_test_empty_${process.pid}_${randomBytes(4).toString('hex')}`)
}

describe('reading the migrations folder', () => {
  it('reads NNNN_name.sql files in number order and ignores other files', () => {
    const dir = scratchFolder({ '0010_c.sql': 'select 3;', '0002_b.sql': 'select 2;', '0001_a.sql': 'select 1;', 'README.md': 'notes' })
    expect(readMigrations(dir).map((f) => [f.version, f.name, f.checksum])).toEqual([
      [1, '0001_a.sql', sha256('select 1;')],
      [2, '0002_b.sql', sha256('select 2;')],
      [10, '0010_c.sql', sha256('select 3;')],
    ])
  })

  it('refuses two files with the same number, naming both', () => {
    const dir = scratchFolder({ '0001_a.sql': 'select 1;', '0002_b.sql': 'select 2;', '0002_c.sql': 'select 3;' })
    expect(() => readMigrations(dir)).toThrow(/0002_b\.sql and 0002_c\.sql/)
  })

  it('refuses a SQL file that is not named NNNN_name.sql instead of skipping it', () => {
    const dir = scratchFolder({ '0001_a.sql': 'select 1;', '2_add_things.sql': 'select 2;' })
    expect(() => readMigrations(dir)).toThrow(/2_add_things\.sql/)
  })
})

describe.each(bothEngines)('migrations (%s)', (engine) => {
  describe('on an empty database', () => {
    let db: Database
    let config: ReturnType<typeof loadConfig>
    let dispose: () => Promise<void>
    beforeAll(async () => {
      if (engine === 'pglite') {
        const dataDir = scratchFolder({})
        config = loadConfig({ CRM_DATA_DIR: join(dataDir, 'data'), LOG_LEVEL: 'silent' })
        db = await openPglite(config.dataDir)
        dispose = async () => {
          await db.close().catch(() => {})
        }
      } else {
        const empty = await emptyPostgres()
        config = loadConfig({ DATABASE_URL: empty.url, LOG_LEVEL: 'silent' })
        db = openPostgres(empty.url, 2)
        dispose = async () => {
          await db.close().catch(() => {})
          await empty.dispose()
        }
      }
    })
    afterAll(() => dispose())

    it('applies every file in order, records each with its checksum, and applies nothing the second time', async () => {
      const names = readMigrations().map((f) => f.name)
      expect(await pendingMigrations(db)).toEqual(names)
      expect(await migrate(db)).toEqual(everyFile())
      expect(await recorded(db)).toEqual(expectedRecords())
      expect(await pendingMigrations(db)).toEqual([])
      // With nothing to apply, a start sends a handful of statements, not four for every file.
      const sent: string[] = []
      const watched: Database = {
        ...db,
        query: (text, params) => {
          sent.push(text)
          return db.query(text, params)
        },
        transaction: (fn, setup) =>
          db.transaction(
            (tx) =>
              fn({
                query: (text, params) => {
                  sent.push(text)
                  return tx.query(text, params)
                },
                exec: (text) => {
                  sent.push(text)
                  return tx.exec(text)
                },
              }),
            setup,
          ),
      } as Database
      expect(await migrate(watched)).toEqual([])
      expect(sent.length).toBeLessThanOrEqual(5)
      expect(await recorded(db)).toEqual(expectedRecords())
    })

    it('stops start-up when an applied file was changed, naming the file', async () => {
      const first = readMigrations()[0]
      // The same as editing the file after it was applied: the recorded checksum no longer matches the file.
      await db.query(`update schema_migrations set checksum = $1 where version = $2`, [sha256('an older text'), first.version])
      await db.close()
      const message = new RegExp(`${first.name.replace('.', '\\.')} was changed after it was applied`)
      await expect(openMigratedDatabase(config, 'test', PERSONAL_DATA)).rejects.toThrow(message)
      // Refusing released the database: a second start gets the same clear message, not a busy data folder.
      await expect(openMigratedDatabase(config, 'test', PERSONAL_DATA)).rejects.toThrow(message)
    })
  })

  describe('on a migrated database', () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await freshDatabase(engine)
    })
    afterAll(() => t.dispose())

    it('applies new files in number order, each recorded, and lists them as pending until then', async () => {
      const extra = readMigrations(
        scratchFolder({
          '9010_c.sql': 'alter table probe_order add column c int;',
          '9001_a.sql': 'create table probe_order (a int);',
          '9002_b.sql': 'alter table probe_order add column b int;',
        }),
      )
      const all = [...readMigrations(), ...extra]
      expect(await pendingMigrations(t.db, all)).toEqual(['9001_a.sql', '9002_b.sql', '9010_c.sql'])
      expect(await migrate(t.db, all)).toEqual(['9001_a.sql', '9002_b.sql', '9010_c.sql'])
      const columns = await t.admin.query(
        `select attname from pg_attribute where attrelid = 'probe_order'::regclass and attnum > 0 order by attnum`,
      )
      expect(columns.rows).toEqual([{ attname: 'a' }, { attname: 'b' }, { attname: 'c' }])
      expect((await recorded(t.db)).filter((r) => r.version > 9000)).toEqual(
        extra.map((f) => ({ version: f.version, name: f.name, checksum: sha256(f.sql) })),
      )
      expect(await pendingMigrations(t.db, all)).toEqual([])
    })

    it('rolls back a failing file entirely, names it, records it not, and stops before the next', async () => {
      const files = [
        ...readMigrations(),
        ...readMigrations(
          scratchFolder({
            '9020_ok.sql': 'create table probe_ok (a int);',
            '9021_broken.sql': 'create table probe_half (a int);\nselect 1 / 0;',
            '9022_after.sql': 'create table probe_after (a int);',
          }),
        ),
      ]
      await expect(migrate(t.db, files)).rejects.toThrow(/9021_broken\.sql failed.*division by zero/)
      expect((await recorded(t.db)).map((r) => r.version)).toContain(9020)
      expect((await recorded(t.db)).map((r) => r.version)).not.toContain(9021)
      expect(await tableExists(t.db, 'probe_ok')).toBe(true)
      expect(await tableExists(t.db, 'probe_half')).toBe(false)
      expect(await tableExists(t.db, 'probe_after')).toBe(false)
      expect(await pendingMigrations(t.db, files)).toEqual(['9021_broken.sql', '9022_after.sql'])
    })

    it('refuses a changed, already applied file by name before applying anything new', async () => {
      const files = readMigrations()
      const edited: MigrationFile[] = files.map((f, i) =>
        i === 0 ? { ...f, sql: `${f.sql}\n-- edited`, checksum: sha256(`${f.sql}\n-- edited`) } : f,
      )
      const extra = readMigrations(scratchFolder({ '9030_new.sql': 'create table probe_new (a int);' }))
      await expect(migrate(t.db, [...edited, ...extra])).rejects.toThrow(`Migration ${files[0].name} was changed after it was applied`)
      expect(await tableExists(t.db, 'probe_new')).toBe(false)
      expect(await pendingMigrations(t.db, [...files, ...extra])).toEqual(['9030_new.sql'])
    })
  })
})

describe.skipIf(!process.env.TEST_DATABASE_URL)('migrating one PostgreSQL database from several places at once', () => {
  it('three pools migrating one empty database apply each migration and function file exactly once, without errors', async () => {
    const empty = await emptyPostgres()
    const pools = [1, 2, 3].map(() => openPostgres(empty.url, 2))
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p)))
      expect(applied.flat().sort()).toEqual(everyFile().sort())
      expect(await recorded(pools[0])).toEqual(expectedRecords())
    } finally {
      for (const p of pools) await p.close()
      await empty.dispose()
    }
  })

  it('the deploy role applies a changed search function on a connection that has not used pg_trgm yet', async () => {
    // The function sets pg_trgm's threshold; a role that is not a superuser may only once the library is loaded.
    const t = await freshDatabase('postgres')
    try {
      await t.admin.query(`update schema_functions set checksum = 'changed' where name = 'search_hits.sql'`)
      const fresh = openPostgres(t.url as string, 1)
      try {
        const who = await fresh.query<{ rolsuper: boolean }>('select rolsuper from pg_roles where rolname = current_user')
        expect(who.rows[0].rolsuper).toBe(false)
        expect(await migrate(fresh)).toEqual(['functions/search_hits.sql'])
      } finally {
        await fresh.close()
      }
    } finally {
      await t.dispose()
    }
  })

  it('two processes starting at once against one empty database apply each migration and function file exactly once', async () => {
    const script = compileForNode(join(dirname(new URL(import.meta.url).pathname), 'migrate-process.ts'))
    scratchDirs.push(dirname(dirname(dirname(dirname(script)))))
    const empty = await emptyPostgres()
    try {
      const runs = await Promise.all([runNode(script, [empty.url]), runNode(script, [empty.url])])
      for (const run of runs) expect(run.code, run.stderr).toBe(0)
      const applied = runs.flatMap((run) => JSON.parse(run.stdout) as string[])
      expect(applied.sort()).toEqual(everyFile().sort())
      const db = openPostgres(empty.url, 1)
      try {
        expect(await recorded(db)).toEqual(expectedRecords())
      } finally {
        await db.close()
      }
    } finally {
      await empty.dispose()
    }
  })
})
