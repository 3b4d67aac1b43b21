import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPageApp, type PageApp } from '../helpers/page-app.js'
import { engines } from '../helpers/databases.js'
import { made } from '../helpers/fixtures.js'

const CSV = 'Name,Email\nAda Lane,ada@example.com\n'

describe.each(engines)('what the import words say of uploads, the product does (%s)', (engine) => {
  let pages: PageApp
  beforeAll(async () => {
    pages = await startPageApp(engine)
  })
  afterAll(() => pages?.app.close())

  /** An upload made by the agent, once its dry run in the background has finished. */
  async function upload(filename: string): Promise<string> {
    const made_ = await made(pages.app, 'import', 'upload', { kind: 'csv_customers', csv: CSV, filename })
    await pages.app.services.background.settled()
    return made_.id
  }

  /** Makes an upload look `hours` old, as the database's clock sees it (past the trigger that stamps each change). */
  async function age(id: string, hours: number): Promise<void> {
    const admin = pages.app.t.admin
    await admin.query('alter table import_uploads disable trigger import_uploads_updated_at')
    await admin.query('update import_uploads set updated_at = now() - make_interval(hours => $1) where id = $2', [hours, id])
    await admin.query('alter table import_uploads enable trigger import_uploads_updated_at')
  }

  it('uploads are kept some hours: an older one is gone once another is made, a newer one stays, and its page says it is gone', async () => {
    const old = await upload('old.csv')
    const recent = await upload('recent.csv')
    expect((await pages.owner.get(`/import/${old}`)).status).toBe(200)
    await age(old, 7)
    await age(recent, 5)
    await upload('next.csv')
    const kept = await pages.app.t.admin.query<{ id: string }>('select id from import_uploads where id = any($1)', [[old, recent]])
    expect(kept.rows.map((r) => r.id)).toEqual([recent])
    expect((await pages.app.query({ type: 'import_uploads', id: old })).status).toBe(404)
    expect((await pages.owner.get(`/import/${old}`)).status).toBe(404)
    expect((await pages.owner.get(`/import/${recent}`)).status).not.toBe(404)
  })
})
