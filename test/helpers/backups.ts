import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { expect } from 'vitest'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeBackup, type BackupResult } from '../../core/backup/make.js'
import { dumpSnapshot, type ArchiveSummary } from '../../core/backup/dump.js'
import { DISCARD } from '../../core/backup/entries.js'
import type { Retention } from '../../core/backup/retention.js'
import { localDate } from '../../core/vocabulary/time.js'
import { loadConfig, type BackupSettings, type Config } from '../../core/kernel/config.js'
import { openDatabase } from '../../core/db/open.js'
import type { Database } from '../../core/db/types.js'
import type { TestApp } from './app.js'
import { deployDatabase } from './deploy-database.js'
import { removeFolder } from './temp-folders.js'

/** A new backup key, as `openssl rand -base64 32` makes one. */
export function backupKey(): Buffer {
  return randomBytes(32)
}

/** A folder of its own for a test's archives. */
export function backupDir(): string {
  return mkdtempSync(join(tmpdir(), 'crm-backups-'))
}

/**
 * Makes a verified backup of the test app's database (every business, or one) into a folder of its own, and into a
 * bucket when one is given, with retention read on the given clock.
 */
export async function backUp(
  app: TestApp,
  key: Buffer,
  opts: { tenantId?: string; dir?: string; s3?: BackupSettings['s3']; retention?: Retention; timeZone?: string } = {},
): Promise<BackupResult> {
  const dir = opts.dir ?? backupDir()
  return makeBackup(
    {
      db: app.t.db,
      config: {
        databaseUrl: app.t.url,
        dataDir: dir,
        databasePreparedStatements: true,
        databaseRolePrefix: 'crm',
        backup: { key, dir, s3: opts.s3 },
      },
      documents: app.services.documents,
      now: () => new Date(),
    },
    // With retention given it is a nightly run, the only kind that prunes.
    opts.retention
      ? {
          tenantId: opts.tenantId,
          reason: 'nightly',
          nightlyDay: localDate(new Date(), opts.timeZone ?? 'UTC'),
          retention: opts.retention,
          timeZone: opts.timeZone,
        }
      : { tenantId: opts.tenantId, reason: 'manual' },
  )
}

/** Every archived table's row count and checksum, read as a backup reads them. */
export function fingerprint(db: Database, tenantId?: string): Promise<ArchiveSummary> {
  return dumpSnapshot(db, { tenantId }, DISCARD, new Date())
}

/** An empty place to restore into on an engine: a folder that does not exist yet, or a new empty database. */
export async function emptyRestoreTarget(
  engine: 'pglite' | 'postgres',
  key: Buffer,
): Promise<{ config: Config; url?: string; dispose(): Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'crm-restore-'))
  const base = loadConfig({ CRM_DATA_DIR: join(root, 'data'), CRM_BACKUP_DIR: join(root, 'backups'), LOG_LEVEL: 'silent' })
  const config = { ...base, backup: { ...base.backup, key } }
  // The folder goes with the target: a restored embedded folder is tens of megabytes, left behind by every run before.
  const removeRoot = () => removeFolder(root)
  if (engine === 'pglite') return { config, dispose: async () => removeRoot() }
  // Owned by the deploy role, as docs/deploy.md makes the database a business moves into.
  const target = await deployDatabase(`crm_restore_test_${process.pid}_${randomBytes(4).toString('hex')}`)
  return {
    config: { ...config, databaseUrl: target.url },
    url: target.url,
    async dispose() {
      await target.dispose()
      removeRoot()
    },
  }
}

/** Nothing was written: no data folder (or an empty one), or a database without a single table. */
export async function expectNothingWritten(config: { databaseUrl?: string; dataDir: string }): Promise<void> {
  if (!config.databaseUrl) {
    expect(existsSync(config.dataDir) && readdirSync(config.dataDir).length > 0).toBe(false)
    return
  }
  const db = await openDatabase({ ...config, databasePreparedStatements: true, databaseRolePrefix: 'crm' })
  try {
    const r = await db.query<{ n: number }>(`select count(*)::int as n from pg_class where relnamespace = 'public'::regnamespace`)
    expect(r.rows[0].n).toBe(0)
  } finally {
    await db.close()
  }
}
