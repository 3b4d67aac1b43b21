import { describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { engines } from '../../helpers/databases.js'
import { emptyDatabasesOfFile } from '../../helpers/empty-database.js'

/** A database with nothing in it on the engine; dropped after the run. */
const emptyDatabase = emptyDatabasesOfFile()

describe.each(engines)('the relationships migration on existing links (%s)', (engine) => {
  it('keeps every link, of normal strength, and folds a household made both ways into the older one', async () => {
    const { db, admin } = await emptyDatabase(engine)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 45),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Old Links Windows') returning id`)).rows[0].id
    const contact = async (name: string, kind = 'person') =>
      (
        await admin.query<{ id: string }>(`insert into contacts (tenant_id, display_name, kind) values ($1, $2, $3) returning id`, [
          tenant,
          name,
          kind,
        ])
      ).rows[0].id
    const link = async (from: string, to: string, type: string, at: string) =>
      (
        await admin.query<{ id: string }>(
          `insert into contact_links (tenant_id, from_contact_id, to_contact_id, link_type, created_at) values ($1, $2, $3, $4, $5) returning id`,
          [tenant, from, to, type, at],
        )
      ).rows[0].id
    const [ann, bob, cy] = [await contact('Ann'), await contact('Bob'), await contact('Cy')]
    const acme = await contact('Acme', 'organization')
    const older = await link(ann, bob, 'household', '2024-01-01T00:00:00Z')
    await link(bob, ann, 'household', '2024-02-01T00:00:00Z')
    const works = await link(ann, acme, 'works_at', '2024-03-01T00:00:00Z')
    const referral = await link(cy, ann, 'referred_by', '2024-04-01T00:00:00Z')
    const other = await link(bob, cy, 'other', '2024-05-01T00:00:00Z')
    await migrate(db, files)
    const kept = await admin.query<{ id: string; link_type: string; strength: string }>(
      'select id, link_type, strength from contact_links where tenant_id = $1 order by created_at',
      [tenant],
    )
    expect(kept.rows).toEqual([
      { id: older, link_type: 'household', strength: 'normal' },
      { id: works, link_type: 'works_at', strength: 'normal' },
      { id: referral, link_type: 'referred_by', strength: 'normal' },
      { id: other, link_type: 'other', strength: 'normal' },
    ])
    // Made again the other way round, a household link is the one stored.
    await expect(
      admin.query(`insert into contact_links (tenant_id, from_contact_id, to_contact_id, link_type) values ($1, $2, $3, 'household')`, [
        tenant,
        bob,
        ann,
      ]),
    ).rejects.toThrow(/contact_links_both_ways/)
  })
})
