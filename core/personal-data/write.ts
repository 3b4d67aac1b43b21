import type { Queryable } from '../db/types.js'
import type { PersonalTable } from './declare.js'
import { personalDataProblems } from './schema-problems.js'
import { storedTables } from './stored.js'

/**
 * Writes the declarations where erase_customer() and the export read them (migration 0083), as the owner of the tables:
 * called once the migrations are applied, before anything is served. Declarations that do not match the schema stop
 * the start, naming each mismatch: erasure must never leave a column it was not told about.
 */
export async function writePersonalData(db: Queryable, tables: readonly PersonalTable[]): Promise<void> {
  const problems = await personalDataProblems(db, tables)
  if (problems.length) throw new Error(`The declarations of personal data do not match the database:\n- ${problems.join('\n- ')}`)
  await db.query(
    `insert into personal_data (tables) values ($1) on conflict (singleton) do update set tables = excluded.tables, written_at = now()
    where personal_data.tables is distinct from excluded.tables`,
    [JSON.stringify(storedTables(tables))],
  )
}
