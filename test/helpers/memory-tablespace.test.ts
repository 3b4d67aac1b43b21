import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabase, type TestDatabase } from './databases.js'
import { databaseCopyClause, dropMemoryTablespace, memoryTablespace } from './memory-tablespace.js'
import { TMPFS_MAGIC } from './run-folder.js'
import { removeFolder } from './temp-folders.js'

const url = process.env.TEST_DATABASE_URL
/** Whether this run keeps its databases in memory: the server is on this machine and the run could give it a folder. */
const inMemory = databaseCopyClause() !== ''

describe.skipIf(!url || !inMemory)('the run keeps its PostgreSQL databases in its memory folder', () => {
  let admin: pg.Client
  let t: TestDatabase
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url })
    await admin.connect()
    t = await freshDatabase('postgres')
  })
  afterAll(async () => {
    await t?.dispose()
    await admin?.end()
  })

  it("copies a test file's database into the run's tablespace, on a memory-backed filesystem, file by file", async () => {
    const name = new URL(t.url as string).pathname.slice(1)
    const r = await admin.query<{ spcname: string; location: string }>(
      `select s.spcname, pg_tablespace_location(s.oid) as location
         from pg_database d join pg_tablespace s on s.oid = d.dattablespace where d.datname = $1`,
      [name],
    )
    expect(r.rows[0].spcname).toBe(`crm_test_${process.env.CRM_TEST_RUN}`)
    expect(statfsSync(r.rows[0].location).type).toBe(TMPFS_MAGIC)
    // From PostgreSQL 15 a copy goes through the write-ahead log block by block unless the clause asks for a file copy.
    const version = await admin.query<{ v: string }>(`select current_setting('server_version_num') as v`)
    if (Number(version.rows[0].v) >= 150000) expect(databaseCopyClause()).toMatch(/ strategy file_copy$/)
  })

  it('drops a tablespace an earlier run left whose folder is gone, with its databases, before it makes the next', async () => {
    const earlier = `sweep${randomBytes(3).toString('hex')}`
    const next = `sweep${randomBytes(3).toString('hex')}`
    const earlierFolder = mkdtempSync(join(tmpdir(), 'crm-earlier-run-'))
    const nextFolder = mkdtempSync(join(tmpdir(), 'crm-next-run-'))
    // Open to the server's user as a run's folder is (test/helpers/run-folder.ts).
    for (const f of [earlierFolder, nextFolder]) chmodSync(f, 0o1777)
    try {
      const clause = await memoryTablespace(admin, url as string, earlierFolder, earlier)
      expect(clause).toMatch(new RegExp(`^tablespace crm_test_${earlier}\\b`))
      await admin.query(`create database crm_test_${earlier}_left template template0 ${clause}`)
      // The machine restarted: the memory folder, and the database's files in it, are gone.
      removeFolder(earlierFolder)
      expect(await memoryTablespace(admin, url as string, nextFolder, next)).toMatch(new RegExp(`^tablespace crm_test_${next}\\b`))
      const spaces = await admin.query('select spcname from pg_tablespace where spcname = any($1)', [
        [`crm_test_${earlier}`, `crm_test_${next}`],
      ])
      expect(spaces.rows.map((s) => s.spcname)).toEqual([`crm_test_${next}`])
      const left = await admin.query('select 1 from pg_database where datname = $1', [`crm_test_${earlier}_left`])
      expect(left.rowCount).toBe(0)
    } finally {
      await dropMemoryTablespace(admin, next)
      removeFolder(earlierFolder)
      removeFolder(nextFolder)
    }
  })
})
