import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { MissingContentError, type DocumentStore } from './store.js'

/** Documents as files in a folder: <folder>/<business id>/<sha256>. The embedded engine's default, beside its database. */
export function filesStore(folder: string): DocumentStore {
  const pathOf = (tenantId: string, sha256: string) => join(folder, tenantId, sha256)
  return {
    kind: 'files',
    describe: () => `as files in ${folder}`,
    async put(_tx, tenantId, sha256, bytes) {
      const path = pathOf(tenantId, sha256)
      if (
        await stat(path).then(
          () => true,
          () => false,
        )
      )
        return
      await mkdir(join(folder, tenantId), { recursive: true })
      // Written aside and renamed: a reader never sees half a file.
      const aside = `${path}.${randomUUID()}.part`
      await writeFile(aside, bytes)
      await rename(aside, path)
    },
    async get(_tx, tenantId, sha256) {
      try {
        return await readFile(pathOf(tenantId, sha256))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingContentError(folder)
        throw err
      }
    },
    async remove(_tx, tenantId, sha256) {
      await rm(pathOf(tenantId, sha256), { force: true })
    },
  }
}
