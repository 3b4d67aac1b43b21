import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll } from 'vitest'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { dumpBlob, pgliteEmptyPath, withDatabase } from './template.js'

/** An empty database of its own on the engine, and how to throw it away. */
export async function emptyDatabase(engine: 'pglite' | 'postgres'): Promise<{ db: Database; dispose(): Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openPglite(undefined, dumpBlob(pgliteEmptyPath))
    return { db, dispose: () => db.close() }
  }
  const server = process.env.TEST_DATABASE_URL as string
  const name = `crm_test_empty_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`create database ${name} template template0`)
  await admin.end()
  const db = openPostgres(withDatabase(server, name), 2)
  return {
    db,
    async dispose() {
      await db.close()
      const c = new pg.Client({ connectionString: server })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

/** Empty databases for one test file (call it at the file's top level): each call makes one; all are dropped when its tests end. */
export function emptyDatabasesOfFile(): (engine: 'pglite' | 'postgres') => Promise<Database> {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })
  return async (engine) => {
    const { db, dispose } = await emptyDatabase(engine)
    cleanups.push(dispose)
    return db
  }
}
