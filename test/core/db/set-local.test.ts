import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../../helpers/build.js'
import { startTestApp } from '../../helpers/app.js'
import type { Database } from '../../../core/db/types.js'
import { expectData } from '../../helpers/envelope-assertions.js'

/** The product's TypeScript files under the given folders. */
function sources(folders: string[]): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) out.push(path)
    }
  }
  for (const folder of folders) walk(join(root, folder))
  return out
}

describe('the business setting travels as SET LOCAL, which a sharded PostgreSQL carries to its nodes', () => {
  it('no TypeScript of the product sets a setting with set_config', () => {
    const offenders = sources(['core', 'api', 'mcp', 'console', 'cli']).filter((file) => /set_config\s*\(/.test(readFileSync(file, 'utf8')))
    expect(offenders.map((file) => relative(root, file))).toEqual([])
  })

  it("an action's transaction opens with SET LOCAL role and business, and row level security holds", async () => {
    const seen: string[] = []
    const watch = (db: Database): Database => ({
      ...db,
      transaction: (fn, setup) => {
        if (setup) seen.push(setup)
        return db.transaction(fn, setup)
      },
    })
    const app = await startTestApp('pglite', {}, watch)
    try {
      const made = expectData(await app.action('contact', 'create', { display_name: 'Set Local Sam' }))
      const opening = seen.find((s) => s.includes(app.tenant.tenant_id))!
      expect(opening).toMatch(/^set local role = E'crm_app'; set local app\.tenant_id = E'[0-9a-f-]{36}'/)
      expect(opening).not.toMatch(/set_config/)
      const other = await app.createTenant('Other Windows')
      const theirs = await app.query({ type: 'contacts', id: made.id }, other.agent_token)
      expect(theirs.status).toBe(404)
    } finally {
      await app.close()
    }
  })
})
