import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { okOf } from '../../helpers/page-app.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.each(engines)('what the customers pages read (%s)', (engine) => {
  let app: TestApp
  const ok = okOf(() => app)
  const list = async (params: Record<string, string | number>) => {
    const r = await app.query({ type: 'contacts', ...params })
    expect(r.status, JSON.stringify(r.body.error)).toBe(200)
    return r.body.data
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('sorts contacts by name across pages, finds them by address words, narrows by kind and tells the next and last visit', async () => {
    for (const name of ['carol', 'Bob', 'alice', 'Dave']) await ok('contact', 'create', { display_name: name, tags: ['sorted'] })
    const first = await list({ tag: 'sorted', sort: 'name', limit: 3 })
    const second = await list({ tag: 'sorted', sort: 'name', limit: 3, cursor: first.next_cursor })
    expect([...first.items, ...second.items].map((c: any) => c.display_name)).toEqual(['alice', 'Bob', 'carol', 'Dave'])
    expect(second.next_cursor).toBeNull()

    const shop = await ok('contact', 'create', {
      display_name: 'Corner Shop',
      kind: 'organization',
      addresses: [{ line1: '12 Willowbrook Avenue', city: 'Athens', state: 'AL', postal_code: '35611' }],
    })
    expect((await list({ words: 'Willowbrook' })).items.map((c: any) => c.id)).toEqual([shop.id])
    expect((await list({ words: 'Willowbrook', kind: 'person' })).items).toEqual([])

    const past = await ok('ticket', 'create', { contact_id: shop.id, scheduled_start: '2026-11-02T09:00', duration_minutes: 60 })
    await app.t.admin.query(`update tickets set status = 'completed', closed_at = now() where id = $1`, [past.id])
    const next = await ok('ticket', 'create', { contact_id: shop.id, scheduled_start: '2026-11-09T09:00', duration_minutes: 60 })
    const read = (await app.query({ type: 'contacts', id: shop.id, include: 'visits' })).body.data
    expect(read.visits).toEqual({
      next_visit: { ticket_id: next.id, number: next.number, scheduled_start: '2026-11-09T15:00:00.000Z' },
      last_visit: { ticket_id: past.id, number: past.number, scheduled_start: '2026-11-02T15:00:00.000Z' },
    })
    const byVisit = await list({ sort: 'last_visit', limit: 1 })
    expect(byVisit.items.map((c: any) => c.id)).toEqual([shop.id])
    expect((await list({ sort: 'last_visit', limit: 100, cursor: byVisit.next_cursor })).items.map((c: any) => c.id)).not.toContain(shop.id)
  })

  it("reads a customer's tickets newest first, and the history of the customer and everything of theirs only", async () => {
    const mine = await ok('contact', 'create', { display_name: 'History Hal' })
    const theirs = await ok('contact', 'create', { display_name: 'Other Olive' })
    const address = await ok('address', 'add', {
      contact_id: mine.id,
      line1: '3 Ash St',
      city: 'Athens',
      state: 'AL',
      postal_code: '35611',
    })
    const early = await ok('ticket', 'create', { contact_id: mine.id, scheduled_start: '2026-11-10T09:00', duration_minutes: 60 })
    const late = await ok('ticket', 'create', { contact_id: mine.id, scheduled_start: '2026-11-12T09:00', duration_minutes: 60 })
    await ok('note', 'add', { contact_id: theirs.id, content: 'not Hal' })
    const newest = await app.query({ type: 'tickets', contact_id: mine.id, newest_first: 'true', limit: 1 })
    expect(newest.body.data.items.map((t: any) => t.id)).toEqual([late.id])
    const older = await app.query({
      type: 'tickets',
      contact_id: mine.id,
      newest_first: 'true',
      limit: 1,
      cursor: newest.body.data.next_cursor,
    })
    expect(older.body.data.items.map((t: any) => t.id)).toEqual([early.id])

    const history = (await app.query({ type: 'audit_trail', contact_id: mine.id, limit: 100 })).body.data.items
    expect(new Set(history.map((e: any) => e.entity_id))).toEqual(new Set([mine.id, address.id, early.id, late.id]))
    expect(history[0].entity_id).toBe(late.id)
  })
})
