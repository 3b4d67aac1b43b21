import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { banner, startServer } from '../../../api/server.js'
import { createServices } from '../../../api/product.js'
import { loadConfig } from '../../../core/kernel/config.js'
import { withTenant } from '../../../core/db/tenant.js'
import { describeBackups, nightlyBackups } from '../../../core/domains/settings/backup-banner.js'
import { createTenant } from '../../../core/kernel/tenants.js'
import { engines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

const KEY = Buffer.alloc(32, 9).toString('base64')
const OFF =
  'backups:  off: no CRM_BACKUP_KEY is set, so no backup is made. Make a key with `openssl rand -base64 32`, set it as ' +
  'CRM_BACKUP_KEY and keep a copy apart from the backups (no archive can be restored without it)'

describe.each(engines)('backups in the start banner (%s)', (engine) => {
  let t: TestDatabase
  const config = (env: Record<string, string>) => loadConfig({ PORT: '0', LOG_LEVEL: 'silent', CRM_WORKER: 'off', ...env })
  const bannerWith = async (env: Record<string, string>) => {
    const services = createServices(config(env), t.db)
    const running = await startServer(services)
    try {
      return banner(services, running)
    } finally {
      await running.close()
    }
  }

  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t?.dispose())

  it('without CRM_BACKUP_KEY says backups are off, how to make a key and to keep it apart from the backups', async () => {
    expect((await bannerWith({})).split('\n')).toContain(`  ${OFF}`)
  })

  it("with it says where archives go and when each business's nightly backup runs, on its own clock", async () => {
    const text = await bannerWith({ CRM_BACKUP_KEY: KEY, CRM_BACKUP_DIR: '/srv/crm/backups' })
    // The server made the first business as it started.
    expect(text.split('\n')).toContain(
      '  backups:  sealed archives in /srv/crm/backups; nightly at 02:30 America/Chicago (My Service Business)',
    )
    const withBucket = await bannerWith({
      CRM_BACKUP_KEY: KEY,
      CRM_BACKUP_DIR: '/srv/crm/backups',
      CRM_BACKUP_S3_BUCKET: 'sparkle-backups',
      CRM_BACKUP_S3_ENDPOINT: 'https://s3.us-east-1.amazonaws.com/',
      CRM_BACKUP_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      CRM_BACKUP_S3_SECRET_ACCESS_KEY: 'not-shown',
    })
    expect(withBucket).toContain(
      'backups:  sealed archives in /srv/crm/backups and copied to https://s3.us-east-1.amazonaws.com/sparkle-backups/service-crm/; nightly at 02:30',
    )
    expect(withBucket).not.toContain('not-shown')
    expect(withBucket).not.toContain('AKIAEXAMPLE')
  })

  it('names the first three businesses with their times and counts the rest', async () => {
    for (const [name, timezone, time] of [
      ['Paris Panes', 'Europe/Paris', '23:15'],
      ['Tokyo Glass', 'Asia/Tokyo', '01:00'],
      ['Fourth Windows', 'America/Denver', '02:30'],
    ] as const) {
      const business = await createTenant(t.db, { name, owner_email: `owner@${name.split(' ')[0].toLowerCase()}.test`, timezone })
      await withTenant(t.db, { tenantId: business.tenant_id, actorType: 'system' }, (tx) =>
        tx.query('update tenants set backup_time = $1 where id = app_tenant()', [time]),
      )
    }
    const nightly = await nightlyBackups(t.db)
    expect(nightly).toEqual({
      count: 4,
      named: [
        { name: 'My Service Business', timezone: 'America/Chicago', backup_time: '02:30' },
        { name: 'Paris Panes', timezone: 'Europe/Paris', backup_time: '23:15' },
        { name: 'Tokyo Glass', timezone: 'Asia/Tokyo', backup_time: '01:00' },
      ],
    })
    expect(describeBackups(config({ CRM_BACKUP_KEY: KEY, CRM_BACKUP_DIR: '/b' }).backup, nightly)).toBe(
      'sealed archives in /b; nightly at 02:30 America/Chicago (My Service Business), 23:15 Europe/Paris (Paris Panes), ' +
        "01:00 Asia/Tokyo (Tokyo Glass) and 1 more, each at its owner's time (/settings)",
    )
    expect(describeBackups(config({}).backup, nightly)).toBe(OFF.replace('backups:  ', ''))
  })
})
