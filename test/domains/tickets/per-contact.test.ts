import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { asTenant, newContact, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

// Monday 2026-11-02 15:00 UTC = 09:00 in Chicago.
const NOW = new Date('2026-11-02T15:00:00Z')

describe.each(engines)('tickets of several customers in one read (%s)', (engine) => {
  let app: TestApp
  let ann: string
  let bob: string
  let cat: string
  let techId: string
  const t: Record<string, string> = {}

  const book = async (contactId: string, start: string, status = 'scheduled', technician?: string) => {
    const ticket = expectData(
      await app.action('ticket', 'create', {
        contact_id: contactId,
        scheduled_start: start,
        duration_minutes: 60,
        ...(technician ? { technician_ids: [technician] } : {}),
      }),
    )
    if (status !== 'scheduled') {
      await asTenant(app, (tx) =>
        tx.query(`update tickets set status = $1, closed_at = case when $1 = 'completed' then now() end where id = $2`, [
          status,
          ticket.id,
        ]),
      )
    }
    return ticket.id as string
  }
  const read = async (filters: Record<string, string>) => expectData(await app.query({ type: 'tickets', ...filters })).items as any[]

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    techId = await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tech')
    ann = await newContact(app, { display_name: 'Ann Able' })
    bob = await newContact(app, { display_name: 'Bob Baker' })
    cat = await newContact(app, { display_name: 'Cat Cole' })
    t.annSeptember = await book(ann, '2026-09-01T15:00:00Z', 'completed')
    t.annOctober = await book(ann, '2026-10-01T15:00:00Z', 'completed', techId)
    // Earlier today and already over, but nobody closed it: not Ann's next ticket.
    t.annThisMorning = await book(ann, '2026-11-02T12:00:00Z')
    t.annNext = await book(ann, '2026-11-10T15:00:00Z')
    t.annLater = await book(ann, '2026-12-10T15:00:00Z')
    t.bobAugust = await book(bob, '2026-08-01T15:00:00Z', 'completed')
    t.bobCancelled = await book(bob, '2026-11-20T15:00:00Z', 'cancelled')
  })
  afterAll(() => app.close())

  /** The issues of a refused read, after checking it was refused as bad input. */
  const issuesOf = (res: Awaited<ReturnType<TestApp['query']>>) => {
    expectError(res, 400, 'VALIDATION_ERROR')
    return res.body.error.details.issues as Array<{ field: string; message: string }>
  }

  it('contact_ids lists the tickets of each customer named, in start order', async () => {
    const items = await read({ contact_ids: `${ann}, ${bob}` })
    expect(items.map((i) => i.id)).toEqual([
      t.bobAugust,
      t.annSeptember,
      t.annOctober,
      t.annThisMorning,
      t.annNext,
      t.bobCancelled,
      t.annLater,
    ])
    expect(await read({ contact_ids: cat })).toEqual([])
  })

  it("per_contact=last with status=completed gives each customer's last visit, and nothing for one never visited", async () => {
    const items = await read({
      contact_ids: [ann, bob, cat].join(','),
      status: 'completed',
      per_contact: 'last',
      include: 'line_items,notes',
    })
    expect(items.map((i) => [i.contact_name, i.id])).toEqual([
      ['Bob Baker', t.bobAugust],
      ['Ann Able', t.annOctober],
    ])
    expect(items[0].line_items).toEqual([])
  })

  it("per_contact=next gives each customer's next upcoming ticket: a cancelled one ahead is not it", async () => {
    const items = await read({ contact_ids: [ann, bob, cat].join(','), status: 'active', per_contact: 'next' })
    expect(items.map((i) => i.id)).toEqual([t.annNext])
    expect((await read({ contact_ids: [ann, bob, cat].join(','), per_contact: 'next' })).map((i) => i.id)).toEqual([t.annNext])
    expect(await read({ contact_id: bob, per_contact: 'next' })).toEqual([])
  })

  it("pages the customers' picks like any list", async () => {
    const first = expectData(await app.query({ type: 'tickets', contact_ids: `${ann},${bob}`, per_contact: 'last', limit: 1 }))
    expect(first.items.map((i: any) => i.id)).toEqual([t.bobCancelled])
    const second = expectData(
      await app.query({ type: 'tickets', contact_ids: `${ann},${bob}`, per_contact: 'last', limit: 1, cursor: first.next_cursor }),
    )
    expect(second.items.map((i: any) => i.id)).toEqual([t.annLater])
    expect(second.next_cursor).toBeNull()
  })

  it('refuses a list that is not ids, more than 100 customers, and per_contact without customers, naming the field', async () => {
    const notIds = issuesOf(await app.query({ type: 'tickets', contact_ids: `${ann},bob` }))
    expect(notIds).toEqual([{ field: 'contact_ids', message: 'expected up to 100 contact ids separated by commas' }])
    const many = Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',')
    expect(issuesOf(await app.query({ type: 'tickets', contact_ids: many }))[0].field).toBe('contact_ids')
    const alone = issuesOf(await app.query({ type: 'tickets', status: 'completed', per_contact: 'last' }))
    expect(alone).toEqual([{ field: 'per_contact', message: 'needs contact_id or contact_ids (up to 100 customers)' }])
    expect(issuesOf(await app.query({ type: 'tickets', contact_ids: ann, per_contact: 'first' }))[0].field).toBe('per_contact')
  })

  it('lets a technician name only customers of their visits, and see only their own tickets of them', async () => {
    const tess = await signedIn(app, techId)
    const mine = expectData(await tess.query({ type: 'tickets', contact_ids: ann, status: 'completed', per_contact: 'last' }))
    expect(mine.items.map((i: any) => i.id)).toEqual([t.annOctober])
    expect(expectData(await tess.query({ type: 'tickets', contact_ids: ann })).items.map((i: any) => i.id)).toEqual([t.annOctober])
    expectError(await tess.query({ type: 'tickets', contact_ids: `${ann},${bob}` }), 403, 'FORBIDDEN')
  })
})
