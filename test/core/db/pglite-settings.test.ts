import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openPglite } from '../../../core/db/pglite.js'
import { openPgliteThread } from '../../../core/db/pglite-thread.js'

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

  it("opened for one pass over a copy (a backup's snapshot, its verification), in a thread, keeps 8MB", async () => {
    const db = await openPgliteThread(join(dir, 'data'), undefined, { use: 'one pass' })
    try {
      expect((await db.query<{ shared_buffers: string }>('show shared_buffers')).rows[0].shared_buffers).toBe('8MB')
    } finally {
      await db.close()
    }
  })
})

describe('the server and its worker', () => {
  it('run with two malloc arenas and a fixed mmap threshold, so the memory a backup freed goes back to the system, and a small young generation unless told otherwise', () => {
    const root = join(import.meta.dirname, '../../..')
    const start = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start as string
    expect(start).toMatch(
      /^MALLOC_ARENA_MAX=\$\{MALLOC_ARENA_MAX:-2\} MALLOC_MMAP_THRESHOLD_=\$\{MALLOC_MMAP_THRESHOLD_:-131072\} exec node --max-semi-space-size=\$\{CRM_SEMI_SPACE_MB:-2\} /,
    )
    // The young generation too: 2 MB a half unless the environment says otherwise (16 on PostgreSQL, deploy/env.example).
    const server = readFileSync(join(root, 'deploy', 'crm.service'), 'utf8')
    expect(server).toMatch(/^ExecStart=\/usr\/bin\/node --max-semi-space-size=\$\{CRM_SEMI_SPACE_MB\} /m)
    expect(server).toMatch(/^Environment=CRM_SEMI_SPACE_MB=2$/m)
    expect(readFileSync(join(root, 'deploy', 'env.example'), 'utf8')).toMatch(/^#CRM_SEMI_SPACE_MB=16$/m)
    for (const unit of ['crm.service', 'crm-worker.service']) {
      const text = readFileSync(join(root, 'deploy', unit), 'utf8')
      // Before the environment file, so an owner's own setting there wins.
      expect(text.indexOf('Environment=MALLOC_ARENA_MAX=2\n'), unit).toBeGreaterThan(-1)
      expect(text.indexOf('Environment=MALLOC_ARENA_MAX=2\n'), unit).toBeLessThan(text.indexOf('EnvironmentFile='))
      expect(text.indexOf('Environment=MALLOC_MMAP_THRESHOLD_=131072\n'), unit).toBeGreaterThan(-1)
      expect(text.indexOf('Environment=MALLOC_MMAP_THRESHOLD_=131072\n'), unit).toBeLessThan(text.indexOf('EnvironmentFile='))
    }
  })
})
