import { chmodSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeArchive } from '../../../core/backup/archive.js'
import { restoreArchive } from '../../../core/backup/restore.js'
import { openDatabase } from '../../../core/db/open.js'
import { setLocal } from '../../../core/db/tenant.js'
import type { Config } from '../../../core/kernel/config.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { backUp, backupDir, backupKey, emptyRestoreTarget, expectNothingWritten } from '../../helpers/backups.js'
import { bothEngines } from '../../helpers/databases.js'
import { asServerAdmin } from '../../helpers/deploy-database.js'
import { insertAddress, newContact } from '../../helpers/fixtures.js'
import { asDeployRole } from '../../helpers/template.js'

// Both engines: archives are made on and restored into each engine.

const now = () => new Date()

/** How many customers the business holds in the restored target (read with the business set: the owner role is held to it). */
async function customers(config: Pick<Config, 'databaseUrl' | 'dataDir'>, tenantId: string): Promise<number> {
  const db = await openDatabase({ ...config, databasePreparedStatements: true, databaseRolePrefix: 'crm' })
  try {
    return await db.transaction(async (tx) => {
      await setLocal(tx, { 'app.tenant_id': tenantId })
      return (await tx.query<{ n: number }>('select count(*)::int as n from contacts')).rows[0].n
    })
  } finally {
    await db.close()
  }
}

/** A target made, one or two archives loaded and a business set aside: a limit against hanging on a busy machine, not a speed check. */
const RESTORES = 180_000

describe('a restore that fails part way leaves its target as it found it', () => {
  const key = backupKey()
  let app: TestApp
  let good: string
  let broken: string
  beforeAll(async () => {
    // The source is embedded, where the test may set the keys aside to make an archive whose rows do not fit together.
    app = await startTestApp('pglite')
    const contact = await newContact(app, { display_name: 'Jane Smith', email: 'jane@example.test' })
    await insertAddress(app, contact)
    good = (await backUp(app, key)).file
    await app.t.admin.exec('set session_replication_role = replica')
    await app.t.admin.query('delete from contacts where id = $1', [contact])
    await app.t.admin.exec('set session_replication_role = origin')
    // Its address names a customer it does not hold: the load stops when the keys are checked, after every row is in.
    broken = join(backupDir(), 'broken.crmbackup')
    await writeArchive({ snapshot: app.t.db, key, file: broken, now: now(), readDocument: async () => null })
  }, 120_000)
  afterAll(() => app?.close())

  for (const engine of bothEngines) {
    it(
      `an empty ${engine} target stays empty, and the error says what went wrong and that nothing was written`,
      async () => {
        const place = await emptyRestoreTarget(engine, key)
        try {
          const failed = restoreArchive(place.config, broken, { replace: false, now })
          await expect(failed).rejects.toThrow(
            /^The restore did not finish: .*foreign key constraint.*\. Nothing was written: .* is as it was\./,
          )
          await expect(failed).rejects.toThrow(
            /rows do not fit together \(a row names another that is not in it\): restore an earlier archive/,
          )
          await expectNothingWritten(place.config)
        } finally {
          await place.dispose()
        }
      },
      RESTORES,
    )

    it(
      `with --replace, the business already in the ${engine} target is still there after a failure`,
      async () => {
        const place = await emptyRestoreTarget(engine, key)
        try {
          await restoreArchive(place.config, good, { replace: false, now })
          const failed = restoreArchive(place.config, broken, { replace: true, now })
          await expect(failed).rejects.toThrow(/Nothing was written/)
          // A server's business is archived before it is replaced; the message names that archive too.
          if (engine === 'postgres') await expect(failed).rejects.toThrow(/what it held is also in .*\.tar\.gz\.age/)
          expect(await customers(place.config, app.tenant.tenant_id)).toBe(1)
          if (engine === 'pglite') expect(readdirSync(join(place.config.dataDir, '..')).filter((f) => f.includes('replaced'))).toEqual([])
        } finally {
          await place.dispose()
        }
      },
      RESTORES,
    )
  }

  it(
    'an embedded folder found empty is left empty',
    async () => {
      const place = await emptyRestoreTarget('pglite', key)
      mkdirSync(place.config.dataDir, { recursive: true })
      await expect(restoreArchive(place.config, broken, { replace: false, now })).rejects.toThrow(/Nothing was written/)
      expect(readdirSync(place.config.dataDir)).toEqual([])
    },
    RESTORES,
  )

  it(
    'an empty embedded folder whose migrated copy cannot be made stays as it was, and the error says why',
    async () => {
      const place = await emptyRestoreTarget('pglite', key)
      // The copies are kept in this user's folder of the temporary folder: one anybody may write into is refused.
      const temporary = mkdtempSync(join(tmpdir(), 'crm-open-tmp-'))
      const shared = join(temporary, `service-crm-${process.getuid?.() ?? 0}`)
      mkdirSync(shared)
      chmodSync(shared, 0o777)
      const before = process.env.TMPDIR
      process.env.TMPDIR = temporary
      try {
        const failed = restoreArchive(place.config, good, { replace: false, now })
        await expect(failed).rejects.toThrow(/^The restore did not finish: .*is not this user's own folder.*Nothing was written/)
        await expectNothingWritten(place.config)
      } finally {
        if (before === undefined) delete process.env.TMPDIR
        else process.env.TMPDIR = before
      }
    },
    RESTORES,
  )

  it.skipIf(!bothEngines.includes('postgres'))(
    'into a database its role does not own, it says what the role needs and writes nothing',
    async () => {
      const server = process.env.TEST_DATABASE_URL as string
      const name = `crm_restore_test_not_owned_${process.pid}`
      // Made by the server's own role and left its: the deploy role may connect but create nothing in it.
      await asServerAdmin(server, `drop database if exists ${name} with (force)`)
      await asServerAdmin(server, `create database ${name}`)
      try {
        const place = await emptyRestoreTarget('pglite', key)
        const config = { ...place.config, databaseUrl: asDeployRole(server, name) }
        const failed = restoreArchive(config, good, { replace: false, now })
        await expect(failed).rejects.toThrow(/permission denied.*Nothing was written.*may not do this.*createdb --owner crm crm/)
        await expectNothingWritten(config)
      } finally {
        await asServerAdmin(server, `drop database if exists ${name} with (force)`)
      }
    },
  )
})
