import { randomBytes } from 'node:crypto'
import { afterAll } from 'vitest'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { deployDatabase } from './deploy-database.js'
import { dumpBlob, pgliteEmptyPath } from './template.js'

/** An empty database of its own on the engine. */
export interface EmptyDatabase {
  /** The deploy role's connection, to migrate as production does. */
  db: Database
  /** The test's own, to write and read old rows around the migrations (TestDatabase's admin). */
  admin: Database
  dispose(): Promise<void>
}

/** An empty database of its own on the engine, and how to throw it away. */
export async function emptyDatabase(engine: 'pglite' | 'postgres'): Promise<EmptyDatabase> {
  if (engine === 'pglite') {
    const db = await openPglite(undefined, dumpBlob(pgliteEmptyPath))
    return { db, admin: db, dispose: () => db.close() }
  }
  const target = await deployDatabase(`crm_test_empty_${process.pid}_${randomBytes(4).toString('hex')}`)
  const db = openPostgres(target.url, 2)
  const admin = openPostgres(target.inspectorUrl, 2)
  return {
    db,
    admin,
    async dispose() {
      await admin.close()
      await db.close()
      await target.dispose()
    },
  }
}

/** Empty databases for one test file (call it at the file's top level): each call makes one; all are dropped when its tests end. */
export function emptyDatabasesOfFile(): (engine: 'pglite' | 'postgres') => Promise<Omit<EmptyDatabase, 'dispose'>> {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })
  return async (engine) => {
    const { dispose, ...opened } = await emptyDatabase(engine)
    cleanups.push(dispose)
    return opened
  }
}
