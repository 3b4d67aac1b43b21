import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../core/db/migrate.js'
import { openPglite } from '../../core/db/pglite.js'
import { BEFORE_BACKUPS, bootstrapOnOldSchema } from '../core/backup/old-schema.js'
import { backupKey } from '../helpers/backups.js'
import { startServerProcess } from '../helpers/server-process.js'
import { buildIfStale, crm } from './crm.js'

/** A data folder holding a business on the schema of an older release, and a folder for its archives. */
async function olderInstall(): Promise<{ dataDir: string; backups: string }> {
  const root = mkdtempSync(join(tmpdir(), 'crm-upgrade-'))
  const dataDir = join(root, 'data')
  const db = await openPglite(dataDir)
  try {
    await migrate(db, BEFORE_BACKUPS)
    await bootstrapOnOldSchema(db)
  } finally {
    await db.close()
  }
  return { dataDir, backups: join(root, 'backups') }
}

describe('an upgrade that migrates a business says what was backed up before it', () => {
  beforeAll(() => buildIfStale(), 120_000)

  it('crm migrate without CRM_BACKUP_KEY says no backup was made before migrating, and why', async () => {
    const { dataDir, backups } = await olderInstall()
    const run = await crm({ env: { CRM_DATA_DIR: dataDir, CRM_BACKUP_DIR: backups } }, 'migrate')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe(
      'No backup was made before migrating: CRM_BACKUP_KEY is not set, so this upgrade cannot be undone by restoring one ' +
        '(set CRM_BACKUP_KEY: docs/backups.md).',
    )
    expect(lines[1]).toMatch(/^Applied \d+ migrations to the embedded database in /)
    expect(() => readdirSync(backups)).toThrow(/ENOENT/)
  }, 240_000)

  it('a start with the key names the archive it made before migrating in its banner', async () => {
    const { dataDir, backups } = await olderInstall()
    const env = { CRM_DATA_DIR: dataDir, CRM_BACKUP_DIR: backups, CRM_BACKUP_KEY: backupKey().toString('base64') }
    const server = await startServerProcess({ ...env, CRM_WORKER: 'off', LOG_LEVEL: 'warn' }, 240_000)
    try {
      const archives = readdirSync(backups)
      expect(archives).toEqual([expect.stringMatching(/-before-migrations\.tar\.gz\.age$/)])
      expect(server.output().split('\n')).toContain(
        `  upgrade:  Before migrating, a verified archive of every business was made: ${join(backups, archives[0])} ` +
          '(to go back, restore it with the previous version: docs/operations.md, Rolling back an upgrade)',
      )
    } finally {
      await server.stop()
    }
  }, 300_000)
})
