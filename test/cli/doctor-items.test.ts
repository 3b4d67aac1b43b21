import { existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backupCopiesItem } from '../../cli/doctor/backup-copies.js'
import { backupFolderItem } from '../../cli/doctor/backup-folder.js'
import { clockItem, databaseItem } from '../../cli/doctor/database-checks.js'
import { diskItems } from '../../cli/doctor/disk.js'
import type { ProbeAnswer } from '../../cli/doctor/http-probe.js'
import { encryptionKeyItem, type KeysInUse } from '../../cli/doctor/keys.js'
import { publicUrlItem, type PublicReading } from '../../cli/doctor/public-url.js'
import { askServer, type DatabaseReading } from '../../cli/doctor/sources.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { ServiceState } from '../../core/monitoring/service-state.js'

const GIB = 1024 ** 3

/** A service state with nothing in it but what a test sets. */
function state(changes: Partial<ServiceState> = {}): ServiceState {
  const integration = { connected: 0, needs_reconnect: 0, failing: 0, lag_seconds: null, failed_records: 0 }
  return {
    businesses: 1,
    emails: { due: 0, held: 0, scheduled: 0, oldest_due_seconds: null },
    quickbooks: { ...integration },
    google: { ...integration },
    backups: { without_verified: 0, oldest_age_hours: 1, oldest_verified_at: '2026-11-20T01:00:00.000Z', last_failed: null },
    ...changes,
  }
}

/** A database reading on PostgreSQL with this many connections in use and this clock skew. */
function reading(used: number, skewMs: number, changes: Partial<ServiceState> = {}): DatabaseReading {
  return {
    ok: true,
    via: 'direct',
    facts: {
      engine: 'postgres',
      version: '15.14',
      now: new Date().toISOString(),
      connections: { used, max: 100, reserved: 3 },
      autovacuum: true,
      pending_migrations: [],
    },
    state: state(changes),
    backupFolder: { dir: '/tmp/crm-doctor-backups', archives: 0, foreign: 0, foreign_examples: [] },
    clock: { skewMs, uncertaintyMs: 2 },
  }
}

/** An answer of the public address whose Date header is `skewMs` from this machine's clock. */
function publicAnswer(skewMs: number): PublicReading {
  const at = Date.now()
  const answer: ProbeAnswer = {
    status: 200,
    headers: { date: new Date(at + skewMs).toUTCString() },
    body: '',
    localAddress: '127.0.0.1',
    certificate: null,
    sentAt: at - 5,
    answeredAt: at + 5,
  }
  return { ok: true, answer }
}

