import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PERSONAL_DATA } from '../../core/domains/personal-data.js'
import { readMigrations } from '../../core/db/migrate.js'

/** A short fingerprint of the migration files (names and contents: a renumbered file is a new one) and the declarations of personal data, so a template is rebuilt whenever they change. */
export const migrationsFingerprint = createHash('sha256')
  .update(
    readMigrations()
      .map((m) => `${m.name}:${m.checksum}`)
      .join(','),
  )
  .update(JSON.stringify(PERSONAL_DATA))
  .digest('hex')
  .slice(0, 12)

/** Where the migrated PGlite data folder is dumped for test files to load. */
export const pgliteTemplatePath = join(tmpdir(), `crm-pglite-template-${migrationsFingerprint}.tar`)

/** The PostgreSQL database every test database is copied from. */
export const postgresTemplateName = `crm_template_${migrationsFingerprint}`

/** The server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}
