import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PERSONAL_DATA } from '../../../core/domains/personal-data.js'
import type { PersonalTable } from '../../../core/personal-data/declare.js'
import { personalDataProblems } from '../../../core/personal-data/schema-problems.js'
import { storedTables } from '../../../core/personal-data/stored.js'
import { writePersonalData } from '../../../core/personal-data/write.js'
import { engines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

/** The product's declarations with one table's replaced. */
function withTable(changed: PersonalTable): PersonalTable[] {
  return PERSONAL_DATA.map((t) => (t.table === changed.table ? changed : t))
}

const notes = PERSONAL_DATA.find((t) => t.table === 'notes') as PersonalTable

describe.each(engines)('the declarations of personal data against the migrated schema (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t.dispose())

  it('declare every text, JSON and list column of every table that reaches a customer, and only tables and columns that exist', async () => {
    expect(await personalDataProblems(t.db, PERSONAL_DATA)).toEqual([])
  })

  it('are walked so that erasure deletes a row before the rows it points at: each deleted table after every deleted table it has a foreign key to', async () => {
    const keys = await t.admin.query<{ child: string; parent: string }>(
      `select distinct c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent from pg_constraint c
       where c.contype = 'f' and c.connamespace = 'public'::regnamespace and c.conrelid <> c.confrelid`,
    )
    const stored = storedTables(PERSONAL_DATA)
    const order = stored.map((s) => s.table)
    const deleted = new Set(stored.filter((s) => s.delete).map((s) => s.table))
    const declared = keys.rows.filter((k) => deleted.has(k.child) && deleted.has(k.parent))
    expect(declared.length).toBeGreaterThan(0)
    const backwards = declared.filter((k) => order.indexOf(k.parent) > order.indexOf(k.child)).map((k) => `${k.child} → ${k.parent}`)
    expect(backwards).toEqual([])
  })

  it('name a declared table or column that does not exist, and a start with them stops', async () => {
    const wrong = [
      ...withTable({ ...notes, columns: { ...notes.columns, mood: 'not personal' }, stateChanges: [{ set: { colour: 'red' } }] }),
      {
        table: 'pet_photos',
        place: 1000,
        reach: { contact_id: 'contacts' },
        columns: { caption: 'not personal' },
        export: null,
      } satisfies PersonalTable,
    ]
    expect(await personalDataProblems(t.db, wrong)).toEqual([
      'notes.mood is declared but there is no such column',
      'notes.colour is declared but there is no such column',
      'pet_photos is declared but there is no such table',
    ])
    await expect(writePersonalData(t.db, wrong)).rejects.toThrow(
      /do not match the database:\n- notes\.mood is declared but there is no such column/,
    )
  })

  it('name a column added to a declared table and a table added that reaches a customer, each declared neither personal nor not', async () => {
    await t.admin.exec(`alter table notes add column mood text;
      create table pet_photos (tenant_id uuid not null references tenants (id), id uuid not null default gen_random_uuid(), ticket_id uuid not null,
        caption text not null, tags text[] not null default '{}', taken_on date, primary key (tenant_id, id),
        foreign key (tenant_id, ticket_id) references tickets (tenant_id, id))`)
    try {
      expect(await personalDataProblems(t.db, PERSONAL_DATA)).toEqual([
        'notes.mood holds text, JSON or a list and is declared neither personal nor not personal',
        'pet_photos reaches a customer (pet_photos.ticket_id → tickets) and holds caption, tags, but declares nothing: declare its personal data in the domain that owns it',
      ])
      await expect(writePersonalData(t.db, PERSONAL_DATA)).rejects.toThrow(/notes\.mood holds text/)
    } finally {
      await t.admin.exec('drop table pet_photos; alter table notes drop column mood')
    }
  })

  it('are checked again at a start that applied no migration only when they differ from those last written', async () => {
    await writePersonalData(t.db, PERSONAL_DATA)
    // The schema changed outside a migration: a start that migrated nothing trusts the check made when these were written...
    await t.admin.exec('alter table notes add column mood text')
    try {
      await writePersonalData(t.db, PERSONAL_DATA, { schemaUnchanged: true })
      // ...but declarations it has not written yet are checked, and so is every start that migrated something.
      const changed = withTable({ ...notes, columns: { ...notes.columns, content: { erase: { text: '[removed]' } } } })
      await expect(writePersonalData(t.db, changed, { schemaUnchanged: true })).rejects.toThrow(/notes\.mood holds text/)
      await expect(writePersonalData(t.db, PERSONAL_DATA)).rejects.toThrow(/notes\.mood holds text/)
    } finally {
      await t.admin.exec('alter table notes drop column mood')
    }
  })
})

describe('the declarations themselves', () => {
  it('are found in every domain and come in the order of their places, each place taken once', () => {
    expect(PERSONAL_DATA.length).toBeGreaterThan(40)
    const places = PERSONAL_DATA.map((t) => t.place)
    expect(places).toEqual([...places].sort((x, y) => x - y))
    expect(new Set(places).size).toBe(places.length)
    expect(PERSONAL_DATA[0].table).toBe('contacts')
  })

  it('order each table after those it reaches the customer through', () => {
    const order = storedTables(PERSONAL_DATA).map((t) => t.table)
    for (const t of storedTables(PERSONAL_DATA)) {
      for (const r of t.reach)
        if (r.to !== t.table) expect(order.indexOf(r.to), `${t.table} after ${r.to}`).toBeLessThan(order.indexOf(t.table))
    }
  })

  it('refuse, naming the table, one declared twice, a reach to a table that declares nothing, and an erasure that does not fit the rows', () => {
    expect(() => storedTables([...PERSONAL_DATA, notes])).toThrow('Personal data: notes is declared twice')
    expect(() => storedTables([{ ...notes, reach: { pet_id: 'pets' } }])).toThrow(
      'Personal data of notes: reaches pets through pet_id, which declares nothing',
    )
    expect(() => storedTables(withTable({ ...notes, columns: { content: 'personal' } }))).toThrow(
      `Personal data of notes: content is 'personal', but its rows stay: say what erasure writes over it`,
    )
    expect(() => storedTables(withTable({ ...notes, rows: 'deleted' }))).toThrow(
      `Personal data of notes: content: its rows are deleted, so it is simply 'personal'`,
    )
    expect(() => storedTables(withTable({ ...notes, stateChanges: [{ set: { content: 'gone' } }] }))).toThrow(
      'Personal data of notes: content is personal and changes state too',
    )
  })
})
