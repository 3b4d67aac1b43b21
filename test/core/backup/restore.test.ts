import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restoreArchive } from '../../../core/backup/restore.js'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { BackupResult } from '../../../core/backup/make.js'
import { readFunctions } from '../../../core/db/migrate.js'
import { openDatabase } from '../../../core/db/open.js'
import { withTenant } from '../../../core/db/tenant.js'
import type { Database } from '../../../core/db/types.js'
import { documentStoreFor } from '../../../core/documents/choose-store.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { backUp, backupKey, emptyRestoreTarget, fingerprint } from '../../helpers/backups.js'
import { businessRecords } from '../../helpers/business-records.js'
import { bothEngines } from '../../helpers/databases.js'
import { issueMagicLinkFor } from '../../../core/auth/magic-links.js'
import { newContact, signedIn } from '../../helpers/fixtures.js'

// Both engines: archives are made on and restored into each engine.

/** Tables a restore changes on purpose: sign-ins end, and the restored business is recorded as the first start's. */
const CHANGED_BY_RESTORE = new Set(['sessions', 'magic_links', 'approval_links', 'oauth_codes', 'installation'])

for (const source of bothEngines) {
  describe(`a backup made on ${source}`, () => {
    const key = backupKey()
    let app: TestApp
    let backup: BackupResult
    let records: Record<string, string>
    beforeAll(async () => {
      app = await startTestApp(source)
      const run = (action: string, data: unknown) => {
        const [domain, name] = action.split('.')
        return app.ownerAction(domain, name, data)
      }
      records = await businessRecords(run, app.t.db, app.tenant.tenant_id, 1)
      // Someone is signed in and a sign-in link is out when the backup is made.
      await signedIn(app, app.tenant.owner_user_id)
      await issueMagicLinkFor(app.t.db, app.tenant.tenant_id, app.tenant.owner_user_id)
      backup = await backUp(app, key)
    }, 120_000)
    afterAll(() => app?.close())

    it('says where it is, its size and hash, that it was verified, and what it holds', async () => {
      expect(existsSync(backup.file)).toBe(true)
      expect(backup).toMatchObject({ verified: true, bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
      expect(backup.counts).toMatchObject({ tenants: 1, contacts: 2, invoices: 2, documents: 1, sessions: 1, magic_links: 1 })
      const { document_files: files, ...tables } = backup.counts
      const now = await fingerprint(app.t.db)
      expect(tables).toEqual(now.counts)
      expect(files).toBe(now.documents.length)
      expect(files).toBeGreaterThan(0)
      // Nothing of a customer can be read in the file.
      const bytes = readFileSync(backup.file)
      for (const words of ['Customer 1', 'customer1@output.test', '1 Elm St', 'Has a dog'])
        expect(bytes.includes(Buffer.from(words))).toBe(false)
    })

    for (const target of bothEngines) {
      it(`restores into an empty ${target} database: the same rows and documents, everyone signed out, agents still in`, async () => {
        const place = await emptyRestoreTarget(target, key)
        try {
          const started = new Date()
          const result = await restoreArchive(place.config, backup.file, { replace: false, now: () => new Date() })
          expect(result).toMatchObject({ scope: 'all', migrated: [], replaced_kept_at: null, revoked: 2 })
          const db = await openDatabase(place.config)
          try {
            const before = await fingerprint(app.t.db)
            const after = await fingerprint(db)
            for (const table of Object.keys(before.counts).filter((t) => !CHANGED_BY_RESTORE.has(t))) {
              expect({ table, count: after.counts[table], sum: after.checksums[table] }).toEqual({
                table,
                count: before.counts[table],
                sum: before.checksums[table],
              })
            }
            expect(after.counts).toMatchObject({ sessions: 0, magic_links: 0, installation: 1 })
            // The archive holds the newest schema: loading it applied the function files, recorded as on any database.
            const functions = await db.query('select name, checksum from schema_functions order by name')
            expect(functions.rows).toEqual(readFunctions().map(({ name, checksum }) => ({ name, checksum })))
            // Recorded as applied by this restore, also where an empty embedded folder started from a migrated copy.
            const applied = await db.query<{ first: Date }>(
              'select least((select min(applied_at) from schema_migrations), (select min(applied_at) from schema_functions)) as first',
            )
            expect(applied.rows[0].first.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000)
            // The tables are the owner's a first start on that engine makes them: the engine's own user, or the deploy role.
            const owners = await db.query<{ owner: string }>(
              `select distinct tableowner as owner from pg_tables where schemaname = 'public'`,
            )
            const own = await app.t.admin.query<{ owner: string }>(
              `select distinct tableowner as owner from pg_tables where schemaname = 'public'`,
            )
            if (target === source) expect(owners.rows).toEqual(own.rows)
            expect(owners.rows).toHaveLength(1)
            expect(after.documents).toEqual(before.documents)
            await expectDocumentsReadable(db, place.config, before.documents, app)
            expect(await authenticateAgentToken(db, app.tenant.agent_token)).toMatchObject({ tenantId: app.tenant.tenant_id })
            expect(records.contact).toBeTruthy()
          } finally {
            await db.close()
          }
          // A second restore finds the business there and writes nothing.
          await expect(restoreArchive(place.config, backup.file, { replace: false, now: () => new Date() })).rejects.toThrow(
            /already holds a business: nothing was written.*--replace/,
          )
          // Replacing is the target's doing, whatever made the archive: once for each engine, from its own.
          if (target === source) {
            const replaced = await restoreArchive(place.config, backup.file, { replace: true, now: () => new Date() })
            expect(replaced.replaced_kept_at).toBeTruthy()
            expect(existsSync(replaced.replaced_kept_at as string)).toBe(true)
          }
        } finally {
          await place.dispose()
        }
      }, 180_000)
    }
  })
}

for (const engine of bothEngines) {
  it(`a backup of one business (--tenant) on ${engine} holds that business alone, and restores as the first`, async () => {
    const key = backupKey()
    const app = await startTestApp(engine)
    try {
      const other = await app.createTenant('Other Windows')
      await newContact(app, { display_name: 'Jane Smith' })
      const backup = await backUp(app, key, { tenantId: other.tenant_id })
      expect(backup.counts).toMatchObject({ tenants: 1, contacts: 0 })
      const place = await emptyRestoreTarget(engine, key)
      try {
        const result = await restoreArchive(place.config, backup.file, { replace: false, now: () => new Date() })
        expect(result.scope).toBe(other.tenant_id)
        const db = await openDatabase(place.config)
        try {
          const businesses = await db.query<{ id: string }>('select id from operator_businesses()')
          expect(businesses.rows).toEqual([{ id: other.tenant_id }])
          const first = await db.query<{ first_tenant_id: string }>('select first_tenant_id from installation')
          expect(first.rows).toEqual([{ first_tenant_id: other.tenant_id }])
          expect(await authenticateAgentToken(db, other.agent_token)).toMatchObject({ tenantId: other.tenant_id })
          expect(await authenticateAgentToken(db, app.tenant.agent_token)).toBeNull()
        } finally {
          await db.close()
        }
      } finally {
        await place.dispose()
      }
    } finally {
      await app.close()
    }
  }, 180_000)
}

async function expectDocumentsReadable(db: Database, config: Parameters<typeof documentStoreFor>[0], ids: string[], app: TestApp) {
  const store = documentStoreFor(config, db)
  for (const id of ids) {
    const [tenantId, sha256] = id.split('/')
    const original = await withTenant(app.t.db, { tenantId, actorType: 'system' }, (tx) => app.services.documents.get(tx, tenantId, sha256))
    const restored = await withTenant(db, { tenantId, actorType: 'system' }, (tx) => store.get(tx, tenantId, sha256))
    expect(restored.equals(original)).toBe(true)
  }
}
