import { afterAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { DEFAULT_TEMPLATES } from '../../../core/domains/messages/default-templates.js'
import { engines } from '../../helpers/databases.js'
import { emptyDatabase } from '../../helpers/empty-database.js'

describe.each(engines)('migration 0118 on a business whose invoice reminder never said overdue (%s)', (engine) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('moves the default reminder to the words that say overdue and by how long, and leaves a reminder the owner wrote alone', async () => {
    const { db, admin, dispose } = await emptyDatabase(engine)
    cleanups.push(dispose)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 118),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Old Reminder Windows') returning id`)).rows[0].id
    const oldSubject = 'Reminder: invoice {{invoice_number}} from {{business_name}} is due {{invoice_due_date}}'
    const oldBody =
      'Hi {{customer_first_name}},\n\nA friendly reminder that invoice {{invoice_number}} has {{amount_due}} still due, due {{invoice_due_date}}.\n\n' +
      '{{how_to_pay}}\n\n{{custom_message}}\n\nIf you have already paid, thank you, and please ignore this email.\n{{business_name}}'
    const template = (name: string, body: string, isDefault: boolean) =>
      admin.query(
        `insert into message_templates (tenant_id, kind, name, subject, body, is_default) values ($1, 'invoice_reminder', $2, $3, $4, $5)`,
        [tenant, name, oldSubject, body, isDefault],
      )
    await template('Default invoice reminder', oldBody, true)
    const ownWords = `${oldBody}\nCall us on 256-555-0100.`
    await template('Firm reminder', ownWords, false)

    await migrate(db, files)
    const rows = new Map(
      (
        await admin.query<{ name: string; subject: string; body: string }>(
          'select name, subject, body from message_templates where tenant_id = $1',
          [tenant],
        )
      ).rows.map((r) => [r.name, r]),
    )
    expect(rows.get('Default invoice reminder')).toMatchObject({
      subject: DEFAULT_TEMPLATES.invoice_reminder.subject,
      body: DEFAULT_TEMPLATES.invoice_reminder.body,
    })
    expect(rows.get('Default invoice reminder')?.body).toContain('{{invoice_due_status}}, with {{amount_due}} still due.')
    expect(rows.get('Firm reminder')).toMatchObject({ subject: oldSubject, body: ownWords })
  }, 120_000)
})
