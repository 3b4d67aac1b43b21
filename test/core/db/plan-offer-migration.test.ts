import { describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { bothEngines } from '../../helpers/databases.js'
import { emptyDatabasesOfFile } from '../../helpers/empty-database.js'

// Both engines: the database layer itself, on each engine.

/** A database with nothing in it on the engine; dropped after the run. */
const emptyDatabase = emptyDatabasesOfFile()

const OLD = `Hi {{customer_first_name}},

Here is the {{plan_name}} plan we talked about: {{plan_price}}.
See what it includes, the dates of its charges and its terms, and accept it by saving a card: {{card_link}}

{{custom_message}}`

describe.each(bothEngines)("migration 0134 takes the card out of the plan offer's promise (%s)", (engine) => {
  it("rewrites the default plan offer still on the first wording, and leaves an owner's own words", async () => {
    const { db, admin } = await emptyDatabase(engine)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 134),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name, timezone) values ('Plans', 'UTC') returning id`)).rows[0]
      .id
    await admin.query(
      `insert into message_templates (tenant_id, kind, name, subject, body, is_default) values
         ($1, 'plan_offer', 'Default service plan offer', 'Your plan', $2, true),
         ($1, 'plan_offer', 'Our own offer', 'Your plan', 'Save a card to start: {{card_link}}', false)`,
      [tenant, OLD],
    )
    await migrate(db, files)
    const rows = await admin.query<{ name: string; body: string }>('select name, body from message_templates order by name')
    expect(rows.rows).toEqual([
      { name: 'Default service plan offer', body: OLD.replace('and accept it by saving a card:', 'and accept it there:') },
      { name: 'Our own offer', body: 'Save a card to start: {{card_link}}' },
    ])
  })
})
