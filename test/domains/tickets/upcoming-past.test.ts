import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { asTenant, newContact } from '../../helpers/fixtures.js'
import { pageClient, type PageClient } from '../../helpers/technician-fixture.js'

// Monday 2026-11-02 15:00 UTC = 09:00 in Chicago.
const NOW = new Date('2026-11-02T15:00:00Z')

describe.each(engines)('which visits are upcoming and which are past, read everywhere alike (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let ann: string
  const t: Record<string, { id: string; number: number }> = {}

  const book = async (start: string) => {
    const ticket = expectData(await app.action('ticket', 'create', { contact_id: ann, scheduled_start: start, duration_minutes: 60 }))
    return { id: ticket.id as string, number: ticket.number as number }
  }
  const section = (html: string, title: string) => {
    const start = html.indexOf(`<h2>${title}</h2>`)
    expect(start, title).toBeGreaterThan(-1)
    return html.slice(start, html.indexOf('<h2>', start + 4))
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    owner = await pageClient(app, 'owner@sparkle.test')
    ann = await newContact(app, { display_name: 'Ann Early' })
    t.lastMonth = await book('2026-10-05T15:00:00Z')
    await asTenant(app, (tx) =>
      tx.query(`update tickets set status = 'completed', closed_at = '2026-10-05T16:30:00Z' where id = $1`, [t.lastMonth.id]),
    )
    // Booked for next Monday and closed out this morning, a week early.
    t.closedEarly = await book('2026-11-09T15:00:00Z')
    await asTenant(app, (tx) => tx.query(`update tickets set status = 'completed', closed_at = $2 where id = $1`, [t.closedEarly.id, NOW]))
    t.calledOff = await book('2026-11-12T15:00:00Z')
    expectData(
      await app.action('ticket', 'cancel', { ticket_id: t.calledOff.id, reason: 'Customer away' }, { reasoning: 'customer asked' }),
    )
    t.next = await book('2026-11-16T15:00:00Z')
  })
  afterAll(() => app?.close())

  it('tickets?when= splits them: completed and cancelled visits are past whatever their time', async () => {
    const read = async (filters: Record<string, string>) =>
      expectData(await app.query({ type: 'tickets', contact_id: ann, ...filters })).items.map((i: any) => i.id)
    expect(await read({ when: 'upcoming' })).toEqual([t.next.id])
    expect(await read({ when: 'past', newest_first: 'true' })).toEqual([t.calledOff.id, t.closedEarly.id, t.lastMonth.id])
    expect(await read({ per_contact: 'next' })).toEqual([t.next.id])
  })

  it('customer_overview, the contacts list and the customer page name the same next visit', async () => {
    const overview = expectData(await app.query({ type: 'customer_overview', contact_ids: ann })).items[0]
    expect(overview.next_ticket.ticket_id).toBe(t.next.id)
    const contact = expectData(await app.query({ type: 'contacts', id: ann, include: 'visits' }))
    expect(contact.visits.next_visit.ticket_id).toBe(t.next.id)

    const res = await owner.get(`/customers/${ann}`)
    expect(res.status).toBe(200)
    const upcoming = section(res.html, 'Upcoming visits')
    expect(upcoming).toContain(`#${t.next.number} `)
    for (const done of [t.closedEarly, t.calledOff, t.lastMonth]) expect(upcoming).not.toContain(`#${done.number} `)
    const past = section(res.html, 'Past visits')
    for (const done of [t.closedEarly, t.calledOff, t.lastMonth]) expect(past).toContain(`#${done.number} `)
    expect(past).not.toContain(`#${t.next.number} `)
  })

  it('the timeline places a visit closed or cancelled ahead of its day when that happened, never in the future', async () => {
    const items = expectData(await app.query({ type: 'timeline', contact_id: ann, kinds: 'visit' })).items
    const at = new Map(items.map((i: any) => [i.id, new Date(i.at).toISOString()]))
    expect(at.get(t.closedEarly.id)).toBe(NOW.toISOString())
    expect(at.get(t.calledOff.id)).toBe(NOW.toISOString())
    expect(at.get(t.lastMonth.id)).toBe('2026-10-05T15:00:00.000Z')
    expect(at.get(t.next.id)).toBe('2026-11-16T15:00:00.000Z')
    expect(items[0].id).toBe(t.next.id)
  })
})
