import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { loadConfig } from '../../core/kernel/config.js'
import { readMigrations } from '../../core/db/migrate.js'
import { openPgliteThread } from '../../core/db/pglite-thread.js'
import { translateDatabaseError } from '../../core/db/translate-error.js'
import { openMigratedDatabase } from '../../core/kernel/runtime.js'
import { pgliteTemplatePath } from '../helpers/template.js'

describe('the statement limit of the embedded database, as the server and the CLI open it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-runtime-limit-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('holds a statement to CRM_DB_STATEMENT_TIMEOUT_MS once migrated, answering 503, and serves the next request', async () => {
    // A data folder made from the migrated template, as a server that already ran once would find it.
    const seed = await openPgliteThread(join(dataDir, 'db'), new Blob([readFileSync(pgliteTemplatePath)]))
    await seed.close()
    const config = loadConfig({ CRM_DATA_DIR: join(dataDir, 'db'), CRM_DB_STATEMENT_TIMEOUT_MS: '1000', LOG_LEVEL: 'silent' })
    const opened = await openMigratedDatabase(config, 'test', PERSONAL_DATA)
    try {
      const err = await opened.db.query('select pg_sleep(30)').catch((e: unknown) => e)
      expect(err).toMatchObject({ code: '57014' })
      expect(translateDatabaseError(err)).toMatchObject({ code: 'UNAVAILABLE' })
      expect((await opened.db.query<{ n: number }>('select count(*)::int as n from schema_migrations')).rows[0].n).toBe(
        readMigrations().length,
      )
    } finally {
      await opened.close()
    }
  }, 60_000)
})
