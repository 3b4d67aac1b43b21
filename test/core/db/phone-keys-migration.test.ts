import { describe, expect, it } from 'vitest'
import { businessCountry } from '../../../core/vocabulary/business-country.js'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { phoneKey } from '../../../core/vocabulary/phone.js'
import { bothEngines } from '../../helpers/databases.js'
import { emptyDatabasesOfFile } from '../../helpers/empty-database.js'

// Both engines: the database layer itself, on each engine.

/** A database with nothing in it on the engine; dropped after the run. */
const emptyDatabase = emptyDatabasesOfFile()

// Each business's zone and its customers' primary phones as they were typed before.
const BUSINESSES: [zone: string, phones: string[]][] = [
  ['America/Chicago', ['(256) 555-0142', '+1 256.555.0143', '1-256-555-0144', '555-0145', '+44 20 7946 0958', '22565550142']],
  ['Europe/London', ['020 7946 0958', '+44 20 7946 0958', '07700 900123', '+1 256 555 0142', '555-0145']],
  ['Europe/Berlin', ['030 1234567', '+49 30 1234567', '(0151) 2345 6789', '+44 20 7946 0958']],
  ['America/Mexico_City', ['55 1234 5678', '+52 55 1234 5678', '+1 256 555 0142']],
  ['UTC', ['(256) 555-0142', '+44 20 7946 0958']],
]

describe.each(bothEngines)('migration 0119 recomputes the stored phone keys by the rules of each number country (%s)', (engine) => {
  it('gives every existing customer the key the app now writes, and leaves their updated_at', async () => {
    const { db, admin } = await emptyDatabase(engine)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 119),
    )
    for (const [zone, phones] of BUSINESSES) {
      const tenant = (await admin.query<{ id: string }>('insert into tenants (name, timezone) values ($1, $2) returning id', [zone, zone]))
        .rows[0].id
      for (const phone of phones)
        await admin.query(
          `insert into contacts (tenant_id, display_name, phones, updated_at) values ($1, $2, $3, '2026-02-03T10:00:00Z')`,
          [
            tenant,
            phone,
            JSON.stringify([
              { value: '000', label: null, primary: false },
              { value: phone, label: null, primary: true },
            ]),
          ],
        )
      await admin.query(`insert into contacts (tenant_id, display_name, updated_at) values ($1, 'No phone', '2026-02-03T10:00:00Z')`, [
        tenant,
      ])
    }
    await migrate(db, files)
    const rows = await admin.query<{ zone: string; phone: string; key: string | null; updated_at: Date }>(
      `select t.timezone as zone, c.display_name as phone, c.phone_key as key, c.updated_at
       from contacts c join tenants t on t.id = c.tenant_id order by t.timezone, c.display_name`,
    )
    const expected = BUSINESSES.flatMap(([zone, phones]) => [
      ...phones.map((phone) => [zone, phone, phoneKey(phone, businessCountry(zone))]),
      [zone, 'No phone', null],
    ]).sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`))
    expect(rows.rows.map((r) => [r.zone, r.phone, r.key]).sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`))).toEqual(
      expected,
    )
    expect(new Set(rows.rows.map((r) => new Date(r.updated_at).toISOString()).filter((t) => t !== '2026-02-03T10:00:00.000Z')).size).toBe(0)
    // Emptying a customer's phones (as erasure does) empties their key; another change keeps it.
    await admin.query(`update contacts set phones = '[]' where display_name = '030 1234567'`)
    await admin.query(`update contacts set notes = 'Called' where display_name = '+49 30 1234567'`)
    const after = await admin.query<{ phone: string; key: string | null }>(
      `select display_name as phone, phone_key as key from contacts where display_name in ('030 1234567', '+49 30 1234567') order by 1`,
    )
    expect(after.rows).toEqual([
      { phone: '+49 30 1234567', key: '49301234567' },
      { phone: '030 1234567', key: null },
    ])
  })
})
