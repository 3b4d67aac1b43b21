import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { openOnPhone, phoneTab } from '../helpers/phone-page.js'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { behaviourEngine } from '../helpers/databases.js'

/** Thu 2026-11-05 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.skipIf(!browserAvailable)('backups on Home and the settings page in Chromium at 390 px', () => {
  let pages: PageApp
  let browser: Browser
  const run = (state: 'verified' | 'failed', hoursAgo: number, more: { file?: string; remote?: string; error?: string }) => {
    const finished = new Date(NOW.getTime() - hoursAgo * 3_600_000)
    return pages.app.t.admin.query(
      `insert into backup_runs (business_id, reason, status, started_at, finished_at, nightly_day, file, remote, bytes, error)
       values ($1, 'nightly', $2, $3, $3, $4, $5, $6, 48200000, $7)`,
      [
        pages.app.tenant.tenant_id,
        state,
        finished,
        finished.toISOString().slice(0, 10),
        more.file ?? null,
        more.remote ?? null,
        more.error ?? null,
      ],
    )
  }

  beforeAll(async () => {
    pages = await startPageApp(behaviourEngine, { now: () => NOW })
    pages.app.services.config.backup = { ...pages.app.services.config.backup, key: Buffer.alloc(32, 7) }
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await pages?.app.close()
  })

  it('a failed backup: the warning and the last verified one, with long paths, fit the phone and pass axe on both pages', async () => {
    await run('verified', 30, {
      file: '/var/lib/service-crm/backups/3f6c2a4e-9d1b-4c7e-8a55-0b7f1e2d9c34/2026-11-04T0830Z-nightly.crm.sealed',
      remote: 's3://sparkle-window-cleaning-backups/service-crm/3f6c2a4e-9d1b-4c7e-8a55-0b7f1e2d9c34/2026-11-04T0830Z-nightly.crm.sealed',
    })
    await run('failed', 7, { error: 'upload to the bucket failed: SignatureDoesNotMatch (check CRM_BACKUP_S3_SECRET_ACCESS_KEY)' })
    const tab = await phoneTab(browser, pages.app)
    try {
      const home = await openOnPhone(tab, pages.app, '/')
      const card = home.locator('.card', { hasText: 'Backups need you' })
      expect(await card.textContent()).toContain('The last backup failed (upload to the bucket failed: SignatureDoesNotMatch')
      await home.screenshot({ path: '/tmp/backups-home-390.png' })
      await card.locator('a:text("Backup settings")').click()
      expect(new URL(home.url()).hash).toBe('#backups')
      const settings = await openOnPhone(tab, pages.app, '/settings')
      expect(await settings.locator('input[name="backup_time"]').inputValue()).toBe('02:30')
      expect(await settings.locator('input[name="backup_keep_daily"]').inputValue()).toBe('7')
      await settings.evaluate('document.getElementById("backups").scrollIntoView()')
      await settings.screenshot({ path: '/tmp/backups-settings-390.png' })
      expect(tab.problems).toEqual([])
    } finally {
      await tab.close()
    }
  }, 180_000)

  it('all well: Home has one line near the end, and the settings page saves a new time from the phone', async () => {
    // Copied to a bucket too: an archive only beside the data is a warning of its own.
    await run('verified', 1, {
      file: '/var/lib/service-crm/backups/2026-11-05-nightly.crm.sealed',
      remote: 's3://sparkle-backups/service-crm/2026-11-05-nightly.crm.sealed',
    })
    const tab = await phoneTab(browser, pages.app, { javaScript: false })
    try {
      const home = await tab.page.goto(`${pages.app.url}/`).then(() => tab.page)
      expect(await home.locator('h2').allTextContents()).not.toContain('Backups need you')
      expect(await home.locator('h2:text("Backups") + p').textContent()).toBe(
        'Last verified backup: today 08:30, in /var/lib/service-crm/backups/2026-11-05-nightly.crm.sealed and ' +
          's3://sparkle-backups/service-crm/2026-11-05-nightly.crm.sealed, 46.0 MB.',
      )
      await home.screenshot({ path: '/tmp/backups-home-ok-390.png', fullPage: true })
      await home.goto(`${pages.app.url}/settings`)
      await home.fill('input[name="backup_time"]', '03:45')
      await home.fill('input[name="backup_keep_monthly"]', '24')
      await home.click('button:text("Save settings")')
      expect(await home.textContent('body')).toContain('Settings saved.')
      expect(await home.locator('input[name="backup_time"]').inputValue()).toBe('03:45')
      expect(await home.locator('input[name="backup_keep_monthly"]').inputValue()).toBe('24')
    } finally {
      await tab.close()
    }
  }, 180_000)
})
