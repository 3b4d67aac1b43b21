import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeGrownTables } from '../../bench/grown-tables.js'
import { createScratchDatabase, type ScratchDatabase } from '../../bench/postgres-server.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'

// PostgreSQL only (TEST_DATABASE_URL): the bench measures writes on a server, whose statistics views this reads.

/** The planner's row count of a table: -1 until it is first analyzed. */
async function plannedRows(db: Database, table: string): Promise<number> {
  return Number((await db.query<{ n: number }>('select reltuples as n from pg_class where relname = $1', [table])).rows[0].n)
}

/**
 * Inserts rows into a table; the session's counts of changed rows reach the statistics views before it answers the
 * COMMIT (forced, where a session would otherwise report them up to a second later).
 */
async function insertRows(db: Database, table: string, rows: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`insert into ${table} (n) select generate_series(1, $1::int)`, [rows])
    await tx.query('select pg_stat_force_next_flush()')
  })
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('the bench keeps the planner statistics of the tables its slices grow', () => {
  let scratch: ScratchDatabase
  let db: Database

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL as string, 'grown')
    db = openPostgres(scratch.url, 1)
    await db.exec('create table grown (n int); create table "Quiet" (n int)')
  })
  afterAll(async () => {
    await db?.close()
    await scratch?.drop()
  })

  it('analyzes a table changed past autovacuum threshold (50 rows and a tenth), and no other', async () => {
    await insertRows(db, 'grown', 400)
    await insertRows(db, '"Quiet"', 50)
    expect(await analyzeGrownTables(db)).toEqual(['grown'])
    expect(await plannedRows(db, 'grown')).toBe(400)
    expect(await plannedRows(db, 'Quiet')).toBe(-1)
  })

  it('analyzes a table again once it grew by more than the threshold since, and names a quoted table as it must be', async () => {
    await insertRows(db, 'grown', 80)
    expect(await analyzeGrownTables(db)).toEqual([])
    expect(await plannedRows(db, 'grown')).toBe(400)
    await insertRows(db, '"Quiet"', 1)
    await insertRows(db, 'grown', 20)
    expect(await analyzeGrownTables(db)).toEqual(['"Quiet"', 'grown'])
    expect(await plannedRows(db, 'grown')).toBe(500)
    expect(await plannedRows(db, 'Quiet')).toBe(51)
  })
})
