import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../core/auth/agent-tokens.js'
import type { Principal } from '../../core/kernel/context.js'
import { dailyBriefing } from '../../mcp/workflows/daily-briefing.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { signedIn } from '../helpers/fixtures.js'
import { addUser } from '../helpers/session-browser.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'

/** Thu 2026-11-05 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000)

const OFF = 'Backups are off: no CRM_BACKUP_KEY is set, so nothing of the business is copied anywhere.'
const NONE = 'No verified backup has been made yet.'
const STALE = 'The last verified backup is 30 hours old.'
const SAME_DISK =
  "The latest verified backup is only on the same disk as the business's data, so one lost disk loses both: set a bucket (CRM_BACKUP_S3_BUCKET) to keep a copy elsewhere."
const SAME_MACHINE =
  'The latest verified backup is only on the machine that runs the database, so one lost machine loses both: set a bucket (CRM_BACKUP_S3_BUCKET) to keep a copy elsewhere.'
const FAILED = 'The last backup failed (no space left on device); it is tried again.'

describe.each(engines)('where backups stand, on Home, the settings page and in daily_briefing (%s)', (engine) => {
  let pages: PageApp
  let agent: Principal
  let otherBusiness: string

  const home = async () => (await pages.owner.get('/')).html
  const settings = async () => (await pages.owner.get('/settings')).html
  const briefing = async () =>
    ((await dailyBriefing.run({ services: pages.app.services, principal: agent, requestId: randomUUID() }, {})) as { briefing: string })
      .briefing
  const status = async () => expectData(await pages.app.query({ type: 'backup_status' })).items[0]
  /** A finished run, written as the product's own backup process writes it (the database owner; the app role only reads). */
  const run = (business: string | null, state: 'verified' | 'failed', finished: Date, more: Record<string, unknown> = {}) =>
    pages.app.t.admin.query(
      `insert into backup_runs (business_id, reason, status, started_at, finished_at, nightly_day, file, remote, bytes, error)
       values ($1, $10, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        business,
        state,
        new Date(finished.getTime() - 60_000),
        finished,
        (more.reason ?? 'nightly') === 'nightly' ? finished.toISOString().slice(0, 10) : null,
        more.file ?? null,
        more.remote ?? null,
        more.bytes ?? null,
        more.error ?? null,
        more.reason ?? 'nightly',
      ],
    )
  const backupsOn = (on: boolean) => {
    pages.app.services.config.backup = { ...pages.app.services.config.backup, key: on ? Buffer.alloc(32, 7) : null }
  }
  /** The Backups section of the settings page: from its heading to the save button. */
  const settingsSection = (html: string) => html.slice(html.indexOf('<h2 id="backups">'), html.indexOf('<button>Save settings</button>'))

  beforeAll(async () => {
    pages = await startPageApp(engine, { now: () => NOW })
    agent = (await authenticateAgentToken(pages.app.t.db, pages.app.tenant.agent_token)) as Principal
    otherBusiness = (await pages.app.createTenant('Other Windows')).tenant_id
  })
  afterAll(() => pages?.app.close())

  it('without CRM_BACKUP_KEY: every place says backups are off, and the pages say how to make a key', async () => {
    backupsOn(false)
    const page = await home()
    expect(page).toContain(`<div class="card"><h2>Backups need you</h2><p class="warn wrap"><strong>${OFF}</strong></p>`)
    expect(page).toContain('<code>openssl rand -base64 32</code>')
    expect(page).toContain('<a href="/settings#backups">Backup settings</a>')
    const section = settingsSection(await settings())
    expect(section).toContain(`<strong>${OFF}</strong>`)
    expect(section).toContain('<code>CRM_BACKUP_KEY</code>')
    expect(await briefing()).toContain(`\n${OFF} (tell the owner: /settings#backups)`)
    expect(await status()).toMatchObject({ id: pages.app.tenant.tenant_id, backups_on: false, last_verified: null, warning: OFF })
  })

  it('with a key and no backup yet: every place says none has been made', async () => {
    backupsOn(true)
    // Another business's backups are not this one's.
    await run(otherBusiness, 'verified', hoursAgo(1), { file: '/srv/crm/backups/other.crm' })
    const page = await home()
    expect(page).toContain(`<h2>Backups need you</h2><p class="warn wrap"><strong>${NONE}</strong></p>`)
    expect(page).not.toContain('openssl')
    expect(page).not.toContain('other.crm')
    expect(settingsSection(await settings())).toContain(`<strong>${NONE}</strong>`)
    expect(await briefing()).toContain(`\n${NONE} (tell the owner: /settings#backups)`)
    expect(await status()).toMatchObject({ backups_on: true, last_verified: null, last_failed: null, warning: NONE })
  })

  it('a backup verified 2 hours ago: when and where it is, no warning, and the briefing says nothing of backups', async () => {
    await run(pages.app.tenant.tenant_id, 'verified', hoursAgo(2), {
      file: '/srv/crm/backups/sparkle/2026-11-05-nightly.crm',
      remote: 's3://sparkle-backups/service-crm/2026-11-05-nightly.crm',
      bytes: 12_900_000,
    })
    // Another business's failed run says nothing about this one.
    await run(otherBusiness, 'failed', hoursAgo(1), { error: 'other trouble' })
    const facts =
      '<p class="wrap">Last verified backup: <strong>today 07:30</strong>, in <code>/srv/crm/backups/sparkle/2026-11-05-nightly.crm</code> ' +
      'and <code>s3://sparkle-backups/service-crm/2026-11-05-nightly.crm</code>, 12.3 MB.</p>'
    const page = await home()
    expect(page).toContain(`<h2>Backups</h2>${facts}`)
    expect(page).not.toContain('Backups need you')
    expect(page).not.toContain('class="warn')
    const section = settingsSection(await settings())
    expect(section).toContain(facts)
    expect(section).not.toContain('class="warn')
    expect(section).toContain('Nightly backup at (America/Chicago)<input name="backup_time" value="02:30" type="time"')
    expect((await briefing()).toLowerCase()).not.toContain('backup')
    const read = await status()
    expect(read).toMatchObject({ warning: null, last_failed: null, last_verified: { reason: 'nightly', bytes: 12_900_000 } })
    expect(read.age_hours).toBe(2)
    // Where archives are kept is for people: an agent's token may be stolen.
    expect(read.last_verified).toMatchObject({ file: null, remote: null })
    const owner = await signedIn(pages.app, pages.app.tenant.owner_user_id)
    expect(expectData(await owner.query({ type: 'backup_status' })).items[0].last_verified).toMatchObject({
      file: '/srv/crm/backups/sparkle/2026-11-05-nightly.crm',
      remote: 's3://sparkle-backups/service-crm/2026-11-05-nightly.crm',
    })
  })

  it('the last verified backup 30 hours old: a warning that says how old, and when it was made', async () => {
    await pages.app.t.admin.query('delete from backup_runs where business_id = $1', [pages.app.tenant.tenant_id])
    await run(pages.app.tenant.tenant_id, 'verified', hoursAgo(30), { file: '/srv/crm/backups/sparkle/2026-11-04-nightly.crm' })
    const page = await home()
    expect(page).toContain(`<h2>Backups need you</h2><p class="warn wrap"><strong>${STALE}</strong></p>`)
    expect(page).toContain(
      'Last verified backup: <strong>yesterday 03:30</strong>, in <code>/srv/crm/backups/sparkle/2026-11-04-nightly.crm</code>.',
    )
    const section = settingsSection(await settings())
    expect(section).toContain(`<strong>${STALE}</strong>`)
    expect(section).toContain('<strong>yesterday 03:30</strong>')
    expect(await briefing()).toContain(`\n${STALE} (tell the owner: /settings#backups)`)
  })

  it('a later run that failed: a warning with its error and when it failed, beside the last verified one', async () => {
    await run(pages.app.tenant.tenant_id, 'failed', hoursAgo(7), { error: 'no space left on device' })
    const page = await home()
    expect(page).toContain(
      `<h2>Backups need you</h2><p class="warn wrap"><strong>${FAILED}</strong> <span class="muted">(today 02:30)</span></p>`,
    )
    expect(page).toContain('<strong>yesterday 03:30</strong>')
    expect(settingsSection(await settings())).toContain(`<strong>${FAILED}</strong>`)
    expect(await briefing()).toContain(`\n${FAILED} (tell the owner: /settings#backups)`)
    expect(await status()).toMatchObject({ warning: FAILED, last_failed: { error: 'no space left on device' } })

    // A whole-service archive verified since covers the business too, and clears the warning.
    await run(null, 'verified', hoursAgo(1), {
      file: '/srv/crm/backups/service/2026-11-05.crm',
      remote: 's3://sparkle-backups/service-crm/2026-11-05.crm',
    })
    expect(await home()).toContain(
      'Last verified backup: <strong>today 08:30</strong>, in <code>/srv/crm/backups/service/2026-11-05.crm</code> and <code>s3://sparkle-backups/service-crm/2026-11-05.crm</code> (an archive of the whole service).',
    )
    expect((await briefing()).toLowerCase()).not.toContain('backup')
  })

  it('the latest verified archive only beside the data: every place says one lost disk or machine loses both', async () => {
    const config = pages.app.services.config
    const was = { dataDir: config.dataDir, databaseUrl: config.databaseUrl }
    const folder = mkdtempSync(join(tmpdir(), 'crm-beside-'))
    try {
      await pages.app.t.admin.query('delete from backup_runs')
      await run(pages.app.tenant.tenant_id, 'verified', hoursAgo(2), { file: join(folder, 'backups', 'x.crm') })
      Object.assign(config, { dataDir: join(folder, 'data'), databaseUrl: undefined })
      expect(await status()).toMatchObject({ beside_data: 'disk', warning: SAME_DISK })
      const shown = SAME_DISK.replace("'", '&#39;')
      expect(await home()).toContain(`<h2>Backups need you</h2><p class="warn wrap"><strong>${shown}</strong></p>`)
      expect(settingsSection(await settings())).toContain(`<strong>${shown}</strong>`)
      expect(await briefing()).toContain(`\n${SAME_DISK} (tell the owner: /settings#backups)`)
      Object.assign(config, { databaseUrl: 'postgres://crm@127.0.0.1:5432/crm' })
      expect(await status()).toMatchObject({ beside_data: 'machine', warning: SAME_MACHINE })
      Object.assign(config, { databaseUrl: 'postgres://crm@db.example.test/crm' })
      expect(await status()).toMatchObject({ beside_data: null, warning: null })
      // A copy in the bucket is the copy elsewhere, wherever the folder is.
      Object.assign(config, { databaseUrl: undefined })
      await pages.app.t.admin.query('update backup_runs set remote = $2 where business_id = $1', [
        pages.app.tenant.tenant_id,
        's3://b/x.crm',
      ])
      expect(await status()).toMatchObject({ beside_data: null, warning: null })
    } finally {
      Object.assign(config, was)
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('an upgrade that migrated without a key: Home says no backup was made before it, and when', async () => {
    backupsOn(false)
    // As a start without CRM_BACKUP_KEY records it once its migrations are applied (core/backup/before-migrations.ts).
    await run(null, 'failed', hoursAgo(0.5), { reason: 'before_migrations', error: 'no CRM_BACKUP_KEY was set' })
    const upgrade =
      '<p class="warn wrap">The upgrade of <strong>today 09:00</strong> migrated the database with no backup made before it ' +
      '(no CRM_BACKUP_KEY was set): it cannot be undone by restoring one.</p>'
    const page = await home()
    expect(page).toContain(`<h2>Backups need you</h2><p class="warn wrap"><strong>${OFF}</strong></p>${upgrade}`)
    expect(settingsSection(await settings())).toContain(upgrade)
    expect(await status()).toMatchObject({ warning: OFF, last_failed: { reason: 'before_migrations', error: 'no CRM_BACKUP_KEY was set' } })

    // With a key set since, the warning itself says it, and does not promise it is tried again.
    backupsOn(true)
    const missed = 'The backup before the last upgrade failed (no CRM_BACKUP_KEY was set): the upgrade went ahead without one.'
    expect(await home()).toContain(
      `<h2>Backups need you</h2><p class="warn wrap"><strong>${missed}</strong> <span class="muted">(today 09:00)</span></p>`,
    )
    expect(await briefing()).toContain(`\n${missed} (tell the owner: /settings#backups)`)

    // The archive made before the next upgrade's migrations is named as such.
    await run(null, 'verified', hoursAgo(0.25), {
      reason: 'before_migrations',
      file: '/srv/crm/backups/service-crm-all-before-migrations.crmbackup',
    })
    expect(await home()).toContain(
      'Last verified backup: <strong>today 09:15</strong>, made before an upgrade migrated the database, in ' +
        '<code>/srv/crm/backups/service-crm-all-before-migrations.crmbackup</code> (an archive of the whole service).',
    )
  })

  it('is not for technicians', async () => {
    const tech = await signedIn(pages.app, await addUser(pages.app, 'tess@sparkle.test', 'technician', 'Tess Tech'))
    expect((await tech.query({ type: 'backup_status' })).body.error.code).toBe('FORBIDDEN')
  })
})
