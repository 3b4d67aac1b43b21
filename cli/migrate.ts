import { describeBackupBeforeMigrations } from '../core/backup/before-migrations.js'
import { describeDatabase, parseCommandArgs, withDatabase } from './command.js'

/** `crm migrate`: applies the pending numbered migrations, then the changed SQL function files, and names them. */
export async function runMigrate(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } })
  // Opening the database is what migrates it; the opener reports what it applied and the backup it made first.
  const { applied, backupBeforeMigrations } = await withDatabase('migrate', async (_db, opened) => opened)
  if (values.json) return JSON.stringify({ applied, backup_before_migrations: backupBeforeMigrations })
  const where = describeDatabase()
  if (!applied.length) return `No migrations were pending: ${where} is up to date.`
  const backup = describeBackupBeforeMigrations(backupBeforeMigrations)
  return [
    ...(backup ? [`${backup}.`] : []),
    `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${where}:`,
    ...applied.map((name) => `  ${name}`),
  ].join('\n')
}
