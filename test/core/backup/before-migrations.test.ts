import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { describeBackupBeforeMigrations } from '../../../core/backup/before-migrations.js'
import { restoreArchive } from '../../../core/backup/restore.js'
import { backupStatus } from '../../../core/backup/status.js'
import { backupFacts } from '../../../console/owner/settings/backup-views.js'
import { migrate, readFunctions } from '../../../core/db/migrate.js'
import { openDatabase } from '../../../core/db/open.js'
import { withTenant } from '../../../core/db/tenant.js'
import { PERSONAL_DATA } from '../../../core/domains/personal-data.js'
import { openMigratedDatabase } from '../../../core/kernel/runtime.js'
import { bootstrapFirstTenant } from '../../../core/kernel/tenants.js'
import { backupKey, emptyRestoreTarget } from '../../helpers/backups.js'
import { bothEngines } from '../../helpers/databases.js'
import { BEFORE_BACKUPS, bootstrapOnOldSchema } from './old-schema.js'

// Both engines: archives are made on and restored into each engine.

for (const engine of bothEngines) {
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
      const archives = readdirSync(old.config.backup.dir)
      expect(archives).toEqual([expect.stringMatching(/^service-crm-all-\d{8}T\d{6}Z-before-migrations\.tar\.gz\.age$/)])
      const file = join(old.config.backup.dir, archives[0])
      expect(opened.backupBeforeMigrations).toEqual({ status: 'made', file, reason: null })
      expect(describeBackupBeforeMigrations(opened.backupBeforeMigrations)).toBe(
        `Before migrating, a verified archive of every business was made: ${file} ` +
          '(to go back, restore it with the previous version: docs/operations.md, Rolling back an upgrade)',
      )
      // Made before the record of runs existed, it is recorded once the migrations made it: Home names it.
      const status = await backupStatus(opened.db, created!.tenant_id, true, new Date())
      expect(status.last_verified).toMatchObject({ reason: 'before_migrations', business_id: null, file })
      expect(homeFacts(status, true)).toContain(', made before an upgrade migrated the database, in <code>')
      await opened.close()

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

    it('without a key, makes none, says so and records it, so Home shows the upgrade went ahead without one', async () => {
      const old = await emptyRestoreTarget(engine, backupKey())
      disposals.push(old.dispose)
      const db = await openDatabase(old.config)
      await migrate(db, BEFORE_BACKUPS)
      const created = await bootstrapOnOldSchema(db)
      await db.close()

      const keyless = { ...old.config, backup: { ...old.config.backup, key: null } }
      const opened = await openMigratedDatabase(keyless, 'test start', PERSONAL_DATA)
      try {
        expect(opened.applied).toContain('0117_backups.sql')
        expect(() => readdirSync(old.config.backup.dir)).toThrow(/ENOENT/)
        expect(opened.backupBeforeMigrations).toEqual({ status: 'no_key', file: null, reason: 'CRM_BACKUP_KEY is not set' })
        expect(describeBackupBeforeMigrations(opened.backupBeforeMigrations)).toBe(
          'No backup was made before migrating: CRM_BACKUP_KEY is not set, so this upgrade cannot be undone by restoring one ' +
            '(set CRM_BACKUP_KEY: docs/backups.md)',
        )
        const status = await backupStatus(opened.db, created!.tenant_id, false, new Date())
        expect(status.last_failed).toMatchObject({ reason: 'before_migrations', business_id: null, error: 'no CRM_BACKUP_KEY was set' })
        expect(homeFacts(status, false)).toMatch(
          /<p class="warn wrap">The upgrade of <strong>today \d\d:\d\d<\/strong> migrated the database with no backup made before it \(no CRM_BACKUP_KEY was set\): it cannot be undone by restoring one\.<\/p>/,
        )
      } finally {
        await opened.close()
      }
      // The next start, with nothing to migrate, records nothing more.
      const again = await openMigratedDatabase(keyless, 'test start', PERSONAL_DATA)
      try {
        expect(again.backupBeforeMigrations).toEqual({ status: 'not_needed', file: null, reason: 'no migration was pending' })
        const runs = await again.db.query<{ n: number }>('select count(*)::int as n from backup_runs')
        expect(runs.rows[0].n).toBe(1)
      } finally {
        await again.close()
      }
    }, 240_000)

    it('makes none for a new database, nor when nothing is pending, nor without a key', async () => {
      const key = backupKey()
      const place = await emptyRestoreTarget(engine, key)
      disposals.push(place.dispose)
      const first = await openMigratedDatabase(place.config, 'test start', PERSONAL_DATA)
      expect(first.backupBeforeMigrations).toEqual({ status: 'not_needed', file: null, reason: 'the database is new' })
      expect(describeBackupBeforeMigrations(first.backupBeforeMigrations)).toBeNull()
      await bootstrapFirstTenant(first.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })
      await first.close()
      const again = await openMigratedDatabase(place.config, 'test start', PERSONAL_DATA)
      await again.close()
      expect(() => readdirSync(place.config.backup.dir)).toThrow(/ENOENT/)
    }, 240_000)
  })
}

/** Home's backup facts for a whole-service status, in Chicago, as the owner reads them. */
function homeFacts(status: Awaited<ReturnType<typeof backupStatus>>, backupsOn: boolean): string {
  const record = { id: '00000000-0000-4000-8000-000000000000', backups_on: backupsOn, ...status }
  return String(backupFacts(record, 'America/Chicago', new Date()))
}
