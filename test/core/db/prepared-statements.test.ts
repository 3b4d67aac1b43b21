import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite } from '../../../core/db/pglite.js'
import { openPostgres } from '../../../core/db/postgres.js'
import type { Database } from '../../../core/db/types.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// Both engines: the database layer itself, on each engine.

/** The statements the connection holds prepared, by text, but this look itself (the embedded engine prepares it too). */
async function preparedTexts(db: Database): Promise<string[]> {
  const r = await db.query<{ statement: string }>(
    `select statement from pg_prepared_statements where statement not like '%pg_prepared_statements%' order by statement`,
  )
  return r.rows.map((row) => row.statement)
}

describe('statements with parameters are prepared by name once per connection (pglite)', () => {
  let db: Database
  beforeAll(async () => {
    db = await openPglite(undefined)
  })
  afterAll(() => db.close())

  it('prepares a text once and runs it by name after; a text that does not parse leaves nothing behind', async () => {
    await expect(db.query('selec $1::int as n', [1])).rejects.toThrow(/syntax error/)
    for (const n of [1, 2, 3]) expect((await db.query<{ n: number }>('select $1::int + 1 as n', [n])).rows).toEqual([{ n: n + 1 }])
    await db.transaction(async (tx) => {
      expect((await tx.query<{ n: number }>('select $1::int + 1 as n', [9])).rows).toEqual([{ n: 10 }])
    })
    expect(await preparedTexts(db)).toEqual(['select $1::int + 1 as n'])
    // An error while it runs keeps the statement prepared and usable.
    await expect(db.query('select 1 / $1::int as n', [0])).rejects.toThrow(/division by zero/)
    expect((await db.query<{ n: number }>('select 1 / $1::int as n', [1])).rows).toEqual([{ n: 1 }])
    expect(await preparedTexts(db)).toEqual(['select $1::int + 1 as n', 'select 1 / $1::int as n'])
  })
})

describe.runIf(bothEngines.includes('postgres'))('statements with parameters prepared by name on a server (postgres)', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase('postgres')
  })
  afterAll(() => t.dispose())

  it('on by default, each text once per connection; off sends every statement unnamed', async () => {
    for (const [options, expected] of [
      [{}, ['select $1::int + 1 as n']],
      [{ prepared: false }, []],
    ] as const) {
      // One connection, so the statement and the look at pg_prepared_statements share it.
      const db = openPostgres(t.url as string, 1, undefined, options)
      try {
        for (const n of [1, 2]) expect((await db.query<{ n: number }>('select $1::int + 1 as n', [n])).rows).toEqual([{ n: n + 1 }])
        expect(await preparedTexts(db)).toEqual(expected)
      } finally {
        await db.close()
      }
    }
  })
})
