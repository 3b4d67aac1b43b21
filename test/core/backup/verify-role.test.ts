import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migratedScratch } from '../../../core/backup/verify.js'
import { VERIFYING_ROLE } from '../../../core/backup/schema-template.js'
import { readMigrations } from '../../../core/db/migrate.js'

describe('a verification restores the way a restore into the documented server runs', () => {
  it('as a role that owns the scratch database, may create roles and is no superuser, each time', async () => {
    for (let i = 0; i < 2; i++) {
      const folder = mkdtempSync(join(tmpdir(), 'crm-verify-role-'))
      const scratch = await migratedScratch(readMigrations(), folder)
      try {
        const r = await scratch.query(
          `select current_user as who, session_user as session, rolsuper, rolcreaterole,
             (select pg_get_userbyid(datdba) from pg_database where datname = current_database()) as owner
           from pg_roles where rolname = current_user`,
        )
        expect(r.rows[0]).toEqual({
          who: VERIFYING_ROLE,
          session: VERIFYING_ROLE,
          rolsuper: false,
          rolcreaterole: true,
          owner: VERIFYING_ROLE,
        })
        // Forced row level security holds the owner to one business: with none set it reads no visit.
        const forced = await scratch.query<{ relforcerowsecurity: boolean }>(
          `select relforcerowsecurity from pg_class where relname = 'tickets'`,
        )
        expect(forced.rows[0].relforcerowsecurity).toBe(true)
      } finally {
        await scratch.close()
        rmSync(folder, { recursive: true, force: true })
      }
    }
  })
})
