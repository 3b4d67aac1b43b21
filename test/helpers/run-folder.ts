import { chmodSync, existsSync, mkdtempSync, statfsSync } from 'node:fs'
import { join } from 'node:path'

/** The memory-backed filesystem most Linux machines mount. */
const MEMORY_FOLDER = '/dev/shm'

/** What statfs names a tmpfs (linux/magic.h). */
export const TMPFS_MAGIC = 0x01021994

/** Room a run needs there: its files at their peak are about 1 GiB (the embedded databases, archives, browser profiles). */
const ROOM_BYTES = 4 * 1024 ** 3

/**
 * A new temporary folder for this run's files on the machine's memory-backed filesystem, when TMPDIR is not set and
 * /dev/shm is a tmpfs with room; else undefined (the run keeps the system's). Test files create and remove hundreds of
 * thousands of files (embedded data folders, backups, restores); on ext4 each new file's inode search skips the inodes
 * freed in the last minutes, kernel time that grew to a fifth of the CPU of the backup files.
 */
export function memoryRunFolder(): string | undefined {
  if (process.env.TMPDIR || !existsSync(MEMORY_FOLDER)) return undefined
  if (statfsSync(MEMORY_FOLDER).type !== TMPFS_MAGIC || freeBytes(MEMORY_FOLDER) < ROOM_BYTES) return undefined
  const folder = mkdtempSync(join(MEMORY_FOLDER, 'crm-test-run-'))
  // Open to every user as /tmp is (sticky): tests run PostgreSQL's initdb and PgBouncer as the postgres user in their folders.
  chmodSync(folder, 0o1777)
  return folder
}

/** Bytes free to this process on the filesystem of `folder`. */
export function freeBytes(folder: string): number {
  const fs = statfsSync(folder)
  return fs.bavail * fs.bsize
}
