import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import type { Database } from '../../../core/db/types.js'
import { bothEngines } from '../../helpers/databases.js'
import { emptyDatabase } from '../../helpers/empty-database.js'

// Both engines: the database layer itself, on each engine.

describe.each(bothEngines)('services keep archived state as archived_at, moved by migration 0059 (%s)', (engine) => {
  let db: Database
  let admin: Database
  let dispose: () => Promise<void>
  let tenant: string
  beforeAll(async () => {
    ;({ db, admin, dispose } = await emptyDatabase(engine))
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.name < '0059'),
    )
    tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Before 0059') returning id`)).rows[0].id
    await admin.query(
      `insert into services (tenant_id, name, pricing, price_cents, status, updated_at) values
      ($1, 'Gutters', 'fixed', 100, 'active', '2026-01-05T10:00:00Z'), ($1, 'Old Polish', 'fixed', 100, 'archived', '2026-02-03T10:00:00Z')`,
      [tenant],
    )
    await migrate(db, files)
  }, 120_000)
  afterAll(() => dispose())

  it('an archived service is archived since it last changed; an active one is not archived; status still reads the same', async () => {
    const r = await admin.query<{ name: string; status: string; archived_at: Date | null }>(
      'select name, status, archived_at from services where tenant_id = $1 order by name',
      [tenant],
    )
    expect(r.rows.map((s) => [s.name, s.status, s.archived_at && new Date(s.archived_at).toISOString()])).toEqual([
      ['Gutters', 'active', null],
      ['Old Polish', 'archived', '2026-02-03T10:00:00.000Z'],
    ])
  })

  it("the name of an archived service is free again, an active one's is not, and status can no longer be written", async () => {
    await admin.query(`insert into services (tenant_id, name, pricing, price_cents) values ($1, 'old polish', 'fixed', 100)`, [tenant])
    await expect(
      admin.query(`insert into services (tenant_id, name, pricing, price_cents) values ($1, 'GUTTERS', 'fixed', 100)`, [tenant]),
    ).rejects.toMatchObject({ code: '23505' })
    await expect(admin.query(`update services set status = 'active' where tenant_id = $1`, [tenant])).rejects.toThrow(
      /can only be updated to DEFAULT/,
    )
  })
})
