import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupHomeSection, backupWhen } from '../../console/owner/settings/backup-views.js'
import { readControlFile } from '../../core/backup/control.js'
import { backupStatus } from '../../core/backup/status.js'
import { backupDir, backupKey } from '../helpers/backups.js'
import { startFakeS3 } from '../helpers/fake-s3.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { buildIfStale, crm, emptyTarget, migratedTarget, type CrmTarget } from './crm.js'

const postgres = Boolean(process.env.TEST_DATABASE_URL)

describe('crm backup and crm restore', () => {
  const key = backupKey().toString('base64')
  const archives = backupDir()
  let embedded: CrmTarget
  let server: ServerProcess | undefined
  let agentToken = ''
  const env = (target: CrmTarget, extra: Record<string, string> = {}) => ({
    ...target.env,
    CRM_BACKUP_KEY: key,
    CRM_BACKUP_DIR: archives,
    ...extra,
  })

  beforeAll(async () => {
    await buildIfStale()
    embedded = await migratedTarget('pglite')
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
    await embedded?.dispose()
  })

  let whileServing = ''
  it('on the embedded engine, asks the running server for the backup, which it verifies', async () => {
    server = await startServerProcess({ ...env(embedded), CRM_WORKER: 'off', LOG_LEVEL: 'warn' })
    agentToken = /agent token: (crm_\S+)/.exec(server.output())?.[1] ?? ''
    expect(agentToken).toMatch(/^crm_/)
    const run = await crm({ env: env(embedded) }, 'backup', '--json')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ verified: true, bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(result.counts).toMatchObject({ tenants: 1 })
    expect(result.file.startsWith(archives)).toBe(true)
    expect(existsSync(result.file)).toBe(true)
    whileServing = result.file
  }, 180_000)

  it("the server's backup door answers only this machine's direct requests with the folder's secret", async () => {
    const control = readControlFile(embedded.dataDir)
    expect(control?.secret).toMatch(/^[0-9a-f]{64}$/)
    const knock = (headers: Record<string, string>) =>
      fetch(`${server!.url}/internal/backup`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' })
    expect((await knock({})).status).toBe(404)
    expect((await knock({ 'x-crm-control': 'f'.repeat(64) })).status).toBe(404)
    // Through a proxy on the same machine the request arrives from loopback too: its headers give it away.
    expect((await knock({ 'x-crm-control': control!.secret, 'x-forwarded-for': '203.0.113.9' })).status).toBe(404)
  })

  it('without CRM_BACKUP_KEY refuses, saying how to make one', async () => {
    const run = await crm({ env: { ...embedded.env, CRM_BACKUP_DIR: archives } }, 'backup')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/CRM_BACKUP_KEY.*openssl rand -base64 32/)
  })

  it('with no server running, opens the folder itself', async () => {
    await server?.stop()
    server = undefined
    const run = await crm({ env: env(embedded) }, 'backup', '--json')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ verified: true })
  }, 180_000)

  it('refuses to restore over a business without --replace, and keeps it aside with it', async () => {
    const refused = await crm({ env: env(embedded) }, 'restore', whileServing)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/already holds a business: nothing was written/)
    const replaced = await crm({ env: env(embedded) }, 'restore', whileServing, '--replace', '--json')
    expect(replaced.code).toBe(0)
    const result = JSON.parse(replaced.stdout)
    expect(result.replaced_kept_at).toMatch(/data\.replaced-\d{8}T\d{6}Z$/)
    expect(existsSync(join(result.replaced_kept_at, 'PG_VERSION'))).toBe(true)

    // The backup history is not in the archive: Home reads the archive restored as the last verified backup, at once.
    const db = await embedded.open()
    try {
      const business = (await db.query<{ id: string }>('select first_tenant_id as id from installation')).rows[0].id
      const now = new Date()
      const status = await backupStatus(db, business, true, now)
      expect(status).toMatchObject({ warning: null, last_failed: null, last_verified: { file: whileServing, business_id: null } })
      expect(Date.parse(status.last_verified?.finished_at ?? '')).toBe(Date.parse(result.created_at))
      const home = backupHomeSection({ id: business, backups_on: true, ...status }, 'UTC', now)
      expect(home.top).toBe('')
      expect(String(home.end)).toContain(
        `Last verified backup: <strong>${backupWhen(result.created_at, 'UTC', now)}</strong>, in <code>${whileServing}</code>`,
      )
    } finally {
      await db.close()
    }
  }, 180_000)

  it('restores straight from the bucket the backup reported, into either engine; a key the bucket lacks writes nothing', async () => {
    const s3 = await startFakeS3({ region: 'us-east-1', buckets: ['crm-backups'] })
    const bucketEnv = {
      CRM_BACKUP_S3_BUCKET: 'crm-backups',
      CRM_BACKUP_S3_ENDPOINT: s3.url,
      CRM_BACKUP_S3_ACCESS_KEY_ID: s3.accessKeyId,
      CRM_BACKUP_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    }
    const address = `s3://crm-backups/service-crm/${basename(whileServing)}`
    s3.bucket('crm-backups').set(`service-crm/${basename(whileServing)}`, {
      body: readFileSync(whileServing),
      contentType: 'application/octet-stream',
      lastModified: new Date(),
      etag: '"x"',
    })
    try {
      for (const engine of postgres ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
        const target = await emptyTarget(engine)
        try {
          const missing = await crm({ env: env(target, bucketEnv) }, 'restore', `${address}.gone`)
          expect(missing.code).toBe(1)
          expect(missing.stderr).toContain('The backup bucket did not give back the archive (HTTP 404 NoSuchKey)')
          expect(existsSync(target.dataDir)).toBe(false)
          const run = await crm({ env: env(target, bucketEnv) }, 'restore', address, '--json')
          expect(run.stderr).toBe('')
          expect(run.code).toBe(0)
          expect(JSON.parse(run.stdout)).toMatchObject({ restored: address, scope: 'all', counts: { tenants: 1 } })
        } finally {
          await target.dispose()
        }
      }
      expect(s3.requests.filter((r) => r.operation === 'GetObject').length).toBe(postgres ? 4 : 2)
    } finally {
      await s3.close()
    }
  }, 240_000)

  it.skipIf(!postgres)(
    'moves the business from the embedded engine to a PostgreSQL server, where its agent keeps working',
    async () => {
      const target = await emptyTarget('postgres')
      try {
        const run = await crm({ env: env(target) }, 'restore', whileServing, '--json')
        expect(run.stderr).toBe('')
        expect(run.code).toBe(0)
        expect(JSON.parse(run.stdout)).toMatchObject({ scope: 'all', replaced_kept_at: null, counts: { tenants: 1 } })
        const moved = await startServerProcess({ ...env(target), CRM_WORKER: 'off', LOG_LEVEL: 'warn' })
        try {
          // The move made no new business: the first start's was restored.
          expect(moved.output()).not.toMatch(/agent token:/)
          const res = await fetch(`${moved.url}/api/data?type=settings`, { headers: { authorization: `Bearer ${agentToken}` } })
          expect(res.status).toBe(200)
        } finally {
          await moved.stop()
        }
      } finally {
        await target.dispose()
      }
    },
    240_000,
  )
})
