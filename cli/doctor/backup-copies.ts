import { besideData } from '../../core/backup/beside-data.js'
import type { Config } from '../../core/kernel/config.js'
import { type CheckItem, ok, warn } from './item.js'

const KEEP_ELSEWHERE =
  'Set a bucket (CRM_BACKUP_S3_BUCKET, CRM_BACKUP_S3_ENDPOINT and its keys: docs/backups.md, A bucket) so that every archive is copied off this machine.'

/** backup_copies: archives have a copy apart from the data (a bucket, or a folder on another disk than the data's). */
export function backupCopiesItem(config: Config): CheckItem {
  const dir = config.backup.dir
  if (config.backup.s3)
    return ok('backup_copies', `archives are written to ${dir} and copied to s3://${config.backup.s3.bucket}/${config.backup.s3.prefix}`)
  const where = besideData(config, dir)
  if (where === 'disk')
    return warn(
      'backup_copies',
      `archives are kept only in ${dir}, on the same disk as the data folder ${config.dataDir}: one lost disk loses both`,
      KEEP_ELSEWHERE,
    )
  if (where === 'machine')
    return warn(
      'backup_copies',
      `archives are kept only in ${dir}, on the machine that runs the database: one lost machine loses both`,
      KEEP_ELSEWHERE,
    )
  return ok('backup_copies', `archives are kept in ${dir}, apart from the data`)
}
