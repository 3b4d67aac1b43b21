import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { behaviourEngine, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// One engine: the schema is the same on both, and restores on both load with the keys deferred (test/core/backup).

// A restore loads an archive's tables in any order with every key deferred and checks them once the rows are in
// (core/backup/load.ts). A key that cannot be deferred is dropped and added back instead, which is some hundred times
// dearer: a migration that adds a foreign key says DEFERRABLE (INITIALLY IMMEDIATE, so nothing else changes).
describe('every foreign key of the schema may be deferred', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(behaviourEngine)
  })
  afterAll(() => t.dispose())

  it('is deferrable and checked at once unless a transaction defers it', async () => {
    const r = await t.admin.query<{ name: string; deferrable: boolean; deferred: boolean }>(
      `select format('%s.%s', conrelid::regclass, conname) as name, condeferrable as deferrable, condeferred as deferred
       from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace order by 1`,
    )
    // The keys of contacts, tickets, invoices and the rest: a list this long means the query found the schema's.
    expect(r.rows.length).toBeGreaterThan(100)
    expect(r.rows.filter((k) => !k.deferrable).map((k) => `${k.name} is not DEFERRABLE`)).toEqual([])
    expect(r.rows.filter((k) => k.deferred).map((k) => `${k.name} is INITIALLY DEFERRED`)).toEqual([])
  })
})
