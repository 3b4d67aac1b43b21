import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { allowAgentWords, auditTrailActions, countRows, expectFields, newContact, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** The server's clock: Tuesday 2026-10-27, 10:15 in Chicago (CDT, UTC-5). */
const NOW = new Date('2026-10-27T15:15:00Z')

describe.each(engines)('interactions and the timeline (%s)', (engine) => {
  let app: TestApp
  let jane: string
  let leadId: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    // What these tests check is not the owner's queue: the owner allowed the agent's words always.
    await allowAgentWords(app)
    jane = await newContact(app, { display_name: 'Jane Talk' })
    leadId = expectData(await app.action('lead', 'create', { raw_notes: 'Asked about gutters', name: 'Lou Lead' })).id
  })
  afterAll(() => app.close())

  it('logs a call with a customer and a meeting with a lead, by whoever made them, redacted and audited', async () => {
    const call = expectData(
      await app.action('interaction', 'log', {
        contact_id: jane,
        kind: 'call',
        direction: 'inbound',
        occurred_at: '2026-10-27T14:00:00Z',
        duration_minutes: 6,
        subject: 'Quote for screens',
        outcome: 'wants a price by Friday',
        summary: 'Asked about screens. Card 4111 1111 1111 1111 read out, told her not to.',
        follow_up_on: '2026-10-30',
      }),
    )
    expect(call).toMatchObject({
      contact_id: jane,
      lead_id: null,
      kind: 'call',
      direction: 'inbound',
      duration_minutes: 6,
      occurred_at: '2026-10-27T14:00:00.000Z',
      follow_up_on: '2026-10-30',
      follow_up_done_at: null,
      author_type: 'agent',
      archived_at: null,
    })
    expect(call.summary).not.toContain('4111')
    expect(call.summary).toContain('[REDACTED]')
    expect(await auditTrailActions(app, 'interactions', call.id)).toEqual(['create'])
    const meeting = expectData(await app.action('interaction', 'log', { lead_id: leadId, kind: 'meeting', summary: 'Walked the property' }))
    expect(meeting).toMatchObject({ lead_id: leadId, contact_id: null, direction: null, occurred_at: NOW.toISOString() })
    const listed = expectData(await app.query({ type: 'interactions', lead_id: leadId })).items
    expect(listed.map((i: any) => i.id)).toEqual([meeting.id])
  })

  it('refuses what cannot be true, naming the field, and writes nothing', async () => {
    const before = await countRows(app, 'interactions')
    expectFields(await app.action('interaction', 'log', { kind: 'call', direction: 'outbound', summary: 'x' }), [
      'data.contact_id',
      'data.lead_id',
    ])
    expectFields(await app.action('interaction', 'log', { contact_id: jane, lead_id: leadId, kind: 'note', summary: 'x' }), [
      'data.contact_id',
      'data.lead_id',
    ])
    expectFields(await app.action('interaction', 'log', { contact_id: jane, kind: 'call', summary: 'Rang' }), ['data.direction'])
    expectFields(
      await app.action('interaction', 'log', {
        contact_id: jane,
        kind: 'meeting',
        summary: 'Next week',
        occurred_at: '2026-11-03T15:00:00Z',
      }),
      ['data.occurred_at'],
    )
    expectFields(await app.action('interaction', 'log', { contact_id: jane, kind: 'fax', summary: 'x' }), ['data.kind'])
    expectFields(await app.action('interaction', 'log', { contact_id: jane, kind: 'note', summary: '   ' }), ['data.summary'])
    expectFields(await app.action('interaction', 'log', { contact_id: jane, kind: 'note', summary: 'x', follow_up_on: '2026-02-30' }), [
      'data.follow_up_on',
    ])
    const missing = await app.action('interaction', 'log', {
      contact_id: '00000000-0000-4000-8000-000000000001',
      kind: 'note',
      summary: 'x',
    })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('data.contact_id')
    expect(await countRows(app, 'interactions')).toBe(before)
  })

  it('lists follow-ups due, soonest first; marking one done takes it off; an archived one leaves the lists', async () => {
    const due = expectData(
      await app.action('interaction', 'log', {
        contact_id: jane,
        kind: 'email',
        direction: 'outbound',
        summary: 'Sent the quote',
        follow_up_on: '2026-10-26',
      }),
    )
    const later = expectData(
      await app.action('interaction', 'log', {
        contact_id: jane,
        kind: 'text',
        direction: 'outbound',
        summary: 'Reminder',
        follow_up_on: '2026-12-01',
      }),
    )
    const dueNow = expectData(await app.query({ type: 'interactions', follow_up: 'due' })).items.map((i: any) => i.id)
    expect(dueNow).toEqual([due.id])
    const open = expectData(await app.query({ type: 'interactions', follow_up: 'open' })).items.map((i: any) => i.follow_up_on)
    expect(open).toEqual([...open].sort())
    expect(open).toContain('2026-12-01')
    const done = expectData(
      await app.action('interaction', 'update', { interaction_id: due.id, follow_up_done: true, outcome: 'accepted the quote' }),
    )
    expect(done).toMatchObject({ follow_up_done_at: NOW.toISOString(), outcome: 'accepted the quote', summary: 'Sent the quote' })
    expect(expectData(await app.query({ type: 'interactions', follow_up: 'due' })).items).toEqual([])
    expectFields(await app.action('interaction', 'update', { interaction_id: later.id, direction: null }), ['data.direction'])
    expectFields(await app.action('interaction', 'update', { interaction_id: later.id, follow_up_on: null, follow_up_done: true }), [
      'data.follow_up_done',
    ])
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expectData(await owner.action('interaction', 'archive', { interaction_id: later.id }))
    expect(expectData(await app.query({ type: 'interactions', contact_id: jane })).items.map((i: any) => i.id)).not.toContain(later.id)
    expect(expectData(await app.query({ type: 'interactions', archived: 'true' })).items.map((i: any) => i.id)).toEqual([later.id])
    expect(expectData(await app.query({ type: 'interactions', id: later.id })).archived_at).toBe(NOW.toISOString())
    expectError(await app.action('interaction', 'update', { interaction_id: later.id, summary: 'again' }), 409, 'CONFLICT')
    expect(await auditTrailActions(app, 'interactions', due.id)).toEqual(['create', 'update'])
  })

  it("tells one customer's history newest first: calls, visits, invoices, payments, emails and notes, paged", async () => {
    const sam = await newContact(app, { display_name: 'Sam Timeline' })
    const ticket = expectData(
      await app.action('ticket', 'create', {
        contact_id: sam,
        scheduled_start: '2026-10-20T14:00:00Z',
        duration_minutes: 60,
        line_items: [{ description: 'Windows', unit_price_cents: 12_000 }],
      }),
    )
    const invoice = expectData(
      await app.action('invoice', 'create', { contact_id: sam, line_items: [{ description: 'Windows', unit_price_cents: 12_000 }] }),
    )
    await app.action('invoice', 'mark_sent', { invoice_id: invoice.id })
    expectData(
      await app.action(
        'invoice',
        'record_payment',
        { invoice_id: invoice.id, amount_cents: 5000, method: 'cash' },
        { reasoning: 'The customer paid' },
      ),
    )
    expectData(
      await app.action('message', 'schedule', {
        contact_id: sam,
        kind: 'custom',
        subject: 'Thanks <b>Sam</b>',
        body: 'Thank you',
        send_at: '2026-11-01T15:00:00Z',
      }),
    )
    expectData(await app.action('note', 'add', { contact_id: sam, content: 'Gate code 1234' }))
    const call = expectData(
      await app.action('interaction', 'log', {
        contact_id: sam,
        kind: 'call',
        direction: 'outbound',
        subject: 'Booking',
        summary: 'Booked the visit',
        outcome: 'booked',
        occurred_at: '2026-10-19T15:00:00Z',
      }),
    )
    const all = expectData(await app.query({ type: 'timeline', contact_id: sam })).items
    expect(all.map((i: any) => i.kind).sort()).toEqual(['email', 'interaction', 'invoice', 'note', 'payment', 'visit'])
    const times = all.map((i: any) => new Date(i.at).getTime())
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(all.find((i: any) => i.kind === 'email')).toMatchObject({ title: 'Email scheduled: Thanks <b>Sam</b>', status: 'pending' })
    expect(all.find((i: any) => i.kind === 'interaction')).toMatchObject({
      id: call.id,
      title: 'Call to them: Booking',
      detail: 'Booked the visit — booked',
    })
    expect(all.find((i: any) => i.kind === 'visit')).toMatchObject({ id: ticket.id, title: `Visit #${ticket.number} (scheduled)` })
    expect(all.find((i: any) => i.kind === 'payment').title).toBe(`Payment of $50.00 by cash on invoice ${invoice.number}`)
    expect(all.find((i: any) => i.kind === 'invoice').title).toMatch(new RegExp(`^Invoice ${invoice.number} for \\$120\\.00`))
    const first = expectData(await app.query({ type: 'timeline', contact_id: sam, limit: 4 }))
    const second = expectData(await app.query({ type: 'timeline', contact_id: sam, limit: 4, cursor: first.next_cursor }))
    expect([...first.items, ...second.items].map((i: any) => i.id)).toEqual(all.map((i: any) => i.id))
    expect(second.next_cursor).toBeNull()
    const calls = expectData(await app.query({ type: 'timeline', contact_id: sam, kinds: 'interaction,note' })).items
    expect(calls.map((i: any) => i.kind).sort()).toEqual(['interaction', 'note'])
    expectFields(await app.query({ type: 'timeline' }), ['contact_id'])
    expectFields(await app.query({ type: 'timeline', contact_id: sam, kinds: 'visit,party' }), ['kinds'])
  })

  it('is office work: a technician can neither log nor read interactions or timelines', async () => {
    const tech = await signedIn(app, await addUser(app, 'tia@sparkle.test', 'technician', 'Tia Tech'))
    expectError(await tech.action('interaction', 'log', { contact_id: jane, kind: 'note', summary: 'x' }), 403, 'FORBIDDEN')
    expect((await tech.query({ type: 'interactions', contact_id: jane })).status).toBe(403)
    expect((await tech.query({ type: 'timeline', contact_id: jane })).status).toBe(403)
  })
})
