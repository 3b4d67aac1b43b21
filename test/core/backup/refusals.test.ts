import { readFileSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { writeArchive } from '../../../core/backup/archive.js'
import { BackupsOff } from '../../../core/backup/make.js'
import { restoreArchive } from '../../../core/backup/restore.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { backUp, backupDir, backupKey, emptyRestoreTarget, expectNothingWritten } from '../../helpers/backups.js'
import { bothEngines } from '../../helpers/databases.js'
import { newContact } from '../../helpers/fixtures.js'

// Both engines: archives are made on and restored into each engine.

for (const engine of bothEngines) {
  describe(`a restore into ${engine} refuses, writing nothing`, () => {
    const key = backupKey()
    let app: TestApp
    let file: string
    let newer: string
    beforeAll(async () => {
      app = await startTestApp(engine)
      await newContact(app, { display_name: 'Jane Smith', email: 'jane@example.test' })
      file = (await backUp(app, key)).file
      // An archive made by a version with a migration this code does not have.
      await app.t.admin.query(`insert into schema_migrations (version, name, checksum) values (9999, '9999_from_the_future.sql', 'x')`)
      // This code cannot verify such an archive (it would not restore here), so it is written without the check.
      newer = join(backupDir(), 'newer.crmbackup')
      await writeArchive({ snapshot: app.t.db, key, file: newer, now: new Date(), readDocument: async () => null })
      await app.t.admin.query('delete from schema_migrations where version = 9999')
    }, 120_000)
    afterAll(() => app?.close())

    const refused = async (archive: string, targetKey: Buffer | null, message: RegExp) => {
      const place = await emptyRestoreTarget(engine, key)
      try {
        const config = { ...place.config, backup: { ...place.config.backup, key: targetKey } }
        await expect(restoreArchive(config, archive, { replace: false, now: () => new Date() })).rejects.toThrow(message)
        await expectNothingWritten(place.config)
      } finally {
        await place.dispose()
      }
    }

    it('without CRM_BACKUP_KEY', async () => {
      await refused(file, null, /CRM_BACKUP_KEY/)
      await expect(refused(file, null, /x/)).rejects.toThrow()
      expect(new BackupsOff().message).toMatch(/openssl rand -base64 32/)
    })

    it('with another key, naming CRM_BACKUP_KEY', () =>
      refused(file, backupKey(), /CRM_BACKUP_KEY is not the key this archive was sealed with/))

    it('a damaged file', async () => {
      const bytes = readFileSync(file)
      bytes[Math.floor(bytes.length * 0.6)] ^= 0x40
      const damaged = `${file}.damaged`
      writeFileSync(damaged, bytes)
      await refused(damaged, key, /damaged/)
    })

    it('a cut file', async () => {
      const cut = `${file}.cut`
      copyFileSync(file, cut)
      truncateSync(cut, readFileSync(file).length - 40)
      await refused(cut, key, /cut short/)
    })

    it('a file that is not an archive, or no file', async () => {
      const other = `${file}.txt`
      writeFileSync(other, 'name,email\nJane,jane@example.test\n')
      await refused(other, key, /not a Service CRM backup archive/)
      await refused(`${file}.missing`, key, /No archive at/)
    })

    it('an archive from a newer schema than the code', () => refused(newer, key, /newer version of the product.*9999_from_the_future\.sql/))
  })
}
