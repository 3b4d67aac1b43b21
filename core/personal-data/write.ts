import type { Queryable } from '../db/types.js'
import type { PersonalTable } from './declare.js'
import { personalDataProblems } from './schema-problems.js'
import { storedTables } from './stored.js'

/**
 * Writes the declarations where erase_customer() and the export read them (migration 0083), as the owner of the tables:
 * called once the migrations are applied, before anything is served. Declarations that do not match the schema stop
 * the start, naming each mismatch: erasure must never leave a column it was not told about. With `schemaUnchanged`
 * (no migration applied by this start), declarations equal to those stored are not checked again: they were checked
 * against this same schema when they were written, and the catalog reads cost the embedded engine a tenth of a second.
 */
export async function writePersonalData(
  db: Queryable,
  tables: readonly PersonalTable[],
  options: { schemaUnchanged?: boolean } = {},
): Promise<void> {
  const stored = JSON.stringify(storedTables(tables))
  if (options.schemaUnchanged) {
    const same = await db.query<{ same: boolean }>('select tables = $1::jsonb as same from personal_data', [stored])
    if (same.rows[0]?.same) return
  }
  const problems = await personalDataProblems(db, tables)
  if (problems.length) throw new Error(`The declarations of personal data do not match the database:\n- ${problems.join('\n- ')}`)
  await db.query(
    `insert into personal_data (tables) values ($1) on conflict (singleton) do update set tables = excluded.tables, written_at = now()
    where personal_data.tables is distinct from excluded.tables`,
    [stored],
  )
}
