import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openPglite } from '../../../core/db/pglite.js'

const dir = mkdtempSync(join(tmpdir(), 'crm-pglite-settings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the embedded engine', () => {
  it("keeps 32MB of shared buffers, in a data folder created and reopened, and keeps PGlite's own start settings", async () => {
    for (let open = 0; open < 2; open++) {
      const db = await openPglite(join(dir, 'data'))
      try {
        expect((await db.query<{ shared_buffers: string }>('show shared_buffers')).rows[0].shared_buffers).toBe('32MB')
        expect((await db.query<{ max_worker_processes: string }>('show max_worker_processes')).rows[0].max_worker_processes).toBe('0')
        expect((await db.query<{ search_path: string }>('show search_path')).rows[0].search_path).toBe('public')
      } finally {
        await db.close()
      }
    }
  })
})
