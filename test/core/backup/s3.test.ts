import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupResult } from '../../../core/backup/make.js'
import { restoreArchive } from '../../../core/backup/restore.js'
import { archiveName, archivesToDelete, DEFAULT_RETENTION, parseArchiveName } from '../../../core/backup/retention.js'
import { backupBucket } from '../../../core/backup/s3.js'
import type { BackupSettings } from '../../../core/kernel/config.js'
import { openDatabase } from '../../../core/db/open.js'
import { localDate } from '../../../core/vocabulary/time.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { backUp, backupDir, backupKey, emptyRestoreTarget, fingerprint } from '../../helpers/backups.js'
import { businessRecords } from '../../helpers/business-records.js'
import { engines } from '../../helpers/databases.js'
import { startFakeS3, type FakeS3 } from '../../helpers/fake-s3.js'

// One engine: the bucket holds an archive's bytes, whichever engine made them. Archives made on and restored into each
// engine are restore.test.ts's and archive-formats.test.ts's.

const BUCKET = 'crm-backups'
/** A prefix with characters a URL and XML both escape, as an owner may well type one. */
const PREFIX = 'shop & co/crm/'
const CHICAGO = 'America/Chicago'
/** Tables a restore changes on purpose: sign-ins end, and the restored business is recorded as the first start's. */
const CHANGED_BY_RESTORE = new Set(['sessions', 'magic_links', 'approval_links', 'oauth_codes', 'installation'])

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

