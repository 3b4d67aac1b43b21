import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FUNCTIONS_DIR, functionsFor, migrate, readFunctions, readMigrations } from '../../../core/db/migrate.js'
import type { Database } from '../../../core/db/types.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// Both engines: the database layer itself, on each engine.

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const scratchDirs: string[] = []

/** A folder holding the given files, removed after the run. */
function scratchFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crm-functions-'))
  scratchDirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true })
})

/** The function files on disk, read independently of the code under test: name, checksum and the body between $$. */
function filesOnDisk() {
  return readdirSync(FUNCTIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(FUNCTIONS_DIR, name), 'utf8')
      return { name, checksum: sha256(text), body: /\bas \$\$([\s\S]*?)\$\$/.exec(text)?.[1] }
    })
}

async function recorded(db: Database) {
  return (await db.query<{ name: string; checksum: string }>('select name, checksum from schema_functions order by name')).rows
}

/** The body the database holds for the function a file is named after. */
async function bodyOf(db: Database, file: string): Promise<string | undefined> {
  const r = await db.query<{ src: string }>('select prosrc as src from pg_proc where proname = $1', [file.slice(0, -4)])
  expect(r.rows, file).toHaveLength(1)
  return r.rows[0].src
}

describe('reading the SQL function files', () => {
  it('holds the functions that numbered migrations used to copy whole, each defining the function it is named after', () => {
    const names = readFunctions().map((f) => f.name)
    expect(names).toEqual(expect.arrayContaining(['contact_ids_matching.sql', 'erase_customer.sql', 'search_hits.sql']))
    expect(readFunctions().map((f) => [f.name, f.checksum])).toEqual(filesOnDisk().map((f) => [f.name, f.checksum]))
    for (const f of filesOnDisk()) expect(f.body, f.name).toBeTruthy()
  })

  it('refuses a file not named after a function, and one that does not create or replace its function', () => {
    expect(() => readFunctions(scratchFolder({ 'Bad-Name.sql': 'select 1;' }))).toThrow(/Bad-Name\.sql.*named after their function/)
    const plain = scratchFolder({ 'probe_fn.sql': 'create function probe_fn() returns int language sql as $$ select 1 $$;' })
    expect(() => readFunctions(plain)).toThrow(/probe_fn\.sql.*create or replace function probe_fn/)
    const other = scratchFolder({ 'probe_fn.sql': 'create or replace function probe_other() returns int language sql as $$ select 1 $$;' })
    expect(() => readFunctions(other)).toThrow(/probe_fn\.sql/)
  })

  it('leaves no numbered migration after 0118 to define a function that has a file: its file is where it changes', () => {
    const named = new Set(filesOnDisk().map((f) => f.name.slice(0, -4)))
    const copies = readMigrations()
      .filter((m) => m.version > 118)
      .flatMap((m) =>
        [...m.sql.matchAll(/create\s+(?:or\s+replace\s+)?function\s+(?:public\.)?(\w+)\s*\(/gi)]
          .filter((hit) => named.has(hit[1].toLowerCase()))
          .map((hit) => `${m.name}: ${hit[1]}`),
      )
    expect(copies).toEqual([])
  })

  it('applies the files after the newest numbered migration only: an older schema may lack what they read', () => {
    const all = readMigrations()
    expect(functionsFor(all).map((f) => f.name)).toEqual(filesOnDisk().map((f) => f.name))
    expect(functionsFor(all.slice(0, -1))).toEqual([])
  })
})

describe.each(bothEngines)('SQL function files (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t.dispose())

  it('a freshly migrated database holds every function as its file defines it, each file recorded', async () => {
    expect(await recorded(t.db)).toEqual(filesOnDisk().map(({ name, checksum }) => ({ name, checksum })))
    for (const f of filesOnDisk()) expect(await bodyOf(t.db, f.name), f.name).toBe(f.body)
  })

  it("writes a record's search entries in PL/pgSQL: a SQL function's statements would be planned again at every write", async () => {
    const r = await t.db.query<{ name: string; language: string }>(
      `select p.proname as name, l.lanname as language from pg_proc p join pg_language l on l.oid = p.prolang
        where p.proname like 'search\\_refresh\\_%' and p.proname <> 'search_refresh_own_contacts' order by 1`,
    )
    expect(r.rows).toEqual(
      ['contacts', 'invoices', 'leads', 'notes', 'tickets'].map((kind) => ({ name: `search_refresh_${kind}`, language: 'plpgsql' })),
    )
  })

  it('a database migrated before the files existed gets every file once, over what its migrations left', async () => {
    // As a database migrated by the numbered files alone left it, with an older body in place.
    await t.admin.exec(`drop table schema_functions;
      create or replace function contact_ids_matching(p_q text) returns setof uuid language sql stable as $$ select null::uuid where false $$`)
    const files = filesOnDisk()
    expect(await migrate(t.db)).toEqual(files.map((f) => `functions/${f.name}`))
    expect(await recorded(t.db)).toEqual(files.map(({ name, checksum }) => ({ name, checksum })))
    for (const f of files) expect(await bodyOf(t.db, f.name), f.name).toBe(f.body)
    expect(await migrate(t.db)).toEqual([])
  })

  it('applies a changed file once, and only that one', async () => {
    const dir = scratchFolder({})
    for (const f of readFunctions()) writeFileSync(join(dir, f.name), f.sql)
    const changed = readFileSync(join(dir, 'search_hits.sql'), 'utf8').replace('declare\n', 'declare\n  -- changed\n')
    expect(changed).toContain('-- changed')
    writeFileSync(join(dir, 'search_hits.sql'), changed)
    const functions = readFunctions(dir)
    expect(await migrate(t.db, readMigrations(), functions)).toEqual(['functions/search_hits.sql'])
    expect(await bodyOf(t.db, 'search_hits.sql')).toContain('-- changed')
    expect((await recorded(t.db)).find((r) => r.name === 'search_hits.sql')?.checksum).toBe(sha256(changed))
    expect(await migrate(t.db, readMigrations(), functions)).toEqual([])
    // Back to the file on disk: applied once more.
    expect(await migrate(t.db)).toEqual(['functions/search_hits.sql'])
    expect(await bodyOf(t.db, 'search_hits.sql')).not.toContain('-- changed')
  })

  it('rolls back a failing file, names it and records it not', async () => {
    const dir = scratchFolder({
      'probe_broken.sql':
        'create or replace function probe_broken() returns int language sql as $$ select count(*)::int from no_such_table $$;',
    })
    await expect(migrate(t.db, readMigrations(), readFunctions(dir))).rejects.toThrow(/functions\/probe_broken\.sql failed.*no_such_table/)
    expect((await recorded(t.db)).map((r) => r.name)).not.toContain('probe_broken.sql')
  })
})
