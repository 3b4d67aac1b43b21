import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../../core/kernel/config.js'
import { IDLE_CONNECTION_MS } from '../../../core/db/limits.js'
import { openDatabase } from '../../../core/db/open.js'
import type { Database } from '../../../core/db/types.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// PostgreSQL only: the embedded engine has no connections to keep.

/** The server process behind the connection that answers. */
async function backendPid(db: Database): Promise<number> {
  return (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid
}

describe.runIf(bothEngines.includes('postgres'))('a product process keeps its idle connections (postgres)', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase('postgres')
  })
  afterAll(() => t.dispose())
  afterEach(() => {
    vi.useRealTimers()
  })

  it('past pg’s 10 s default and until IDLE_CONNECTION_MS, then opens a new one', async () => {
    // The pool's idle timer is a setTimeout: faked, the minutes pass at once while the sockets stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { databaseRolePrefix, databasePreparedStatements } = loadConfig({})
    const db = await openDatabase({ databaseUrl: t.url, dataDir: '', databasePoolSize: 1, databaseRolePrefix, databasePreparedStatements })
    try {
      const first = await backendPid(db)
      vi.advanceTimersByTime(11_000)
      expect(await backendPid(db)).toBe(first)
      vi.advanceTimersByTime(IDLE_CONNECTION_MS - 1_000)
      expect(await backendPid(db)).toBe(first)
      vi.advanceTimersByTime(IDLE_CONNECTION_MS + 1_000)
      expect(await backendPid(db)).not.toBe(first)
    } finally {
      await db.close()
    }
  })
})
