import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { restoreArchive } from '../../../core/backup/restore.js'
import { migrate, readFunctions, readMigrations } from '../../../core/db/migrate.js'
import { openDatabase } from '../../../core/db/open.js'
import { withTenant } from '../../../core/db/tenant.js'
import { PERSONAL_DATA } from '../../../core/domains/personal-data.js'
import { openMigratedDatabase } from '../../../core/runtime.js'
import { bootstrapFirstTenant } from '../../../core/tenants.js'
import { backupKey, emptyRestoreTarget } from '../../helpers/backups.js'
import { engines } from '../../helpers/databases.js'

/** The migrations of the release before backups were recorded. */
const BEFORE_BACKUPS = readMigrations().filter((f) => f.version < 117)

for (const engine of engines) {
  describe(`a start that migrates ${engine}`, () => {
    const disposals: Array<() => Promise<void>> = []
    afterEach(async () => {
      for (const dispose of disposals.splice(0)) await dispose()
    })

    it('first makes a verified archive of every business, which restores and is then migrated', async () => {
      const key = backupKey()
      const old = await emptyRestoreTarget(engine, key)
      disposals.push(old.dispose)
      // A business on the schema of the release before this one.
      const db = await openDatabase(old.config)
      await migrate(db, BEFORE_BACKUPS)
      const created = await bootstrapOnOldSchema(db)
      await withTenant(db, { tenantId: created!.tenant_id, actorType: 'system' }, (tx) =>
        tx.query(`insert into contacts (tenant_id, display_name) values ($1, 'Jane Smith')`, [created!.tenant_id]),
      )
      await db.close()

      const opened = await openMigratedDatabase(old.config, 'test start', PERSONAL_DATA)
      expect(opened.applied).toContain('0117_backups.sql')
      expect(opened.applied).toContain('functions/erase_customer.sql')
      await opened.close()
      const archives = readdirSync(old.config.backup.dir)
      expect(archives).toEqual([expect.stringMatching(/^service-crm-all-\d{8}T\d{6}Z-before-migrations\.crmbackup$/)])

      // The archive holds the old schema: a restore loads it as it was, then applies what came since.
      const fresh = await emptyRestoreTarget(engine, key)
      disposals.push(fresh.dispose)
      const restored = await restoreArchive(fresh.config, join(old.config.backup.dir, archives[0]), {
        replace: false,
        now: () => new Date(),
      })
      expect(restored.migrated).toContain('0117_backups.sql')
      // The archive's older schema got no function files; they come after the later migrations.
      expect(restored.migrated.slice(-readFunctions().length)).toEqual(readFunctions().map((f) => `functions/${f.name}`))
      expect(restored.counts).toMatchObject({ tenants: 1, contacts: 1 })
      const back = await openDatabase(fresh.config)
      try {
        const names = await withTenant(back, { tenantId: created!.tenant_id, actorType: 'system' }, (tx) =>
          tx.query<{ display_name: string }>('select display_name from contacts'),
        )
        expect(names.rows.map((r) => r.display_name)).toEqual(['Jane Smith'])
      } finally {
        await back.close()
      }
    }, 240_000)

    it('makes none for a new database, nor when nothing is pending, nor without a key', async () => {
      const key = backupKey()
      const place = await emptyRestoreTarget(engine, key)
      disposals.push(place.dispose)
      const first = await openMigratedDatabase(place.config, 'test start', PERSONAL_DATA)
      await bootstrapFirstTenant(first.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })
      await first.close()
      const again = await openMigratedDatabase(place.config, 'test start', PERSONAL_DATA)
      await again.close()
      expect(() => readdirSync(place.config.backup.dir)).toThrow(/ENOENT/)
    }, 240_000)
  })
}

/**
 * The first business made by today's code on that release's schema: today's code writes a default template of each
 * message kind it knows, and the kinds added since that release are taken out again, so the rows fit the old schema.
 */
async function bootstrapOnOldSchema(db: Awaited<ReturnType<typeof openDatabase>>) {
  const rule = await db.query<{ def: string }>(
    `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'message_templates_kind_check'`,
  )
  const kinds = [...rule.rows[0].def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1])
  await db.query('alter table message_templates drop constraint message_templates_kind_check')
  const created = await bootstrapFirstTenant(db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })
  await withTenant(db, { tenantId: created!.tenant_id, actorType: 'system' }, (tx) =>
    tx.query('delete from message_templates where kind <> all($1::text[])', [kinds]),
  )
  await db.query(`alter table message_templates add constraint message_templates_kind_check ${rule.rows[0].def}`)
  return created
}
