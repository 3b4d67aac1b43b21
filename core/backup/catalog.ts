import type { Queryable } from '../db/types.js'

/**
 * Tables an archive leaves out: the migrations and SQL function files (the manifest names the migrations and a restore applies both), the code's own
 * declarations written at every start, counters of a moment (rate limits, send pacing), document bytes kept in the
 * database (an archive carries documents as documents, put into whatever store the target uses), and the target's own
 * backup history.
 */
export const NOT_ARCHIVED = new Set([
  'schema_migrations',
  'schema_functions',
  'personal_data',
  'rate_limit_windows',
  'send_pacing',
  'send_permits',
  'document_blobs',
  'backup_runs',
])

/** What an archive needs to know of one table to write its rows out and back. */
export interface ArchivedTable {
  name: string
  /** Columns written on restore (generated columns are computed again). */
  columns: string[]
  /** Primary key columns: rows are written in this order, so the same data gives the same checksum. */
  key: string[]
  hasTenant: boolean
}

/** The tables of the public schema an archive holds, in name order. */
export async function archivedTables(q: Queryable): Promise<ArchivedTable[]> {
  const r = await q.query<{ name: string; columns: string[]; key: string[] | null; has_tenant: boolean }>(
    `select c.relname as name,
            array(select a.attname::text from pg_attribute a
                  where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                  order by a.attnum) as columns,
            array(select a.attname::text from pg_index i
                  cross join lateral unnest(i.indkey::int2[]) with ordinality k (attnum, n)
                  join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                  where i.indrelid = c.oid and i.indisprimary order by k.n) as key,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant
     from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
     order by c.relname`,
  )
  return r.rows
    .filter((t) => !NOT_ARCHIVED.has(t.name))
    .map((t) => ({ name: t.name, columns: t.columns, key: t.key?.length ? t.key : t.columns, hasTenant: t.has_tenant }))
}

/** The sequences of the public schema (identity columns' among them). */
export async function archivedSequences(q: Queryable): Promise<string[]> {
  const r = await q.query<{ name: string }>(
    `select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'S' order by 1`,
  )
  return r.rows.map((row) => row.name)
}

/** Double-quotes an identifier read from the catalog. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
