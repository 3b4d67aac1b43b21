import type { Database } from '../core/db/types.js'

/**
 * Brings the planner's statistics up to the tables' size, as a server's autovacuum does when tables grow (a server may
 * run without it, as this machine's does): every table changed by more than autovacuum's analyze threshold since it was
 * last analyzed (50 rows and a tenth of its size) is analyzed. Each connection keeps the plans of its statements, of
 * the triggers' and of the foreign keys' checks until the statistics of their tables change: planned on the tables of
 * the setup, they scan every row (a booking read all the tickets twice, checking its line items against their ticket),
 * and whichever side warms up first keeps those plans. Returns the tables analyzed.
 */
export async function analyzeGrownTables(db: Database): Promise<string[]> {
  const grown = await db.query<{ name: string }>(
    `select format('%I', s.relname) as name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) order by s.relname`,
  )
  const names = grown.rows.map((r) => r.name)
  if (names.length) await db.exec(`analyze ${names.join(', ')}`)
  return names
}
