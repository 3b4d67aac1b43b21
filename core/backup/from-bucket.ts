import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { BackupSettings } from '../kernel/config.js'
import { backupBucket } from './s3.js'

/** An archive named by its place in a bucket, as a backup reports it: s3://BUCKET/KEY. */
export function isBucketAddress(file: string): boolean {
  return file.startsWith('s3://')
}

/**
 * Downloads the archive at s3://BUCKET/KEY with the configured bucket's endpoint and keys (the bucket named may be
 * another of the same account, as when a machine is rebuilt) into a folder of its own, for a restore to read like any
 * file; `remove` throws the copy away. The archive stays sealed: the download is no more readable than the bucket.
 */
export async function downloadArchive(settings: BackupSettings, address: string): Promise<{ file: string; remove(): void }> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(address)
  if (!m) throw new Error(`${address}: expected s3://BUCKET/KEY, as a backup reports the copy it put in the bucket`)
  if (!settings.s3)
    throw new Error(
      `${address}: reading from a bucket needs its settings: CRM_BACKUP_S3_BUCKET, CRM_BACKUP_S3_ENDPOINT, CRM_BACKUP_S3_ACCESS_KEY_ID and CRM_BACKUP_S3_SECRET_ACCESS_KEY (docs/backups.md)`,
    )
  const [, bucket, key] = m
  const bytes = await backupBucket({ ...settings.s3, bucket, prefix: '' }).get(key)
  const folder = mkdtempSync(join(tmpdir(), 'crm-restore-'))
  const file = join(folder, basename(key))
  writeFileSync(file, bytes, { mode: 0o600 })
  return { file, remove: () => rmSync(folder, { recursive: true, force: true }) }
}
