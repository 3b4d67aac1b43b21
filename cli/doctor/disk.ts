import { statfs as statfsCallback } from 'node:fs'
import { promisify } from 'node:util'
import { nearestExisting } from '../../core/backup/beside-data.js'
import type { Config } from '../../core/kernel/config.js'
import { type CheckItem, fail, off, ok, warn } from './item.js'

/** What statfs says of a disk: block size, blocks, and blocks free to an unprivileged process. */
export type StatFs = (path: string) => Promise<{ bsize: number; blocks: number; bavail: number }>

const GIB = 1024 ** 3

/** Free space under these is worth a warning; under DISK_FAIL_SHARE the next backup or a day of writes may not fit. */
const DISK_WARN_SHARE = 0.1
const DISK_WARN_BYTES = GIB
const DISK_FAIL_SHARE = 0.02

/** disk_data and disk_backups: free space on the disks of the data folder (embedded engine) and of CRM_BACKUP_DIR. */
export async function diskItems(config: Config, statfs: StatFs = promisify(statfsCallback)): Promise<CheckItem[]> {
  const data = config.databaseUrl
    ? off('disk_data', "the data lives on the PostgreSQL server: check that machine's disk there")
    : await diskItem('disk_data', 'the data folder', config.dataDir, statfs)
  return [data, await diskItem('disk_backups', 'the backup folder (CRM_BACKUP_DIR)', config.backup.dir, statfs)]
}

async function diskItem(check: string, what: string, folder: string, statfs: StatFs): Promise<CheckItem> {
  const at = nearestExisting(folder)
  let s: Awaited<ReturnType<StatFs>>
  try {
    s = await statfs(at)
  } catch (err) {
    return warn(
      check,
      `the disk of ${what} ${folder} could not be read: ${(err as Error).message}`,
      `Check that ${at} exists and can be read.`,
    )
  }
  const free = s.bavail * s.bsize
  const total = s.blocks * s.bsize
  const share = total > 0 ? free / total : 0
  const detail = `${gib(free)} free of ${gib(total)} (${(share * 100).toFixed(0)}%) on the disk of ${what} ${folder}`
  const fix = `Free space on that disk, or move ${what} to a larger one; old backups are removed as each business's retention says.`
  if (share < DISK_FAIL_SHARE) return fail(check, `${detail}: nearly full, writes and backups will fail`, fix)
  if (share < DISK_WARN_SHARE || free < DISK_WARN_BYTES) return warn(check, `${detail}: under 10% or 1 GiB`, fix)
  return ok(check, detail)
}

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GiB`
}