for (const engine of engines) {
  describe(`backups to an S3-compatible bucket (${engine})`, () => {
    const key = backupKey()
    let app: TestApp
    let s3: FakeS3
    let settings: NonNullable<BackupSettings['s3']>
    let backup: BackupResult

    /** The keys of the bucket, and an object's bytes. */
    const keys = () => [...s3.bucket(BUCKET).keys()].sort()
    const object = (k: string) => s3.bucket(BUCKET).get(k)?.body
    /** The newest run of the backup history (of every business, or one). */
    const lastRun = async () =>
      (
        await app.t.admin.query<{ status: string; error: string | null; remote: string | null; file: string | null }>(
          'select status, error, remote, file from backup_runs order by started_at desc limit 1',
        )
      ).rows[0]

    beforeAll(async () => {
      s3 = await startFakeS3({ region: 'eu-central-1', buckets: [BUCKET] })
      settings = {
        endpoint: s3.url,
        bucket: BUCKET,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        prefix: PREFIX,
      }
      app = await startTestApp(engine)
      await businessRecords(
        (action, data) => {
          const [domain, name] = action.split('.')
          return app.ownerAction(domain, name, data)
        },
        app.t.db,
        app.tenant.tenant_id,
        1,
      )
      backup = await backUp(app, key, { s3: settings })
    }, 120_000)
    afterAll(async () => {
      await app?.close()
      await s3?.close()
    })

    it('puts the archive in the bucket under the prefix, with the same bytes and hash as the file, and says where', async () => {
      const name = basename(backup.file)
      expect(backup.remote).toBe(`s3://${BUCKET}/${PREFIX}${name}`)
      expect(keys()).toEqual([`${PREFIX}${name}`])
      const local = readFileSync(backup.file)
      const remote = object(`${PREFIX}${name}`) as Buffer
      expect(remote.equals(local)).toBe(true)
      expect(sha256(remote)).toBe(backup.sha256)
      expect(remote.length).toBe(backup.bytes)
      expect(s3.bucket(BUCKET).get(`${PREFIX}${name}`)?.contentType).toBe('application/octet-stream')
      // Signed with the bucket's keys in its region; nothing was refused.
      expect(s3.refused).toEqual([])
      expect(s3.requests.filter((r) => r.status >= 400)).toEqual([])
      expect(s3.requests.filter((r) => r.operation === 'PutObject').map((r) => r.key)).toEqual([`${PREFIX}${name}`])
      expect(await lastRun()).toMatchObject({ status: 'verified', remote: backup.remote, file: backup.file, error: null })
    })

    it('an archive downloaded from the bucket restores into an empty database with the same rows', async () => {
      const downloaded = await backupBucket(settings).get(basename(backup.file))
      expect(sha256(downloaded)).toBe(backup.sha256)
      const file = join(backupDir(), basename(backup.file))
      writeFileSync(file, downloaded)
      const place = await emptyRestoreTarget(engine, key)
      try {
        const result = await restoreArchive(place.config, file, { replace: false, now: () => new Date() })
        expect(result).toMatchObject({ scope: 'all', migrated: [], replaced_kept_at: null })
        const db = await openDatabase(place.config)
        try {
          const before = await fingerprint(app.t.db)
          const after = await fingerprint(db)
          const tables = Object.keys(before.counts).filter((t) => !CHANGED_BY_RESTORE.has(t))
          expect(before.counts.contacts).toBeGreaterThan(0)
          expect(Object.fromEntries(tables.map((t) => [t, [after.counts[t], after.checksums[t]]]))).toEqual(
            Object.fromEntries(tables.map((t) => [t, [before.counts[t], before.checksums[t]]])),
          )
          expect(after.documents).toEqual(before.documents)
        } finally {
          await db.close()
        }
      } finally {
        await place.dispose()
      }
    }, 180_000)

    it('fails when the bucket refuses, naming what the bucket said, records the failed run and keeps the local archive', async () => {
      const before = keys()
      s3.deny('PutObject')
      const dir = backupDir()
      try {
        await expect(backUp(app, key, { dir, s3: settings })).rejects.toThrow(/HTTP 403 AccessDenied/)
      } finally {
        s3.allow()
      }
      const run = await lastRun()
      expect(run).toMatchObject({ status: 'failed', remote: null })
      expect(run.error).toMatch(/AccessDenied/)
      const left = readdirSync(dir)
      expect(left).toHaveLength(1)
      expect(parseArchiveName(left[0])?.scope).toBe('all')
      expect(readFileSync(join(dir, left[0])).length).toBeGreaterThan(0)
      expect(keys()).toEqual(before)

      // A bucket that does not exist says so too.
      const gone = backupDir()
      await expect(backUp(app, key, { dir: gone, s3: { ...settings, bucket: 'no-such-bucket' } })).rejects.toThrow(/HTTP 404 NoSuchBucket/)
      expect((await lastRun()).error).toMatch(/NoSuchBucket/)
      expect(readdirSync(gone)).toHaveLength(1)
    }, 120_000)

    it('retention deletes from the bucket and the folder what it no longer keeps, on the business’s clock, and nothing else', async () => {
      const tenant = app.tenant.tenant_id
      const other = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d'
      const dir = backupDir()
      // The whole service's archive the first test made is in the bucket already.
      const already = keys()
      s3.seed(BUCKET, 'elsewhere/notes.txt')
      const now = Date.now()
      // Sixty days of this business's archives at hours that fall on either side of Chicago's midnight, and one more some days.
      const seeded: string[] = []
      for (let day = 1; day <= 60; day++) {
        const at = new Date(now - day * 86_400_000)
        at.setUTCHours((day * 5) % 24, 17, 0, 0)
        seeded.push(archiveName(tenant, 'nightly', at))
        if (day % 9 === 0) seeded.push(archiveName(tenant, 'manual', new Date(at.getTime() + 3 * 3_600_000)))
      }
      // This database made the nightly ones: its backup history names each file and object, as its runs record them.
      for (const name of seeded.filter((n) => parseArchiveName(n)?.reason === 'nightly')) {
        const at = (parseArchiveName(name) as { at: Date }).at
        await app.t.db.query(
          `insert into backup_runs (business_id, reason, status, nightly_day, started_at, finished_at, file, remote)
           values ($1, 'nightly', 'verified', $2, $3, $3, $4, $5)`,
          [tenant, localDate(at, CHICAGO), at.toISOString(), join(dir, name), `s3://${BUCKET}/${PREFIX}${name}`],
        )
      }
      // Another business's and the whole service's archives, the same business's nightly archives made by another
      // installation sharing the folder and the bucket (a staging copy), and files that are not archives: none is touched.
      const untouched = [
        ...[...Array(12).keys()].map((d) => archiveName(other, 'nightly', new Date(now - (d + 1) * 86_400_000))),
        ...[...Array(40).keys()].map((d) => archiveName(tenant, 'nightly', new Date(now - (d + 1) * 86_400_000 + 60_000))),
        ...[...Array(12).keys()].map((d) => archiveName('all', 'before_migrations', new Date(now - (d + 40) * 86_400_000))),
        'notes.txt',
        `${archiveName(tenant, 'nightly', new Date(now - 90 * 86_400_000))}.part`,
      ]
      for (const name of [...seeded, ...untouched]) {
        writeFileSync(join(dir, name), '')
        s3.seed(BUCKET, `${PREFIX}${name}`)
      }
      const earlier = keys()
      s3.pageSize = 7
      s3.requests.length = 0
      const result = await backUp(app, key, {
        tenantId: tenant,
        dir,
        s3: settings,
        retention: DEFAULT_RETENTION,
        timeZone: CHICAGO,
      }).finally(() => {
        s3.pageSize = 1000
      })
      const made = basename(result.file)
      expect(parseArchiveName(made)?.scope).toBe(tenant)

      // What is left is exactly what retention keeps.
      const ours = [...seeded, made]
      const toDelete = archivesToDelete(ours, tenant, DEFAULT_RETENTION, CHICAGO)
      const keptNames = ours.filter((n) => !toDelete.includes(n)).sort()
      expect(toDelete.length).toBeGreaterThan(30)
      expect(readdirSync(dir).sort()).toEqual([...keptNames, ...untouched].sort())
      expect(keys()).toEqual(
        [...already, ...keptNames.map((n) => `${PREFIX}${n}`), ...untouched.map((n) => `${PREFIX}${n}`), 'elsewhere/notes.txt'].sort(),
      )
      expect(new Set(result.deleted)).toEqual(new Set([...toDelete, ...toDelete.map((n) => `s3://${BUCKET}/${PREFIX}${n}`)]))
      expect(earlier.length).toBeGreaterThan(keys().length)

      // At least what the owner's settings promise is there: the newest of each of 7 days, 4 ISO weeks and every month
      // the archives reach (they reach back two months or three), as Chicago reads them, and the new one.
      const local = (n: string) => localDate((parseArchiveName(n) as { at: Date }).at, CHICAGO)
      const monday = (day: string) => {
        const d = new Date(`${day}T12:00:00Z`)
        d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7))
        return d.toISOString().slice(0, 10)
      }
      const newestBy = (group: (n: string) => string, count: number) => {
        const newest = new Map<string, string>()
        for (const n of [...ours].sort((a, b) => local(b).localeCompare(local(a)) || b.localeCompare(a)))
          if (!newest.has(group(n))) newest.set(group(n), n)
        return [...newest.values()].slice(0, count)
      }
      const months = new Set(ours.map((n) => local(n).slice(0, 7))).size
      expect(months).toBeGreaterThanOrEqual(2)
      for (const [what, expected] of [
        ['days', newestBy(local, 7)],
        ['weeks', newestBy((n) => monday(local(n)), 4)],
        ['months', newestBy((n) => local(n).slice(0, 7), 12)],
      ] as const)
        expect({ what, missing: expected.filter((n) => !keptNames.includes(n)) }).toEqual({ what, missing: [] })
      expect(newestBy(local, 7)).toHaveLength(7)
      expect(keptNames).toContain(made)
      expect(keptNames.length).toBeGreaterThanOrEqual(7 + 1)

      // The bucket was listed page after page, each page signed; every deletion was answered 204.
      const lists = s3.requests.filter((r) => r.operation === 'ListObjectsV2')
      expect(lists.length).toBeGreaterThan(5)
      expect(lists.slice(1).every((r) => r.query['continuation-token'])).toBe(true)
      expect(lists.every((r) => r.query.prefix === PREFIX && r.status === 200)).toBe(true)
      const deletes = s3.requests.filter((r) => r.operation === 'DeleteObject')
      expect(deletes.map((r) => r.key).sort()).toEqual(toDelete.map((n) => `${PREFIX}${n}`).sort())
      expect(deletes.every((r) => r.status === 204)).toBe(true)
      expect(s3.refused).toEqual([])
    }, 120_000)

    it('reads the bucket as S3 answers: a missing archive is NoSuchKey, deleting one that is not there is no error', async () => {
      const bucket = backupBucket(settings)
      await expect(bucket.get('service-crm-all-20200101T000000Z-manual.crmbackup')).rejects.toThrow(/HTTP 404 NoSuchKey/)
      await expect(bucket.remove('service-crm-all-20200101T000000Z-manual.crmbackup')).resolves.toBeUndefined()
      expect(s3.requests.at(-1)).toMatchObject({ operation: 'DeleteObject', status: 204 })
      // Keys that XML escapes come back as they were put.
      await bucket.put('a<b>&"c\'.crmbackup', Buffer.from('x'))
      expect((await bucket.list()).map((a) => a.name)).toContain('a<b>&"c\'.crmbackup')
      await bucket.remove('a<b>&"c\'.crmbackup')
      // Keys signed with another secret are refused, and the client says so.
      const wrong = backupBucket({ ...settings, secretAccessKey: 'not the key' })
      await expect(wrong.list()).rejects.toThrow(/HTTP 403 SignatureDoesNotMatch/)
      expect(s3.refused).toHaveLength(1)
      s3.refused.length = 0
    })
  })
}
