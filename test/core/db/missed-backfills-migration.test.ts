import { describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { bothEngines } from '../../helpers/databases.js'
import { emptyDatabasesOfFile } from '../../helpers/empty-database.js'

// Both engines: the database layer itself, on each engine.

/** A database with nothing in it on the engine; dropped after the run. */
const emptyDatabase = emptyDatabasesOfFile()

const OLD_REMINDER_SUBJECT = 'Reminder: invoice {{invoice_number}} from {{business_name}} is due {{invoice_due_date}}'
const OLD_REMINDER_BODY =
  'Hi {{customer_first_name}},\n\nA friendly reminder that invoice {{invoice_number}} has {{amount_due}} still due, due {{invoice_due_date}}.\n\n{{how_to_pay}}\n\n{{custom_message}}\n\nIf you have already paid, thank you, and please ignore this email.\n{{business_name}}'

describe.each(bothEngines)('migration 0135 applies again the rewrites the deploy role ran without effect (%s)', (engine) => {
  it("gives leads their request's times and the invoice reminder its words", async () => {
    const { db, admin } = await emptyDatabase(engine)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 135),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name, timezone) values ('Shop', 'Europe/London') returning id`))
      .rows[0].id
    // As an installation whose 0118 changed nothing left them: the times on the request only, the first words.
    const lead = (
      await admin.query<{ id: string }>(`insert into leads (tenant_id, name, raw_notes) values ($1, 'Ann', 'form') returning id`, [tenant])
    ).rows[0].id
    await admin.query(`insert into lead_requests (tenant_id, lead_id, preferred_times) values ($1, $2, 'mornings')`, [tenant, lead])
    await admin.query(
      `insert into message_templates (tenant_id, kind, name, subject, body, is_default) values ($1, 'invoice_reminder', 'Reminder', $2, $3, true)`,
      [tenant, OLD_REMINDER_SUBJECT, OLD_REMINDER_BODY],
    )

    await migrate(db, files)

    expect((await admin.query<{ t: string }>('select preferred_times as t from leads where id = $1', [lead])).rows[0].t).toBe('mornings')
    const reminder = await admin.query<{ subject: string }>(`select subject from message_templates where kind = 'invoice_reminder'`)
    expect(reminder.rows[0].subject).toContain('{{invoice_due_status}}')
  })
})
