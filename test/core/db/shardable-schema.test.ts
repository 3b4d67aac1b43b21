import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REFERENCE_TABLES } from '../../../core/db/reference-tables.js'
import type { Queryable } from '../../../core/db/types.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// Both engines: the database layer itself, on each engine.

/**
 * Every way a table of the public schema keeps it from being distributed by tenant_id (docs/sharding.md), read from
 * the catalog, one readable line each. A reference table is exempt from the tenant rules, but may not refer to a tenant table.
 */
async function shardingProblems(db: Queryable, referenceTables = Object.keys(REFERENCE_TABLES)): Promise<string[]> {
  const r = await db.query<{ problem: string }>(
    `with tables as (
       select c.oid, c.relname as name,
              exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant,
              c.relname = any($1::text[]) as reference
       from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition),
     tenant_tables as (select * from tables where has_tenant and not reference),
     -- The key columns of an index (not its INCLUDE columns), by name; an expression shows as no name.
     index_keys as (
       select i.indexrelid, i.indrelid, i.indisprimary, array_agg(a.attname order by k.n) as cols
       from pg_index i
       cross join lateral unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) with ordinality k (attnum, n)
       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
       where i.indisunique group by i.indexrelid, i.indrelid, i.indisprimary)
     select format('%s has no tenant_id and is not a reference table', name) as problem from tables where not has_tenant and not reference
     union all
     select format('%s: tenant_id is %s, not uuid like every other table''s', t.name, format_type(a.atttypid, a.atttypmod))
       from tenant_tables t join pg_attribute a on a.attrelid = t.oid and a.attname = 'tenant_id' where a.atttypid <> 'uuid'::regtype
     union all
     select format('%s has no primary key', t.name) from tenant_tables t
      where not exists (select 1 from pg_index i where i.indrelid = t.oid and i.indisprimary)
     union all
     select format('%s: primary key %s does not start with tenant_id', t.name, k.indexrelid::regclass) from tenant_tables t
       join index_keys k on k.indrelid = t.oid and k.indisprimary where k.cols[1] is distinct from 'tenant_id'
     union all
     select format('%s: unique index %s does not include tenant_id', t.name, k.indexrelid::regclass) from tenant_tables t
       join index_keys k on k.indrelid = t.oid and not k.indisprimary where not coalesce('tenant_id' = any(k.cols), false)
     union all
     select format('%s: exclusion constraint %s does not include tenant_id', t.name, c.conname) from tenant_tables t
       join pg_constraint c on c.conrelid = t.oid and c.contype = 'x'
      where not exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attnum = any(c.conkey) and a.attname = 'tenant_id')
     union all
     select format('%s: foreign key %s to %s does not pair tenant_id with tenant_id', t.name, c.conname, f.name) from tenant_tables t
       join pg_constraint c on c.conrelid = t.oid and c.contype = 'f'
       join tenant_tables f on f.oid = c.confrelid
      where not exists (
        select 1 from unnest(c.conkey, c.confkey) p (mine, theirs)
        join pg_attribute a on a.attrelid = t.oid and a.attnum = p.mine
        join pg_attribute b on b.attrelid = f.oid and b.attnum = p.theirs
        where a.attname = 'tenant_id' and b.attname = 'tenant_id')
     union all
     select format('reference table %s refers to tenant table %s (%s)', t.name, f.name, c.conname) from tables t
       join pg_constraint c on c.conrelid = t.oid and c.contype = 'f'
       join tenant_tables f on f.oid = c.confrelid
      where t.reference
     order by 1`,
    [referenceTables],
  )
  return r.rows.map((row) => row.problem)
}

describe.each(bothEngines)('the schema can be distributed by business (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t.dispose())

  it('has tenant_id leading every primary key, in every unique key and in both sides of every reference between tenant tables', async () => {
    expect(await shardingProblems(t.db)).toEqual([])
  })

  it('names only tables that exist as reference tables', async () => {
    const r = await t.admin.query<{ name: string }>(
      `select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and relname = any($1::text[])`,
      [Object.keys(REFERENCE_TABLES)],
    )
    expect(r.rows.map((row) => row.name).sort()).toEqual(Object.keys(REFERENCE_TABLES).sort())
  })

  it('names each broken rule of a table that breaks them', async () => {
    await t.admin.exec(`
      create table shard_probe_parent (tenant_id uuid not null, id uuid not null, primary key (tenant_id, id));
      create unique index shard_probe_parent_by_id on shard_probe_parent (id);
      create table shard_probe (
        tenant_id uuid not null, id uuid primary key, code text, parent_id uuid references shard_probe_parent (id));
      create unique index shard_probe_code on shard_probe (lower(code)) where code is not null;
      create unique index shard_probe_code_in_business on shard_probe (tenant_id, lower(code)) include (id);
      create table shard_probe_global (id int primary key);
      create table shard_probe_unkeyed (tenant_id text not null, note text);
      create table shard_probe_reference_out (parent_tenant_id uuid not null, parent_id uuid not null,
        foreign key (parent_tenant_id, parent_id) references shard_probe_parent (tenant_id, id));`)
    try {
      const referenceTables = [...Object.keys(REFERENCE_TABLES), 'shard_probe_reference_out']
      const problems = (await shardingProblems(t.db, referenceTables)).filter((p) => p.includes('shard_probe'))
      expect(problems).toEqual(
        [
          'shard_probe: foreign key shard_probe_parent_id_fkey to shard_probe_parent does not pair tenant_id with tenant_id',
          'shard_probe: primary key shard_probe_pkey does not start with tenant_id',
          'shard_probe: unique index shard_probe_code does not include tenant_id',
          'shard_probe_global has no tenant_id and is not a reference table',
          'shard_probe_parent: unique index shard_probe_parent_by_id does not include tenant_id',
          'shard_probe_unkeyed has no primary key',
          "shard_probe_unkeyed: tenant_id is text, not uuid like every other table's",
          'reference table shard_probe_reference_out refers to tenant table shard_probe_parent (shard_probe_reference_out_parent_tenant_id_parent_id_fkey)',
        ].sort(),
      )
    } finally {
      await t.admin.exec('drop table shard_probe, shard_probe_global, shard_probe_unkeyed, shard_probe_reference_out, shard_probe_parent')
    }
  })
})
