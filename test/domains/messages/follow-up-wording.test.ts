import { beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import type { Database } from '../../../core/db/types.js'
import { DEFAULT_TEMPLATES } from '../../../core/domains/messages/default-templates.js'
import { emptyDatabasesOfFile } from '../../helpers/empty-database.js'
import { behaviourEngine } from '../../helpers/databases.js'

const emptyDatabase = emptyDatabasesOfFile()

describe('a business created before follow-ups chased confirmations', () => {
  let db: Database
  let admin: Database
  beforeAll(async () => {
    ;({ db, admin } = await emptyDatabase(behaviourEngine))
    await migrate(
      db,
      readMigrations().filter((f) => f.version < 11),
    )
  })

  it('gets the new default follow-up wording; a template the business wrote itself is left alone', async () => {
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Early Windows') returning id`)).rows[0].id
    const add = (name: string, subject: string, isDefault: boolean) =>
      admin.query(
        `insert into message_templates (tenant_id, kind, name, subject, body, is_default)
      values ($1, 'follow_up', $2, $3, 'Hi {{customer_first_name}}, thank you for having us.', $4)`,
        [tenant, name, subject, isDefault],
      )
    await add('Default follow-up', 'Thank you from {{business_name}}', true)
    await add('Our own thanks', 'Thanks again from {{business_name}}', false)
    await migrate(db)
    const rows = (
      await admin.query<{ name: string; subject: string; body: string }>(
        `select name, subject, body from message_templates where tenant_id = $1 order by name`,
        [tenant],
      )
    ).rows
    expect(rows[0]).toEqual({
      name: 'Default follow-up',
      subject: DEFAULT_TEMPLATES.follow_up.subject,
      body: DEFAULT_TEMPLATES.follow_up.body,
    })
    expect(rows[1]).toEqual({
      name: 'Our own thanks',
      subject: 'Thanks again from {{business_name}}',
      body: 'Hi {{customer_first_name}}, thank you for having us.',
    })
  }, 60_000)
})