describe("the doctor's items from what it read", () => {
  const config = loadConfig({ CRM_DATA_DIR: '/tmp/crm-doctor-data', CRM_BACKUP_DIR: '/tmp/crm-doctor-backups' })

  it('disk: fails under 2% free, warns under 10% or under 1 GiB, and is fine otherwise', async () => {
    const disk = (freeGib: number, totalGib: number) => async () => ({
      bsize: 4096,
      blocks: (totalGib * GIB) / 4096,
      bavail: (freeGib * GIB) / 4096,
    })
    const statusOf = async (freeGib: number, totalGib: number) => (await diskItems(config, disk(freeGib, totalGib))).map((i) => i.status)
    expect(await statusOf(50, 100)).toEqual(['ok', 'ok'])
    expect(await statusOf(8, 100)).toEqual(['warn', 'warn'])
    expect(await statusOf(0.5, 4)).toEqual(['warn', 'warn'])
    expect(await statusOf(1, 100)).toEqual(['fail', 'fail'])
    const [item] = await diskItems(config, disk(1, 100))
    expect(item.detail).toBe(
      '1.0 GiB free of 100.0 GiB (1%) on the disk of the data folder /tmp/crm-doctor-data: nearly full, writes and backups will fail',
    )
    expect(item.fix).toContain('Free space on that disk')
    const onServer = await diskItems({ ...config, databaseUrl: 'postgres://x@db/crm' }, disk(50, 100))
    expect(onServer.map((i) => i.status)).toEqual(['off', 'ok'])
  })

  it("clock: warns past 5 s, fails past a minute, by the database's clock or the public address's Date", () => {
    expect(clockItem(reading(1, 300), publicAnswer(0)).status).toBe('ok')
    expect(clockItem(reading(1, 8_000), publicAnswer(0)).status).toBe('warn')
    expect(clockItem(reading(1, -90_000), publicAnswer(0))).toMatchObject({ status: 'fail' })
    expect(clockItem(reading(1, 0), publicAnswer(20_000)).status).toBe('warn')
    expect(clockItem(reading(1, 0), publicAnswer(20_000)).detail).toMatch(/the public address's Date (19|20)\.\d s: more than 5 s apart/)
    expect(clockItem(reading(1, 0), publicAnswer(0)).fix).toBe('')
    expect(clockItem(reading(1, 8_000), publicAnswer(0)).fix).toContain('timedatectl set-ntp true')
  })

  it('database: warns above 80% of max_connections', () => {
    expect(databaseItem(config, reading(80, 0))).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('80 of 100 connections in use'),
    })
    const busy = databaseItem(config, reading(81, 0))
    expect(busy.status).toBe('warn')
    expect(busy.fix).toContain('PgBouncer')
  })

  it('database: warns when the server runs without autovacuum, and not when a server did not say', () => {
    const without = reading(1, 0)
    if (without.ok && without.facts) without.facts.autovacuum = false
    expect(databaseItem(config, without)).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('autovacuum is off'),
      fix: expect.stringContaining('autovacuum = on'),
    })
    const older = reading(1, 0)
    if (older.ok && older.facts) delete (older.facts as { autovacuum?: boolean | null }).autovacuum
    expect(databaseItem(config, older).status).toBe('ok')
  })

  it('encryption_key: fails with accounts connected and no key, warns with an integration configured, else is off', () => {
    const none: KeysInUse = { encryption: false, backup: true, source: 'the server' }
    const connected = reading(1, 0, { google: { connected: 2, needs_reconnect: 0, failing: 0, lag_seconds: 10, failed_records: 0 } })
    expect(encryptionKeyItem({}, none, connected)).toMatchObject({
      status: 'fail',
      detail:
        'CRM_ENCRYPTION_KEY is not set (the server), yet 2 QuickBooks or Google accounts are connected: their tokens cannot be opened, so nothing syncs',
    })
    expect(encryptionKeyItem({ GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's' }, none, reading(1, 0)).status).toBe('warn')
    expect(encryptionKeyItem({}, none, reading(1, 0)).status).toBe('off')
    expect(encryptionKeyItem({ CRM_ENCRYPTION_KEY: 'short' }, { ...none, encryption: true }, reading(1, 0))).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('CRM_ENCRYPTION_KEY must be 32 bytes'),
    })
  })

  it('server and public_url: with no server listening, the fix is to start it with its unit, never a proxy or another address', async () => {
    // Nothing listens on port 9: a server that is not running.
    const alone = await askServer('http://127.0.0.1:9', config, 2_000)
    expect(alone).toMatchObject({ ok: false, answered: false, problem: 'no server answers at http://127.0.0.1:9 (ECONNREFUSED)' })
    const start = /^Start the server: sudo systemctl start crm on a server set up by docs\/deploy\.md .*or npm start in its folder/
    expect(alone.ok ? '' : alone.fix).toMatch(start)
    const withWorker = loadConfig({ DATABASE_URL: 'postgres://crm@127.0.0.1:9/crm', CRM_WORKER: 'off' })
    const both = await askServer('http://127.0.0.1:9', withWorker, 2_000)
    expect(both.ok ? '' : both.fix).toMatch(/sudo systemctl start crm and sudo systemctl start crm-worker /)

    // Without PUBLIC_BASE_URL the public address is the server's own, which does not answer either.
    const refused: PublicReading = { ok: false, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3000' }
    const down = publicUrlItem(config, refused, new Date(), false)
    expect(down).toMatchObject({ status: 'fail', fix: expect.stringMatching(start) })
    expect(down.detail).toMatch(/no server answers on its own address either/)
    expect(down.fix).not.toMatch(/proxy|PUBLIC_BASE_URL/)
    // Behind Caddy, a stopped server is a 502 from the proxy: still a server to start, not a proxy to point elsewhere.
    const deployed = loadConfig({ PUBLIC_BASE_URL: 'https://crm.example.com', TRUST_PROXY: 'loopback' })
    const proxyOnly: ProbeAnswer = { ...(publicAnswer(0) as { answer: ProbeAnswer }).answer, status: 502 }
    const badGateway: PublicReading = { ok: true, answer: proxyOnly }
    const stopped = publicUrlItem(deployed, badGateway, new Date(), false)
    expect(stopped).toMatchObject({ status: 'fail', fix: expect.stringMatching(start) })
    // A server that runs behind an address that fails is the address's problem: then the proxy advice stands.
    expect(publicUrlItem(config, refused, new Date(), true).fix).toMatch(/^Put the server behind a reverse proxy/)
    expect(publicUrlItem(deployed, badGateway, new Date(), true).fix).toMatch(/^Point the proxy at the server's own address/)
  })

  it("backup_folder: counts the archives and notes those not in this database's history, as a note rather than a failure", () => {
    const folder = (archives: number, foreign: number, examples: string[]): DatabaseReading => ({
      ...(reading(1, 0) as Extract<DatabaseReading, { ok: true }>),
      backupFolder: { dir: '/srv/crm/backups', archives, foreign, foreign_examples: examples },
    })
    expect(backupFolderItem(folder(0, 0, []))).toEqual({
      check: 'backup_folder',
      status: 'ok',
      detail: 'no archives in /srv/crm/backups yet',
      fix: '',
    })
    expect(backupFolderItem(folder(12, 0, [])).detail).toBe('12 archives in /srv/crm/backups, all made by this database')
    const shared = backupFolderItem(folder(40, 5, ['a.crmbackup', 'b.crmbackup', 'c.crmbackup']))
    expect(shared).toMatchObject({ status: 'ok', fix: '' })
    expect(shared.detail).toMatch(
      /^40 archives in \/srv\/crm\/backups; 5 of them are not in this database's backup history \(a\.crmbackup, b\.crmbackup, c\.crmbackup, \.\.\.\): another installation's sharing the folder/,
    )
    expect(shared.detail).toContain('Retention never deletes them')
    expect(backupFolderItem(folder(2, 1, ['a.crmbackup'])).detail).toMatch(
      /; 1 of them is not in this database's backup history \(a\.crmbackup\):/,
    )
    const unread: DatabaseReading = { ok: false, problem: 'the database could not be read: refused', fix: 'Check DATABASE_URL.' }
    expect(backupFolderItem(unread)).toMatchObject({ status: 'warn', detail: 'not checked: the database could not be read: refused' })
  })
})

