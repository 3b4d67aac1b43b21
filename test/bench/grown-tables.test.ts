import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { upkeepGrownTables } from '../../bench/grown-tables.js'
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
  await changeRows(db, `insert into ${table} (n) select generate_series(1, ${rows})`)
}

/** Runs one change to rows, its counts reported as insertRows' are. */
async function changeRows(db: Database, sql: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(sql)
    await tx.query('select pg_stat_force_next_flush()')
  })
}

/** A table's dead rows and whether it was ever vacuumed, as the statistics views report them. */
async function vacuumState(db: Database, table: string): Promise<{ dead: number; vacuumed: boolean }> {
  const r = await db.query<{ dead: string; vacuumed: boolean }>(
    'select n_dead_tup as dead, last_vacuum is not null as vacuumed from pg_stat_user_tables where relname = $1',
    [table],
  )
  return { dead: Number(r.rows[0].dead), vacuumed: r.rows[0].vacuumed }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('the bench keeps the tables its slices grow as autovacuum would', () => {
  let scratch: ScratchDatabase
  let db: Database

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL as string, 'grown')
    db = openPostgres(scratch.url, 1)
    await db.exec('create table grown (n int); create table "Quiet" (n int); create table churned (n int); create table filled (n int)')
  })
  afterAll(async () => {
    await db?.close()
    await scratch?.drop()
  })

  it('analyzes a table changed past autovacuum threshold (50 rows and a tenth), and no other', async () => {
    await insertRows(db, 'grown', 400)
    await insertRows(db, '"Quiet"', 50)
    expect(await upkeepGrownTables(db)).toEqual({ vacuumed: [], analyzed: ['grown'] })
    expect(await plannedRows(db, 'grown')).toBe(400)
    expect(await plannedRows(db, 'Quiet')).toBe(-1)
  })

  it('analyzes a table again once it grew by more than the threshold since, and names a quoted table as it must be', async () => {
    await insertRows(db, 'grown', 80)
    expect(await upkeepGrownTables(db)).toEqual({ vacuumed: [], analyzed: [] })
    expect(await plannedRows(db, 'grown')).toBe(400)
    await insertRows(db, '"Quiet"', 1)
    await insertRows(db, 'grown', 20)
    expect(await upkeepGrownTables(db)).toEqual({ vacuumed: [], analyzed: ['"Quiet"', 'grown'] })
    expect(await plannedRows(db, 'grown')).toBe(500)
    expect(await plannedRows(db, 'Quiet')).toBe(51)
  })

  it('vacuums, and analyzes, a table with more dead rows than 50 and a fifth of its size, and no table short of that', async () => {
    await insertRows(db, 'churned', 500)
    await upkeepGrownTables(db)
    await changeRows(db, 'update churned set n = n + 1 where n <= 140')
    expect(await upkeepGrownTables(db)).toEqual({ vacuumed: [], analyzed: ['churned'] })
    expect(await vacuumState(db, 'churned')).toEqual({ dead: 140, vacuumed: false })
    await changeRows(db, 'delete from churned where n > 480')
    expect(await upkeepGrownTables(db)).toEqual({ vacuumed: ['churned'], analyzed: [] })
    expect(await vacuumState(db, 'churned')).toEqual({ dead: 0, vacuumed: true })
    expect(await plannedRows(db, 'churned')).toBe(480)
  })

  it('vacuums a table with more rows inserted since its last vacuum than 1,000 and a fifth of its size', async () => {
    await insertRows(db, 'filled', 1000)
    expect(await upkeepGrownTables(db)).toEqual({ vacuumed: [], analyzed: ['filled'] })
    await insertRows(db, 'filled', 201)
    expect(await upkeepGrownTables(db)).toEqual({ vacuumed: ['filled'], analyzed: [] })
    expect(await vacuumState(db, 'filled')).toEqual({ dead: 0, vacuumed: true })
  })
})
