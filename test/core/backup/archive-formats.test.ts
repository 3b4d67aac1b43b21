import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkArchive } from '../../../core/backup/archive.js'
import { ArchiveError } from '../../../core/backup/archive-error.js'
import { passphraseOf } from '../../../core/backup/age-tar.js'
import { restoreArchive } from '../../../core/backup/restore.js'
import { openDatabase } from '../../../core/db/open.js'
import { withTenant } from '../../../core/db/tenant.js'
import { documentStoreFor } from '../../../core/documents/choose-store.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { backUp, backupKey, emptyRestoreTarget, fingerprint } from '../../helpers/backups.js'
import { businessRecords } from '../../helpers/business-records.js'
import { bothEngines } from '../../helpers/databases.js'

// Both engines: archives are made on and restored into each engine.

/** Why an archive does not open, or 'opened'. */
async function reasonOf(file: string, key: Buffer): Promise<string> {
  try {
    await checkArchive(file, key)
    return 'opened'
  } catch (err) {
    return err instanceof ArchiveError ? err.reason : `other: ${(err as Error).message}`
  }
}

/** Decrypts with the `age` command as an owner would, typing the passphrase at its prompt (a terminal of its own). */
function ageDecrypt(file: string, out: string, passphrase: string): void {
  const run = spawnSync('script', ['-qec', `age -d -o '${out}' '${file}'`, '/dev/null'], {
    input: `${passphrase}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (run.status !== 0 || !existsSync(out)) throw new Error(`age -d failed (${run.status}): ${run.stdout} ${run.stderr}`)
}

describe('an archive made today', () => {
  const key = backupKey()
  let app: TestApp
  let file: string
  beforeAll(async () => {
    app = await startTestApp('pglite')
    const run = (action: string, data: unknown) => {
      const [domain, name] = action.split('.')
      return app.ownerAction(domain, name, data)
    }
    await businessRecords(run, app.t.db, app.tenant.tenant_id, 1)
    file = (await backUp(app, key)).file
  }, 120_000)
  afterAll(() => app?.close())

  it('is an age file the owner opens without the product: `age -d` with CRM_BACKUP_KEY, then `tar`, gives plain files', async () => {
    expect(file).toMatch(/\.tar\.gz\.age$/)
    const dir = mkdtempSync(join(tmpdir(), 'crm-opened-'))
    ageDecrypt(file, join(dir, 'backup.tar.gz'), passphraseOf(key))
    execFileSync('tar', ['xzf', join(dir, 'backup.tar.gz'), '-C', dir])
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toMatch(/npx crm restore FILE/)
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    expect(manifest).toMatchObject({ scope: 'all', engine: 'pglite' })
    // Each table a folder of JSON lines, one row each; the customers as they were written.
    const contacts = readdirSync(join(dir, 'tables', 'contacts')).flatMap((part) =>
      readFileSync(join(dir, 'tables', 'contacts', part), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    )
    expect(contacts.map((c) => c.display_name).sort()).toEqual(['Customer 1', 'Neighbour 1'])
    const { summary } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))
    expect(summary.counts.contacts).toBe(contacts.length)
    // The documents as their bytes, each named by its hash.
    expect(summary.documents.length).toBeGreaterThan(0)
    for (const id of summary.documents) {
      const bytes = readFileSync(join(dir, 'documents', id))
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(id.split('/')[1])
    }
    expect(existsSync(join(dir, 'sequences'))).toBe(true)
  }, 120_000)

  it('shows nothing of a customer, and is not a gzip stream anywhere a reader would look', () => {
    const bytes = readFileSync(file)
    for (const words of ['Customer 1', 'customer1@output.test', '1 Elm St', 'Has a dog', 'manifest.json'])
      expect(bytes.includes(Buffer.from(words))).toBe(false)
    expect(bytes.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n')
    expect(() => gunzipSync(bytes)).toThrow()
  })

  it('tells a wrong key apart from damage, and refuses a cut file or one that is not an archive', async () => {
    expect(await reasonOf(file, key)).toBe('opened')
    expect(await reasonOf(file, backupKey())).toBe('wrong_key')
    const bytes = readFileSync(file)
    const changed = Buffer.from(bytes)
    changed[Math.floor(bytes.length / 2)] ^= 1
    const damaged = `${file}.damaged`
    writeFileSync(damaged, changed)
    expect(await reasonOf(damaged, key)).toBe('damaged')
    for (const at of [3, 30, 150, 400, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const cut = `${file}.cut`
      copyFileSync(file, cut)
      truncateSync(cut, at)
      expect([at, await reasonOf(cut, key)]).toEqual([at, at < 22 ? 'not_an_archive' : expect.stringMatching(/^(damaged|truncated)$/)])
    }
    const other = `${file}.txt`
    writeFileSync(other, 'name,email\nJane,jane@example.test\n')
    expect(await reasonOf(other, key)).toBe('not_an_archive')
  })
})

// An archive of the first format (before archives were age files), made by that release's code from a business with
// customers, invoices and a document, and kept with its key and what it held.
const FIRST_FORMAT = join(import.meta.dirname, '../../fixtures/backups/first-format.crmbackup')
const firstFormat = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/backups/first-format.json'), 'utf8')) as {
  key: string
  tenant_id: string
  counts: Record<string, number>
  documents: string[]
}
/** Tables a restore changes on purpose: sign-ins end, and the restored business is recorded as the first start's. */
const CHANGED_BY_RESTORE = new Set(['sessions', 'magic_links', 'approval_links', 'oauth_codes', 'installation'])

describe('an archive of the first format', () => {
  const key = Buffer.from(firstFormat.key, 'base64')

  it('still opens, and tells a wrong key, a changed byte and a cut apart', async () => {
    expect(await reasonOf(FIRST_FORMAT, key)).toBe('opened')
    expect(await reasonOf(FIRST_FORMAT, backupKey())).toBe('wrong_key')
    const dir = mkdtempSync(join(tmpdir(), 'crm-first-format-'))
    const bytes = readFileSync(FIRST_FORMAT)
    const changed = Buffer.from(bytes)
    changed[Math.floor(bytes.length / 2)] ^= 1
    writeFileSync(join(dir, 'changed'), changed)
    expect(await reasonOf(join(dir, 'changed'), key)).toBe('damaged')
    for (const at of [20, 200, bytes.length - 1]) {
      writeFileSync(join(dir, 'cut'), bytes.subarray(0, at))
      expect([at, await reasonOf(join(dir, 'cut'), key)]).toEqual([at, 'truncated'])
    }
  })

  for (const engine of bothEngines) {
    it(`restores into an empty ${engine} database: the same rows and documents`, async () => {
      const place = await emptyRestoreTarget(engine, key)
      try {
        const result = await restoreArchive(place.config, FIRST_FORMAT, { replace: false, now: () => new Date() })
        expect(result.scope).toBe('all')
        const db = await openDatabase(place.config)
        try {
          const now = await fingerprint(db)
          for (const [table, count] of Object.entries(firstFormat.counts))
            if (!CHANGED_BY_RESTORE.has(table)) expect({ table, count: now.counts[table] }).toEqual({ table, count })
          expect(now.documents).toEqual(firstFormat.documents)
          const store = documentStoreFor(place.config, db)
          for (const id of firstFormat.documents) {
            const [tenantId, sha256] = id.split('/')
            const bytes = await withTenant(db, { tenantId, actorType: 'system' }, (tx) => store.get(tx, tenantId, sha256))
            expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256)
          }
        } finally {
          await db.close()
        }
      } finally {
        await place.dispose()
      }
    }, 180_000)
  }
})
