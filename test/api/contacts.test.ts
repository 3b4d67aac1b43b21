import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../helpers/databases.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { letters } from '../helpers/fixtures.js'

describe.each(engines)('contacts through the API (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app.close())

  it('creates, reads with its audit trail, updates and archives a contact', async () => {
    const created = await app.action('contact', 'create', { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
    expect(created.status).toBe(200)
    expect(created.body.data).toMatchObject({ display_name: 'Jane Smith', status: 'active' })
    const id = created.body.data.id
    const updated = await app.action('contact', 'update', { contact_id: id, phone: '(256) 555-0142' })
    expect(updated.body.data.phone).toBe('(256) 555-0142')
    const archived = await app.action('contact', 'archive', { contact_id: id })
    expect(archived.body.data.status).toBe('archived')
    const read = await app.query({ type: 'contacts', id, include: 'audit_trail' })
    expect(read.body.data.audit_trail.map((a: any) => a.action)).toEqual(['create', 'update', 'archive'])
    expect(read.body.data.audit_trail[1].changes.phone).toEqual({ old: null, new: '(256) 555-0142' })
    expect(read.body.data.audit_trail[0].actor_type).toBe('agent')
    const list = await app.query({ type: 'contacts' })
    expect(list.body.data.items.map((c: any) => c.id)).not.toContain(id)
  })

  it('finds a contact by a misspelled name', async () => {
    await app.action('contact', 'create', { display_name: 'Margaret Thornton' })
    const found = await app.query({ type: 'contacts', q: 'Margret Thorton' })
    expect(found.body.data.items.map((c: any) => c.display_name)).toContain('Margaret Thornton')
  })

  it('pages through a list with a cursor', async () => {
    for (let i = 0; i < 5; i++) await app.action('contact', 'create', { display_name: `Pager ${letters(i)}` })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await app.query({ type: 'contacts', q: 'Pager', limit: 2, ...(cursor ? { cursor } : {}) })
      seen.push(...page.body.data.items.map((c: any) => c.display_name))
      cursor = page.body.data.next_cursor
    } while (cursor)
    expect(seen.sort()).toEqual(['Pager A', 'Pager B', 'Pager C', 'Pager D', 'Pager E'])
  })

  it('names the field and what was expected on bad input, and writes nothing', async () => {
    const before = await app.query({ type: 'contacts', limit: 100 })
    const bad = await app.action('contact', 'create', { display_name: 'X', email: 'not-an-email', extra: 1 })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION_ERROR')
    expect(bad.body.error.details.issues.map((i: any) => i.field)).toEqual(expect.arrayContaining(['data.email']))
    const after = await app.query({ type: 'contacts', limit: 100 })
    expect(after.body.data.items.length).toBe(before.body.data.items.length)
  })
})
