import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// Both engines: the database layer itself, on each engine.

// Every lookup through a GIN index reads the index's whole pending list, and the planner counts the list in the index's
// cost: at the default 4 MB, steady writes made each universal search read hundreds of pending pages and turned the
// planner to reading every entry of a business instead (migration 0120). Each GIN index keeps its list to 64 kB.
describe.each(bothEngines)('GIN indexes keep short pending lists (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t.dispose())

  it('every GIN index of the schema merges its pending list at 64 kB', async () => {
    const r = await t.admin.query<{ name: string; options: string[] | null }>(
      `select c.relname as name, c.reloptions as options
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
       join pg_namespace n on n.oid = c.relnamespace
       where a.amname = 'gin' and n.nspname = current_schema() order by 1`,
    )
    // The search index, the contacts' word filters and the rest: a list this long means the query found the schema's.
    expect(r.rows.length).toBeGreaterThan(20)
    const unset = r.rows.filter((row) => !(row.options ?? []).includes('gin_pending_list_limit=64')).map((row) => row.name)
    expect(unset, 'GIN indexes without gin_pending_list_limit = 64 (create them "with (gin_pending_list_limit = 64)")').toEqual([])
  })
})
