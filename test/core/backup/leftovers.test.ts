import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LEFTOVER_AGE_MS, removeLeftovers } from '../../../core/backup/leftovers.js'
import { loadConfig } from '../../../core/kernel/config.js'
import { startTestApp } from '../../helpers/app.js'
import { backUp, backupKey } from '../../helpers/backups.js'

/** A folder or file as an interrupted backup leaves it, dated `ageMs` ago. */
function leftover(path: string, ageMs: number, folder = true): string {
  if (folder) {
    mkdirSync(path, { recursive: true })
    writeFileSync(join(path, 'PG_VERSION'), '15\n')
  } else writeFileSync(path, 'half an archive')
  const at = new Date(Date.now() - ageMs)
  utimesSync(path, at, at)
  return path
}

describe('what an interrupted backup left behind', () => {
  it('is removed by the next backup once old enough: the snapshot beside the data, the scratch and the partial archive', async () => {
    const root = mkdtempSync(join(tmpdir(), 'crm-leftovers-'))
    const config = loadConfig({ CRM_DATA_DIR: join(root, 'data'), CRM_BACKUP_DIR: join(root, 'backups'), LOG_LEVEL: 'silent' })
    const old = LEFTOVER_AGE_MS + 60_000
    const stale = [
      leftover(join(root, '.crm-snapshot-a1b2c3'), old),
      leftover(join(root, 'backups', '.verify-d4e5f6'), old),
      leftover(join(root, 'backups', 'service-crm-all-20261101T023000Z-nightly.tar.gz.age.part'), old, false),
    ]
    // A backup running now (another installation's, sharing the folders) keeps its own; nothing else is touched.
    const running = [
      leftover(join(root, '.crm-snapshot-g7h8i9'), 60_000),
      leftover(join(root, 'backups', '.verify-j1k2l3'), 60_000),
      leftover(join(root, 'backups', 'service-crm-all-20261127T023000Z-nightly.tar.gz.age.part'), 60_000, false),
    ]
    const kept = [
      leftover(join(root, 'data'), old),
      leftover(join(root, 'backups', 'service-crm-all-20261101T023000Z-nightly.tar.gz.age'), old, false),
      leftover(join(root, 'snapshots'), old),
    ]
    expect((await removeLeftovers(config, new Date())).sort()).toEqual([...stale].sort())
    for (const path of stale) expect({ path, there: existsSync(path) }).toEqual({ path, there: false })
    for (const path of [...running, ...kept]) expect({ path, there: existsSync(path) }).toEqual({ path, there: true })
  })

  it('is removed when a backup is made', async () => {
    const app = await startTestApp('pglite')
    try {
      const dir = mkdtempSync(join(tmpdir(), 'crm-leftovers-backup-'))
      const scratch = leftover(join(dir, '.verify-m4n5o6'), LEFTOVER_AGE_MS + 60_000)
      await backUp(app, backupKey(), { dir })
      expect(existsSync(scratch)).toBe(false)
    } finally {
      await app.close()
    }
  }, 120_000)
})
