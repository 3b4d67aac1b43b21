import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OWNER_READS_UNFORCED } from '../../../core/db/unforced-tables.js'
import { withTenant } from '../../../core/db/tenant.js'
import { DEFAULT_ROLES } from '../../../core/db/roles.js'
import type { Queryable } from '../../../core/db/types.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'
import { tenantTables } from '../../helpers/tenant-data.js'

// Both engines: the database layer itself, on each engine.

describe.each(bothEngines)('tenant isolation in the database (%s)', (engine) => {
  let t: TestDatabase
  const a = '00000000-0000-4000-8000-00000000000a'
  const b = '00000000-0000-4000-8000-00000000000b'
  beforeAll(async () => {
    t = await freshDatabase(engine)
    for (const id of [a, b]) {
      await withTenant(t.db, { tenantId: id, actorType: 'system' }, async (tx) => {
        await tx.query(`insert into tenants (id, name) values ($1, $2)`, [id, `Tenant ${id.slice(-1)}`])
        await tx.query(`insert into contacts (tenant_id, display_name) values ($1, $2)`, [id, `Contact of ${id.slice(-1)}`])
        await tx.query(`insert into users (tenant_id, id, email, role) values ($1, $1, $2, 'owner')`, [id, `owner@${id.slice(-1)}.test`])
      })
    }
  })
  const asA = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(t.db, { tenantId: a, actorType: 'system' }, fn)
  const contactOfB = () =>
    t.db
      .query<{ id: string; display_name: string; tenant_id: string }>(
        `select id, display_name, tenant_id from contacts where tenant_id = $1`,
        [b],
      )
      .then((r) => r.rows)
  afterAll(() => t.dispose())

  it('a query with no tenant filter sees only its own tenant rows', async () => {
    const rows = await withTenant(t.db, { tenantId: a, actorType: 'system' }, (tx) => tx.query('select display_name from contacts'))
    expect(rows.rows).toEqual([{ display_name: 'Contact of a' }])
  })

  it('runs as a role that is neither superuser nor table owner', async () => {
    const r = await withTenant(t.db, { tenantId: a, actorType: 'system' }, (tx) =>
      tx.query<{ u: string; s: boolean; owner: string }>(
        `select current_user as u, (select rolsuper from pg_roles where rolname = current_user) as s,
              (select tableowner from pg_tables where tablename = 'contacts') as owner`,
      ),
    )
    expect(r.rows[0].u).toBe('crm_app')
    expect(r.rows[0].s).toBe(false)
    expect(r.rows[0].owner).not.toBe('crm_app')
  })

  it('refuses to write a row for another tenant', async () => {
    await expect(
      withTenant(t.db, { tenantId: a, actorType: 'system' }, (tx) =>
        tx.query(`insert into contacts (tenant_id, display_name) values ($1, 'intruder')`, [b]),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })

  it('sees nothing when no tenant is set', async () => {
    const r = await t.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', 'crm_app', true)`)
      return tx.query('select * from contacts')
    })
    expect(r.rows).toEqual([])
  })

  it('does not carry the tenant setting over to the next transaction', async () => {
    await withTenant(t.db, { tenantId: a, actorType: 'system' }, (tx) => tx.query('select 1'))
    const r = await t.admin.query<{ t: string | null; u: string }>(`select current_setting('app.tenant_id', true) as t, current_user as u`)
    expect(r.rows[0].t ?? '').toBe('')
    expect(r.rows[0].u).not.toBe('crm_app')
  })

  it("refuses to move a row to another tenant, and cannot reach the other tenant's rows to update them", async () => {
    await expect(asA((tx) => tx.query(`update contacts set tenant_id = $1`, [b]))).rejects.toMatchObject({ code: 'FORBIDDEN' })
    const before = await contactOfB()
    const r = await asA((tx) => tx.query(`update contacts set display_name = 'taken over' where tenant_id = $1`, [b]))
    expect(r.rowCount).toBe(0)
    const gone = await asA((tx) => tx.query(`delete from contacts where tenant_id = $1`, [b]))
    expect(gone.rowCount).toBe(0)
    expect(await contactOfB()).toEqual(before)
  })

  it("refuses a reference from one tenant's row to another tenant's row", async () => {
    // The user id exists, but only in tenant b: (tenant_id, user_id) has no match, so the foreign key refuses.
    await expect(
      asA((tx) =>
        tx.query(
          `insert into magic_links (tenant_id, user_id, token_hash, expires_at) values ($1, $2, 'h-cross', now() + interval '1 hour')`,
          [a, b],
        ),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    await expect(
      asA((tx) =>
        tx.query(
          `insert into magic_links (tenant_id, user_id, token_hash, expires_at) values ($1, $2, 'h-own', now() + interval '1 hour')`,
          [a, a],
        ),
      ),
    ).resolves.toMatchObject({ rowCount: 1 })
  })

  it('enables row level security on every table that holds tenant rows, and forces it on all but those the word filters read', async () => {
    const tables = await tenantTables(t.db)
    expect(tables).toEqual(
      expect.arrayContaining(['users', 'contacts', 'audit_log', 'magic_links', 'sessions', 'agent_tokens', 'idempotency_keys']),
    )
    const r = await t.admin.query<{ name: string; enabled: boolean; forced: boolean; policies: number }>(
      `select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
              (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies
       from pg_class c where c.relnamespace = 'public'::regnamespace and c.relname = any($1::text[]) order by 1`,
      [[...tables, 'tenants']],
    )
    expect(r.rows.length).toBe(tables.length + 1)
    expect(r.rows.filter((row) => !row.enabled || row.policies === 0)).toEqual([])
    expect(r.rows.filter((row) => !row.forced).map((row) => row.name)).toEqual([...OWNER_READS_UNFORCED].sort())
  })

  it('puts tenant_id into the primary key and into every reference between tenant tables', async () => {
    const tables = await tenantTables(t.db)
    const keys = await t.admin.query<{
      tbl: string
      kind: string
      name: string
      refers_to: string
      has_tenant: boolean
      refers_tenant: boolean
    }>(
      `select c.conrelid::regclass::text as tbl, c.contype::text as kind, c.conname as name, coalesce(c.confrelid::regclass::text, '') as refers_to,
              exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attnum = any(c.conkey) and a.attname = 'tenant_id') as has_tenant,
              exists (select 1 from pg_attribute a where a.attrelid = c.confrelid and a.attname = 'tenant_id' and not a.attisdropped) as refers_tenant
       from pg_constraint c where c.conrelid::regclass::text = any($1::text[]) and c.contype in ('p', 'f')`,
      [tables],
    )
    const primaries = keys.rows.filter((k) => k.kind === 'p')
    expect(primaries.map((k) => k.tbl).sort()).toEqual([...tables].sort())
    expect(primaries.filter((k) => !k.has_tenant)).toEqual([])
    const crossing = keys.rows.filter((k) => k.kind === 'f' && k.refers_tenant && !k.has_tenant)
    expect(crossing).toEqual([])
  })

  it('runs the app as a role that is not superuser, cannot bypass row security and owns nothing', async () => {
    const role = await t.admin.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      `select rolsuper, rolbypassrls from pg_roles where rolname = $1`,
      [DEFAULT_ROLES.app],
    )
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false }])
    const owned = await t.admin.query(
      `select c.relname from pg_class c join pg_roles r on r.oid = c.relowner
      where r.rolname = $1 and c.relnamespace = 'public'::regnamespace`,
      [DEFAULT_ROLES.app],
    )
    expect(owned.rows).toEqual([])
  })

  it('gives the app role nothing on tables that are not tenant data, and no writes on any table without row security', async () => {
    const r = await t.admin.query<{ name: string; rls: boolean; can_read: boolean; can_write: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls,
              has_table_privilege($1, c.oid, 'select') as can_read,
              has_table_privilege($1, c.oid, 'insert, update, delete, truncate') as can_write
       from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')`,
      [DEFAULT_ROLES.app],
    )
    const byName = new Map(r.rows.map((row) => [row.name, row]))
    for (const name of ['schema_migrations', 'schema_functions', 'installation']) {
      expect(byName.get(name), name).toMatchObject({ can_read: false, can_write: false })
    }
    expect(r.rows.filter((row) => !row.rls && row.can_write)).toEqual([])
  })

  it('does not let the app role change or remove audit rows', async () => {
    await asA((tx) =>
      tx.query(
        `insert into audit_log (tenant_id, entity_type, entity_id, action, actor_type) values ($1, 'contact', $1, 'create', 'system')`,
        [a],
      ),
    )
    for (const statement of ['update audit_log set action = $$forged$$', 'delete from audit_log', 'truncate audit_log']) {
      await expect(
        asA((tx) => tx.query(statement)),
        statement,
      ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    }
    const left = await t.admin.query(`select action from audit_log where tenant_id = $1`, [a])
    expect(left.rows).toEqual([{ action: 'create' }])
  })
})
