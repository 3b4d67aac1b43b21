import type { Database } from '../core/db/types.js'

/** What one upkeep did: the tables vacuumed (and analyzed with it) and the tables only analyzed. */
export interface Upkeep {
  vacuumed: string[]
  analyzed: string[]
}

/**
 * Keeps the tables as a server's autovacuum keeps them while they grow (a server may run without it, as this machine's
 * does), with autovacuum's default thresholds:
 * - every table with more dead rows than 50 and a fifth of its size, or more rows inserted since its last vacuum than
 *   1,000 and a fifth of its size, is vacuumed and analyzed: a customer's search entry is rewritten with each of its
 *   notes, and without a vacuum each request reads past more dead versions than the last, so the figures fall run
 *   after run for a reason no deployment has;
 * - every other table changed by more than 50 rows and a tenth of its size since it was last analyzed is analyzed.
 *   Each connection keeps the plans of its statements, of the triggers' and of the foreign keys' checks until the
 *   statistics of their tables change: planned on the tables of the setup, they scan every row (a booking read all the
 *   tickets twice, checking its line items against their ticket), and whichever side warms up first keeps those plans.
 */
export async function upkeepGrownTables(db: Database): Promise<Upkeep> {
  const due = await db.query<{ name: string; vacuum: boolean }>(
    `select name, vacuum from (
        select format('%I', s.relname) as name,
          s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) or s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0) as vacuum,
          s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) as analyze_due
        from pg_stat_user_tables s join pg_class c on c.oid = s.relid) t
      where vacuum or analyze_due order by name`,
  )
  const vacuumed = due.rows.filter((r) => r.vacuum).map((r) => r.name)
  const analyzed = due.rows.filter((r) => !r.vacuum).map((r) => r.name)
  // VACUUM cannot run inside a transaction block, nor beside another statement in one simple query.
  if (vacuumed.length) await db.exec(`vacuum (analyze) ${vacuumed.join(', ')}`)
  if (analyzed.length) await db.exec(`analyze ${analyzed.join(', ')}`)
  return { vacuumed, analyzed }
}
