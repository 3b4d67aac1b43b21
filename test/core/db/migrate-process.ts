// Run as a process of its own by migrate.test.ts: migrates the PostgreSQL database at argv[2] and prints what it applied.
import { migrate } from '../../../core/db/migrate.js'
import { openPostgres } from '../../../core/db/postgres.js'

const db = openPostgres(process.argv[2], 2)
try {
  process.stdout.write(JSON.stringify(await migrate(db)))
} finally {
  await db.close()
}
