import { REFERENCE_TABLES } from '../../core/db/reference-tables.js'
import type { Queryable } from '../../core/db/types.js'
import { UUID_TEXT } from '../../core/kernel/schema-types.js'

/** Every table of the schema that holds tenant rows (has a tenant_id column and is not a reference table), by name. */
export async function tenantTables(db: Queryable): Promise<string[]> {
  const r = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_attribute a on a.attrelid = c.oid
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and a.attname = 'tenant_id' and not a.attisdropped
       and not c.relname = any($1::text[])
     order by 1`,
    [Object.keys(REFERENCE_TABLES)],
  )
  return r.rows.map((row) => row.name)
}

/** Every row of one tenant in every table, exactly as stored (JSON text, ordered), read as the connection's own role. */
export async function snapshotTenant(db: Queryable, tenantId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  const own = await db.query<{ row: string }>('select to_jsonb(x)::text as row from tenants x where id = $1', [tenantId])
  out.tenants = own.rows.map((r) => r.row)
  for (const table of await tenantTables(db)) {
    const r = await db.query<{ row: string }>(`select to_jsonb(x)::text as row from "${table}" x where tenant_id = $1 order by 1`, [
      tenantId,
    ])
    out[table] = r.rows.map((row) => row.row)
  }
  return out
}

/** The ids (uuid `id` column) of one tenant's rows, per table, plus the tenant's own id under "tenants". */
export async function idsByTable(db: Queryable, tenantId: string): Promise<Map<string, string[]>> {
  const byTable = new Map<string, string[]>([['tenants', [tenantId]]])
  const tables = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c
     join pg_attribute t on t.attrelid = c.oid and t.attname = 'tenant_id' and not t.attisdropped
     join pg_attribute i on i.attrelid = c.oid and i.attname = 'id' and not i.attisdropped and i.atttypid = 'uuid'::regtype
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`,
  )
  for (const { name } of tables.rows) {
    const r = await db.query<{ id: string }>(`select id::text as id from "${name}" where tenant_id = $1 order by id`, [tenantId])
    if (r.rows.length)
      byTable.set(
        name,
        r.rows.map((row) => row.id),
      )
  }
  return byTable
}

/** Every UUID written anywhere in a snapshot: ids, references, audit entity ids. */
export function uuidsIn(snapshot: Record<string, string[]>): Set<string> {
  const found = new Set<string>()
  for (const rows of Object.values(snapshot)) {
    for (const row of rows) for (const m of row.matchAll(new RegExp(UUID_TEXT, 'gi'))) found.add(m[0].toLowerCase())
  }
  return found
}
