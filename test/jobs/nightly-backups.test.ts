import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupStatus } from '../../core/backup/status.js'
import { archiveName } from '../../core/backup/retention.js'
import { loadConfig } from '../../core/kernel/config.js'
import { nightlyBackups } from '../../core/jobs/backups.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { backupDir, backupKey } from '../helpers/backups.js'
import { engines } from '../helpers/databases.js'
import { readdirSync, rmSync, mkdirSync } from 'node:fs'

// The business is in America/Chicago: 08:31 UTC is 02:31 there, a minute after its nightly time (02:30).
const clock = { now: new Date('2026-11-25T08:29:00Z') }
const at = (iso: string) => {
  clock.now = new Date(iso)
}

for (const engine of engines) {
  describe(`nightly backups on ${engine}`, () => {
    let app: TestApp
    const dir = backupDir()
    beforeAll(async () => {
      const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' })
      app = await startTestApp(engine, { now: () => clock.now, config: { ...config, backup: { key: backupKey(), dir } } })
      // A backup of a server opens a connection of its own to the same database.
      app.services.config.databaseUrl = app.t.url
    }, 60_000)
    afterAll(() => app?.close())

    const runs = () =>
      app.t.admin.query<{ reason: string; status: string; nightly_day: string | null; error: string | null }>(
        `select reason, status, nightly_day::text, error from backup_runs order by started_at`,
      )

    it("waits for the business's own time, then makes one verified archive for its day", async () => {
      at('2026-11-25T08:29:00Z')
      expect(await nightlyBackups(app.services)).toMatchObject({ made: 0 })
      at('2026-11-25T08:31:00Z')
      expect(await nightlyBackups(app.services)).toMatchObject({ made: 1, failures: [] })
      expect((await runs()).rows).toEqual([{ reason: 'nightly', status: 'verified', nightly_day: '2026-11-25', error: null }])
      expect(readdirSync(dir).filter((f) => f.includes(app.tenant.tenant_id))).toHaveLength(1)
      // Later that night and the next morning: already made for the day.
      at('2026-11-25T14:00:00Z')
      expect(await nightlyBackups(app.services)).toMatchObject({ made: 0 })
      const status = await backupStatus(app.t.db, app.tenant.tenant_id, true, clock.now)
      expect(status).toMatchObject({ last_failed: null, warning: null, last_verified: { reason: 'nightly' } })
    }, 120_000)

    it('records a failure with its reason, never throws, and tries again a quarter of an hour later', async () => {
      // The folder cannot be written: a file stands where it should be.
      rmSync(dir, { recursive: true, force: true })
      writeFileSync(dir, 'not a folder')
      at('2026-11-26T08:31:00Z')
      const failed = await nightlyBackups(app.services)
      expect(failed).toMatchObject({ made: 0, failures: [{ tenant_id: app.tenant.tenant_id, job: 'backup' }] })
      expect((await runs()).rows.at(-1)).toMatchObject({
        reason: 'nightly',
        status: 'failed',
        nightly_day: '2026-11-26',
        error: expect.stringMatching(/EEXIST|ENOTDIR/),
      })
      const status = await backupStatus(app.t.db, app.tenant.tenant_id, true, clock.now)
      expect(status.warning).toMatch(/The last backup failed/)
      at('2026-11-26T08:40:00Z')
      expect(await nightlyBackups(app.services)).toMatchObject({ made: 0, failures: [] })
      rmSync(dir, { force: true })
      mkdirSync(dir)
      at('2026-11-26T08:47:00Z')
      expect(await nightlyBackups(app.services)).toMatchObject({ made: 1, failures: [] })
      expect((await runs()).rows.at(-1)).toMatchObject({ status: 'verified', nightly_day: '2026-11-26' })
    }, 120_000)

    it("keeps what the owner's retention says of its own archives, never another business's or another installation's", async () => {
      await app
        .ownerAction('settings', 'update', { backup_keep_daily: 3, backup_keep_weekly: 2, backup_keep_monthly: 2 })
        .catch(async () => {
          // Before the settings page offers the fields, they are set as the owner would.
          await app.t.admin.query(
            'update tenants set backup_keep_daily = 3, backup_keep_weekly = 2, backup_keep_monthly = 2 where id = $1',
            [app.tenant.tenant_id],
          )
        })
      const other = archiveName('00000000-0000-4000-8000-000000000001', 'nightly', new Date('2026-01-01T08:31:00Z'))
      writeFileSync(join(dir, other), '')
      // 90 nights of August to October made by this database, recorded in its backup history as its nightly runs are.
      const made: string[] = []
      for (let day = 1; day <= 90; day++) {
        const when = new Date(Date.UTC(2026, 7, day, 8, 31))
        const name = archiveName(app.tenant.tenant_id, 'nightly', when)
        writeFileSync(join(dir, name), '')
        await app.t.db.query(
          `insert into backup_runs (business_id, reason, status, nightly_day, started_at, finished_at, file)
           values ($1, 'nightly', 'verified', $2, $3, $3, $4)`,
          [app.tenant.tenant_id, when.toISOString().slice(0, 10), when.toISOString(), join(dir, name)],
        )
        made.push(name)
      }
      // The same business's nightly archives made by another installation in the same folder (a staging copy restored
      // from this one, a minute later each night): not in this database's history, so never this retention's to delete.
      const staging = Array.from({ length: 90 }, (_, i) =>
        archiveName(app.tenant.tenant_id, 'nightly', new Date(Date.UTC(2026, 7, i + 1, 8, 32))),
      )
      for (const name of staging) writeFileSync(join(dir, name), '')
      at('2026-11-27T08:31:00Z')
      expect(await nightlyBackups(app.services)).toMatchObject({ made: 1 })
      const after = readdirSync(dir)
      const ours = after.filter((f) => f.includes(app.tenant.tenant_id) && !staging.includes(f)).sort()
      // 3 days (27th, 26th, and the newest August day), their weeks cover 2 ISO weeks, their months 2 months.
      expect(ours.length).toBeGreaterThanOrEqual(3)
      expect(ours.length).toBeLessThanOrEqual(3 + 2 + 2)
      expect(ours.at(-1)).toMatch(/20261127T083100Z-nightly/)
      expect(made.filter((f) => !after.includes(f)).length).toBeGreaterThan(80)
      expect(after).toContain(other)
      expect(staging.filter((f) => !after.includes(f))).toEqual([])
    }, 120_000)
  })
}
