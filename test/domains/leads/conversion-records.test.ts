import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { LEAD_RECORDS, LEAD_SOURCES } from '../../../core/domains/leads/records.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { okOf } from '../../helpers/page-app.js'
import { emptyDatabase } from '../../helpers/empty-database.js'
import { expectData } from '../../helpers/envelope-assertions.js'

/** Tuesday 2026-11-03, 10:00 in Chicago. */
const NOW = new Date('2026-11-03T16:00:00Z')

describe.each(engines)("a converted lead's records follow the customer (%s)", (engine) => {
  let app: TestApp
  const cleanups: Array<() => Promise<void>> = []

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
  })
  afterAll(async () => {
    await app?.close()
    for (const cleanup of cleanups) await cleanup()
  })

  const ok = okOf(() => app)
  const audit = async (entityType: string, id: string) =>
    (
      await app.t.admin.query<{ action: string; changes: any }>(
        'select action, changes from audit_log where entity_type = $1 and entity_id = $2 order by id',
        [entityType, id],
      )
    ).rows

  it('every table that points at a lead is one conversion moves, or one named as where a lead came from', async () => {
    const r = await app.t.admin.query<{ table_name: string }>(`select c.table_name from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema = 'public' and c.column_name = 'lead_id' order by 1`)
    expect(r.rows.map((row) => row.table_name)).toEqual([...LEAD_RECORDS, ...LEAD_SOURCES].map((k) => k.table).sort())
  })

  it("moves the lead's notes and interactions to the new customer and gives its opportunities the customer, each audited", async () => {
    const lead = await ok('lead', 'create', {
      raw_notes: 'Gia Green wants her gutters done, 12 Oak St, Madison, AL 35758',
      name: 'Gia Green',
      email: 'gia@example.com',
    })
    const opportunity = await ok('opportunity', 'create', { lead_id: lead.id, title: 'Gutters for Gia', amount_cents: 40000 })
    const note = await ok('note', 'add', { lead_id: lead.id, content: 'Prefers mornings' })
    const call = await ok('interaction', 'log', {
      lead_id: lead.id,
      kind: 'call',
      direction: 'outbound',
      summary: 'Left a voicemail',
      follow_up_on: '2026-11-03',
    })

    const converted = await ok('lead', 'convert', { lead_id: lead.id })
    const customer = converted.contact.id
    expect(converted.moved).toEqual({ notes: 1, interactions: 1, opportunities: 1, texts: 0 })

    expect(expectData(await app.query({ type: 'opportunities', id: opportunity.id }))).toMatchObject({
      contact_id: customer,
      lead_id: lead.id,
    })
    expect(expectData(await app.query({ type: 'notes', contact_id: customer })).items.map((n: any) => n.id)).toEqual([note.id])
    expect(expectData(await app.query({ type: 'notes', lead_id: lead.id })).items).toEqual([])
    const due = expectData(await app.query({ type: 'interactions', follow_up: 'due' })).items
    expect(due.map((i: any) => [i.id, i.contact_id, i.lead_id])).toEqual([[call.id, customer, null]])
    const timeline = expectData(await app.query({ type: 'timeline', contact_id: customer })).items
    expect(timeline.map((i: any) => i.id)).toEqual(expect.arrayContaining([note.id, call.id, opportunity.id]))

    expect((await audit('note', note.id)).at(-1)).toEqual({
      action: 'follow_lead',
      changes: { lead_id: { old: lead.id, new: null }, contact_id: { old: null, new: customer } },
    })
    expect((await audit('interaction', call.id)).at(-1)?.action).toBe('follow_lead')
    expect((await audit('opportunity', opportunity.id)).at(-1)).toEqual({
      action: 'follow_lead',
      changes: { contact_id: { old: null, new: customer } },
    })

    // What is written on the converted lead afterwards lands on the customer too.
    const later = await ok('note', 'add', { lead_id: lead.id, content: 'Booked for Friday' })
    expect(later).toMatchObject({ contact_id: customer, lead_id: null })
    const laterCall = await ok('interaction', 'log', { lead_id: lead.id, kind: 'call', direction: 'inbound', summary: 'Confirmed Friday' })
    expect(laterCall).toMatchObject({ contact_id: customer, lead_id: null })
  })

  it('an opportunity of the lead that already had a customer keeps it; matching an existing customer moves the records there', async () => {
    const existing = await ok('contact', 'create', { display_name: 'Hal Hill', email: 'hal@example.com' })
    const other = await ok('contact', 'create', { display_name: "Hal's Company" })
    const lead = await ok('lead', 'create', { raw_notes: 'Hal again, wants screens', name: 'Hal Hill', email: 'HAL@example.com' })
    const withCustomer = await ok('opportunity', 'create', { lead_id: lead.id, contact_id: other.id, title: 'Office screens' })
    const note = await ok('note', 'add', { lead_id: lead.id, content: 'Asked about screens' })
    const converted = await ok('lead', 'convert', { lead_id: lead.id })
    expect(converted).toMatchObject({ contact_created: false, matched_by: 'email', moved: { notes: 1, interactions: 0, opportunities: 0 } })
    expect(expectData(await app.query({ type: 'opportunities', id: withCustomer.id })).contact_id).toBe(other.id)
    expect(expectData(await app.query({ type: 'notes', id: note.id })).contact_id).toBe(existing.id)
  })

  it("migration 0079 moves the records of leads converted before, audited, and leaves open leads' records alone", async () => {
    const { db, admin, dispose } = await emptyDatabase(engine)
    cleanups.push(dispose)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 79),
    )
    const one = async (sql: string, args: unknown[]) => (await admin.query<{ id: string }>(sql, args)).rows[0].id
    const tenant = await one(`insert into tenants (name) values ('Old Data Windows') returning id`, [])
    const customer = await one(`insert into contacts (tenant_id, display_name) values ($1, 'Ida Old') returning id`, [tenant])
    const converted = await one(
      `insert into leads (tenant_id, raw_notes, name, status, converted_contact_id, converted_at)
      values ($1, 'Ida wants windows', 'Ida Old', 'converted', $2, now()) returning id`,
      [tenant, customer],
    )
    const open = await one(`insert into leads (tenant_id, raw_notes, name) values ($1, 'Someone else', 'Jo Open') returning id`, [tenant])
    const note = await one(
      `insert into notes (tenant_id, lead_id, content, author_type) values ($1, $2, 'From the lead', 'user') returning id`,
      [tenant, converted],
    )
    const openNote = await one(
      `insert into notes (tenant_id, lead_id, content, author_type) values ($1, $2, 'Still a lead', 'user') returning id`,
      [tenant, open],
    )
    const call = await one(
      `insert into interactions (tenant_id, lead_id, kind, direction, occurred_at, summary, follow_up_on, author_type)
      values ($1, $2, 'call', 'outbound', now(), 'Called Ida', current_date, 'user') returning id`,
      [tenant, converted],
    )
    const opportunity = await one(
      `insert into opportunities (tenant_id, lead_id, title, stage, currency, probability)
      values ($1, $2, 'Ida windows', 'qualification', 'USD', 10) returning id`,
      [tenant, converted],
    )

    await migrate(db, files)
    const row = async (table: string, id: string) =>
      (
        await admin.query<{ contact_id: string | null; lead_id: string | null }>(`select contact_id, lead_id from ${table} where id = $1`, [
          id,
        ])
      ).rows[0]
    expect(await row('notes', note)).toEqual({ contact_id: customer, lead_id: null })
    expect(await row('interactions', call)).toEqual({ contact_id: customer, lead_id: null })
    expect(await row('opportunities', opportunity)).toEqual({ contact_id: customer, lead_id: converted })
    expect(await row('notes', openNote)).toEqual({ contact_id: null, lead_id: open })
    const audited = await admin.query<{ entity_type: string; entity_id: string; action: string; actor_type: string }>(
      `select entity_type, entity_id, action, actor_type from audit_log where tenant_id = $1 order by entity_type`,
      [tenant],
    )
    expect(audited.rows).toEqual([
      { entity_type: 'interaction', entity_id: call, action: 'follow_lead', actor_type: 'system' },
      { entity_type: 'note', entity_id: note, action: 'follow_lead', actor_type: 'system' },
      { entity_type: 'opportunity', entity_id: opportunity, action: 'follow_lead', actor_type: 'system' },
    ])
  })
})
