import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../core/db/tenant.js'
import { engines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

describe.each(engines)('tenant isolation in the database (%s)', (engine) => {
  let t: TestDatabase
  const a = '00000000-0000-4000-8000-00000000000a'
  const b = '00000000-0000-4000-8000-00000000000b'
  beforeAll(async () => {
    t = await freshDatabase(engine)
    for (const id of [a, b]) {
      await withTenant(t.db, { tenantId: id, actorType: 'system' }, async (tx) => {
        await tx.query(`insert into tenants (id, name) values ($1, $2)`, [id, `Tenant ${id.slice(-1)}`])
        await tx.query(`insert into contacts (tenant_id, display_name) values ($1, $2)`, [id, `Contact of ${id.slice(-1)}`])
      })
    }
  })
  afterAll(() => t.dispose())

  it('a query with no tenant filter sees only its own tenant rows', async () => {
    const rows = await withTenant(t.db, { tenantId: a, actorType: 'system' }, (tx) => tx.query('select display_name from contacts'))
    expect(rows.rows).toEqual([{ display_name: 'Contact of a' }])
  })

  it('runs as a role that is neither superuser nor table owner', async () => {
    const r = await withTenant(t.db, { tenantId: a, actorType: 'system' }, (tx) => tx.query<{ u: string; s: boolean; owner: string }>(
      `select current_user as u, (select rolsuper from pg_roles where rolname = current_user) as s,
              (select tableowner from pg_tables where tablename = 'contacts') as owner`))
    expect(r.rows[0].u).toBe('crm_app')
    expect(r.rows[0].s).toBe(false)
    expect(r.rows[0].owner).not.toBe('crm_app')
  })

  it('refuses to write a row for another tenant', async () => {
    await expect(withTenant(t.db, { tenantId: a, actorType: 'system' }, (tx) =>
      tx.query(`insert into contacts (tenant_id, display_name) values ($1, 'intruder')`, [b]))).rejects.toMatchObject({ code: 'FORBIDDEN' })
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
    const r = await t.db.query<{ t: string | null; u: string }>(`select current_setting('app.tenant_id', true) as t, current_user as u`)
    expect(r.rows[0].t ?? '').toBe('')
    expect(r.rows[0].u).not.toBe('crm_app')
  })
})
