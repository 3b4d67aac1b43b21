import { describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { engines } from '../../helpers/databases.js'
import { emptyDatabasesOfFile } from '../../helpers/empty-database.js'

/** A database with nothing in it on the engine; dropped after the run. */
const emptyDatabase = emptyDatabasesOfFile()

describe.each(engines)('the lifecycle migration on existing data (%s)', (engine) => {
  it('sets every contact from its history: visits and payments within 18 months, older ones, none, and a visit booked ahead', async () => {
    const { db, admin } = await emptyDatabase(engine)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 43),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Old Data Windows') returning id`)).rows[0].id
    const contact = async (name: string) =>
      (
        await admin.query<{ id: string }>(
          `insert into contacts (tenant_id, display_name, created_at) values ($1, $2, '2020-01-01T00:00:00Z') returning id`,
          [tenant, name],
        )
      ).rows[0].id
    let number = 0
    const ticket = async (contactId: string, start: string, status: string) =>
      admin.query(
        `insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end, status, closed_at)
       values ($1, $2, $3, $4::timestamptz, $4::timestamptz + interval '1 hour', $5, case when $5 = 'completed' then $4::timestamptz end)`,
        [tenant, ++number, contactId, start, status],
      )
    const started = Date.now()
    const day = (daysAgo: number) => new Date(started - daysAgo * 86_400_000).toISOString()

    const recent = await contact('Recent Visit')
    await ticket(recent, day(30), 'completed')
    const old = await contact('Old Visit')
    await ticket(old, day(800), 'completed')
    const oldButBooked = await contact('Old Visit, Booked Again')
    await ticket(oldButBooked, day(800), 'completed')
    await ticket(oldButBooked, day(-20), 'scheduled')
    const payer = await contact('Recent Payment')
    const inv = (
      await admin.query<{ id: string }>(
        `insert into invoices (tenant_id, number, contact_id, status, currency, issued_on, due_on)
      values ($1, 'INV-1', $2, 'sent', 'USD', current_date - 40, current_date - 10) returning id`,
        [tenant, payer],
      )
    ).rows[0].id
    await admin.query(`insert into payments (tenant_id, invoice_id, amount_cents, method, received_at) values ($1, $2, 500, 'cash', $3)`, [
      tenant,
      inv,
      day(40),
    ])
    const never = await contact('Never Served')
    await ticket(never, day(10), 'cancelled')

    await migrate(db, files)
    const rows = (
      await admin.query<{ id: string; lifecycle: string; lifecycle_since: Date }>(
        'select id, lifecycle, lifecycle_since from contacts where tenant_id = $1',
        [tenant],
      )
    ).rows
    const of = (id: string) => rows.find((r) => r.id === id)
    expect(of(recent)?.lifecycle).toBe('customer')
    expect(of(old)?.lifecycle).toBe('past_customer')
    expect(of(oldButBooked)?.lifecycle).toBe('customer')
    expect(of(payer)?.lifecycle).toBe('customer')
    expect(of(never)?.lifecycle).toBe('prospect')
    // Since their last activity, or since they were added when they have none.
    expect(new Date(of(recent)!.lifecycle_since).toISOString()).toBe(day(30))
    expect(new Date(of(never)!.lifecycle_since).toISOString()).toBe('2020-01-01T00:00:00.000Z')
  }, 120_000)
})
