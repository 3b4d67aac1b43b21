import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PERSONAL_DATA } from '../../../core/domains/personal-data.js'
import type { PersonalTable } from '../../../core/personal-data/declare.js'
import { writePersonalData } from '../../../core/personal-data/write.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { signedIn } from '../../helpers/fixtures.js'

/** A table a later migration might add: photos of a visit, each with a caption the technician typed. */
const PET_PHOTOS = `create table pet_photos (tenant_id uuid not null references tenants (id), id uuid not null default gen_random_uuid(),
  ticket_id uuid not null, caption text not null, tags text[] not null default '{}', camera text, taken_on date,
  primary key (tenant_id, id), foreign key (tenant_id, ticket_id) references tickets (tenant_id, id))`

/** Its declaration: all it needs to be erased. */
const petPhotos: PersonalTable = {
  table: 'pet_photos',
  place: 1000,
  reach: { ticket_id: 'tickets' },
  columns: { caption: { erase: { text: '[erased]' } }, tags: { erase: 'empty' }, camera: 'not personal' },
  export: null,
}

describe.each(engines)('a table or column that gains personal data needs only its declaration to be erased (%s)', (engine) => {
  let app: TestApp

  beforeAll(async () => {
    app = await startTestApp(engine, { integrations: { stripe: null } })
  })
  afterAll(() => app.close())

  it("erases a new table's personal columns and a new column of a declared table, keeps what is not personal, and counts them", async () => {
    await app.t.db.exec(`${PET_PHOTOS}; alter table notes add column mood text`)
    const notes = PERSONAL_DATA.find((t) => t.table === 'notes') as PersonalTable
    await writePersonalData(app.t.db, [
      ...PERSONAL_DATA.map((t) => (t === notes ? { ...notes, columns: { ...notes.columns, mood: { erase: 'null' } } } : t)),
      petPhotos,
    ] as PersonalTable[])
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const act = async (domain: string, action: string, data: unknown) => expectData(await owner.action(domain, action, data))
    const pip = (await act('contact', 'create', { display_name: 'Pip Quillfeather' })).id
    const other = (await act('contact', 'create', { display_name: 'Olive Bystander' })).id
    const visit = (id: string) =>
      act('ticket', 'create', {
        contact_id: id,
        scheduled_start: '2031-04-01T15:00:00Z',
        duration_minutes: 60,
        line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
      })
    const [pipVisit, otherVisit] = [(await visit(pip)).id, (await visit(other)).id]
    const note = (await act('note', 'add', { contact_id: pip, content: 'Pip has a cat' })).id
    await app.t.admin.query(`update notes set mood = 'Quillcheerful' where id = $1`, [note])
    await app.t.admin.query(
      `insert into pet_photos (tenant_id, ticket_id, caption, tags, camera) values ($1, $2, 'Quillcat on the sill', '{quillcat}', 'phone'),
      ($1, $3, 'Olive''s dog', '{dog}', 'phone')`,
      [app.tenant.tenant_id, pipVisit, otherVisit],
    )

    const erased = expectData(await owner.action('contact', 'erase', { contact_id: pip, confirm: true }))
    expect(erased.rows_changed).toMatchObject({ pet_photos: 1, notes: 1 })
    const photos = await app.t.admin.query('select ticket_id, caption, tags, camera from pet_photos order by ticket_id = $1 desc', [
      pipVisit,
    ])
    expect(photos.rows).toEqual([
      { ticket_id: pipVisit, caption: '[erased]', tags: [], camera: 'phone' },
      { ticket_id: otherVisit, caption: "Olive's dog", tags: ['dog'], camera: 'phone' },
    ])
    expect((await app.t.admin.query('select content, mood from notes where id = $1', [note])).rows).toEqual([
      { content: '[erased]', mood: null },
    ])
  })
})
