import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { formHtml, pageClient, techFixture, type PageClient, type TechFixture } from '../../helpers/technician-fixture.js'
import { expectFields, signedIn, type SignedIn } from '../../helpers/fixtures.js'

describe.each(engines)('close-out of a visit of a series (%s)', (engine) => {
  let f: TechFixture
  let tom: SignedIn
  let tomPages: PageClient
  // Sunday 1 November 2026, the day New York and Chicago fall back; the series is booked then.
  let clock = new Date('2026-11-01T18:00:00Z')

  beforeAll(async () => {
    f = await techFixture(engine, { now: () => clock })
    tom = await signedIn(f.app, f.techId)
    tomPages = await pageClient(f.app, 'tom@sparkle.test')
  })
  afterAll(() => f?.app.close())

  const seriesTickets = async (seriesId: string) =>
    (
      await f.app.t.admin.query<any>(
        'select id, number, status, scheduled_start from tickets where series_id = $1 order by scheduled_start',
        [seriesId],
      )
    ).rows
  const contactTickets = async () =>
    (await f.app.t.admin.query<any>('select count(*)::int as n from tickets where contact_id = $1', [f.contactId])).rows[0].n

  /** Steps 1 and 2 of the close-out of a ticket, through the API as the technician. */
  async function workAndNotes(ticketId: string) {
    expectData(await tom.action('closeout', 'start', { ticket_id: ticketId }))
    const lines = (await f.app.t.admin.query<any>('select id from ticket_line_items where ticket_id = $1', [ticketId])).rows
    expectData(
      await tom.action('closeout', 'save_work', {
        ticket_id: ticketId,
        duration_minutes: 60,
        line_items: lines.map((l) => ({ line_item_id: l.id })),
      }),
    )
    expectData(await tom.action('closeout', 'save_notes', { ticket_id: ticketId, notes: '', no_notes: true }))
  }

  it('offers "keep the series" first and chosen, books nothing new, and names the series\' next visit as the next ticket', async () => {
    const series = expectData(
      await f.app.action('series', 'create', {
        contact_id: f.contactId,
        rule: 'FREQ=WEEKLY;BYDAY=TH',
        start_date: '2026-11-05',
        start_time: '15:00',
        duration_minutes: 60,
        technician_ids: [f.techId],
        line_items: [{ service_id: f.services.window }],
      }),
    )
    const [first, second] = await seriesTickets(series.id)
    const before = await contactTickets()
    clock = new Date('2026-11-05T21:30:00Z')
    await workAndNotes(first.id)
    const next = await tomPages.get(`/tickets/${first.id}/closeout/next`)
    expect(next.status).toBe(200)
    const form = formHtml(next.html, `/tickets/${first.id}/closeout/next`)
    expect(form).toMatch(
      /<input type="radio" name="kind" value="keep_series" required checked>\s*Keep the series <small>\(next visit Thu 2026-11-12 15:00\)<\/small>/,
    )
    expect(form).not.toMatch(/value="schedule" required checked/)
    const saved = await tomPages.submit(next.html, `/tickets/${first.id}/closeout/next`, [['kind', 'keep_series']])
    expect(saved.status).toBe(303)
    const view = expectData(await tom.query({ type: 'closeouts', id: first.id }))
    expect(view.next_service).toEqual({ kind: 'keep_series' })
    expect(view.series).toMatchObject({ id: series.id, status: 'active', next_visit: { id: second.id } })
    expectData(await tom.action('closeout', 'save_attributes', { ticket_id: first.id, attributes: [] }))
    const done = expectData(await tom.action('closeout', 'complete', { ticket_id: first.id }))
    expect(done.result.next_ticket.id).toBe(second.id)
    expect(await contactTickets()).toBe(before)
    expect((await seriesTickets(series.id)).map((t) => t.status)).toEqual([
      'completed',
      ...Array((await seriesTickets(series.id)).length - 1).fill('scheduled'),
    ])
  })

  it('refuses keep_series for a ticket of no series, naming the field, and does not offer it on the page', async () => {
    clock = new Date('2026-11-05T16:30:00Z')
    const id = f.tickets.now
    await workAndNotes(id)
    const page = await tomPages.get(`/tickets/${id}/closeout/next`)
    expect(page.html).not.toContain('keep_series')
    expectFields(await tom.action('closeout', 'save_next', { ticket_id: id, next_service: { kind: 'keep_series' } }), [
      'data.next_service.kind',
    ])
    const owner = await signedIn(f.app, f.app.tenant.owner_user_id)
    expectFields(
      await owner.action('ticket', 'close', {
        ticket_id: id,
        duration_minutes: 60,
        line_items: [{ service_id: f.services.window }],
        notes: '',
        next_service: { kind: 'keep_series' },
      }),
      ['data.next_service.kind'],
    )
    expect((await f.app.t.admin.query<any>('select status from tickets where id = $1', [id])).rows[0].status).toBe('scheduled')
  })
})