describe('backup_copies: whether archives have a copy apart from the data', () => {
  const root = mkdtempSync(join(tmpdir(), 'crm-copies-'))
  const embedded = { CRM_DATA_DIR: join(root, 'data'), CRM_BACKUP_DIR: join(root, 'backups') }
  const bucket = {
    CRM_BACKUP_S3_BUCKET: 'acme-backups',
    CRM_BACKUP_S3_ENDPOINT: 'https://s3.example.test',
    CRM_BACKUP_S3_ACCESS_KEY_ID: 'id',
    CRM_BACKUP_S3_SECRET_ACCESS_KEY: 'secret',
  }

  it("warns when the folder shares the data folder's disk or the database's machine, and is fine with a bucket or a server elsewhere", () => {
    expect(backupCopiesItem(loadConfig(embedded))).toMatchObject({
      status: 'warn',
      detail: `archives are kept only in ${join(root, 'backups')}, on the same disk as the data folder ${join(root, 'data')}: one lost disk loses both`,
    })
    expect(backupCopiesItem(loadConfig(embedded)).fix).toContain('CRM_BACKUP_S3_BUCKET')
    for (const host of ['127.0.0.1', 'localhost', '[::1]'])
      expect(backupCopiesItem(loadConfig({ ...embedded, DATABASE_URL: `postgres://crm@${host}:5432/crm` }))).toMatchObject({
        status: 'warn',
        detail: expect.stringContaining('on the machine that runs the database: one lost machine loses both'),
      })
    expect(backupCopiesItem(loadConfig({ ...embedded, DATABASE_URL: 'postgres://crm@db.example.test/crm' })).status).toBe('ok')
    expect(backupCopiesItem(loadConfig({ ...embedded, ...bucket }))).toMatchObject({
      status: 'ok',
      detail: `archives are written to ${join(root, 'backups')} and copied to s3://acme-backups/service-crm/`,
    })
  })

  // A second filesystem is needed to show a folder apart: the machine's memory-backed one, or the checkout's disk when the
  // run's temporary files are in memory (test/helpers/run-folder.ts).
  const otherDisk = ['/dev/shm', process.cwd()].find((folder) => existsSync(folder) && statSync(folder).dev !== statSync(root).dev)
  it.runIf(otherDisk)('is fine with the folder on another disk', () => {
    expect(backupCopiesItem(loadConfig({ ...embedded, CRM_BACKUP_DIR: join(otherDisk as string, 'crm-backups') })).status).toBe('ok')
  })
})
