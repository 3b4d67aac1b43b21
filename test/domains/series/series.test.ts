import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localDate, localTime } from '../../../core/vocabulary/time.js'
import { generateSeriesVisits } from '../../../core/jobs/series.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { expectFields, insertAddress, newService, signedIn, type SignedIn, letters } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

const NY = 'America/New_York'
const why = { reasoning: 'the customer asked by phone' }

describe.each(engines)('recurring appointments (%s)', (engine) => {
  let app: TestApp
  let owner: SignedIn
  let techId: string
  let otherTechId: string
  let windows: any
  let gutters: any
  // A Friday in February; New York springs forward on Sunday 8 March 2026 and falls back on Sunday 1 November.
  let clock = new Date('2026-02-20T15:00:00Z')
  let customers = 0

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock })
    await app.t.admin.query('update tenants set timezone = $2 where id = $1', [app.tenant.tenant_id, NY])
    owner = await signedIn(app, app.tenant.owner_user_id)
    techId = await addUser(app, 'tech@sparkle.test', 'technician', 'Toni Tech')
    otherTechId = await addUser(app, 'otto@sparkle.test', 'technician', 'Otto Other')
    windows = await newService(app, { name: 'Exterior windows', pricing: 'fixed', price_cents: 12000, default_duration_minutes: 90 })
    gutters = await newService(app, { name: 'Gutter cleaning', pricing: 'flexible', price_cents: 8000, default_duration_minutes: 60 })
  })
  afterAll(() => app?.close())

  /** A customer of their own with an address, so no two tests share a calendar. */
  async function customer(): Promise<{ contactId: string; addressId: string }> {
    customers += 1
    const c = expectData(
      await app.action('contact', 'create', {
        display_name: `Series Customer ${letters(customers)}`,
        email: `series${customers}@example.test`,
      }),
    )
    return { contactId: c.id, addressId: await insertAddress(app, c.id, `${customers} Elm St`) }
  }

  async function createSeries(extra: Record<string, unknown>): Promise<any> {
    const c = await customer()
    return expectData(
      await app.action('series', 'create', {
        contact_id: c.contactId,
        address_id: c.addressId,
        line_items: [{ service_id: windows.id }],
        ...extra,
      }),
    )
  }

  /** Every ticket of a series (and of the series split from it), earliest first, as stored. */
  async function visits(seriesIds: string | string[]): Promise<any[]> {
    const r = await app.t.admin.query(
      `select id, number, status, series_id, series_occurrence, scheduled_start, scheduled_end, confirmation_status
      from tickets where tenant_id = $1 and series_id = any($2::uuid[]) order by scheduled_start`,
      [app.tenant.tenant_id, [seriesIds].flat()],
    )
    return r.rows
  }
  /**
   * One worker pass, in this process. On PGlite it holds the event loop for seconds, so a keep-alive socket of the test's
   * HTTP client may expire meanwhile; two turns of the loop let both ends see it closed before the next request picks it.
   */
  async function pass() {
    const result = await generateSeriesVisits(app.services)
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve))
    return result
  }
  const local = (v: any) => `${localDate(new Date(v.scheduled_start), NY)} ${localTime(new Date(v.scheduled_start), NY)}`
  const active = (list: any[]) => list.filter((v) => v.status !== 'cancelled')

  it('books a visit every two weeks at 09:00 local time across the spring daylight-saving change, each a ticket of its series', async () => {
    const s = await createSeries({
      rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU',
      start_date: '2026-02-24',
      start_time: '09:00',
      technician_ids: [techId],
    })
    expect(s.status).toBe('active')
    expect(s.time_zone).toBe(NY)
    expect(s.duration_minutes).toBe(90)
    expect(s.generated_through).toBe('2026-04-21')
    const list = await visits(s.id)
    expect(list.map(local)).toEqual(['2026-02-24 09:00', '2026-03-10 09:00', '2026-03-24 09:00', '2026-04-07 09:00', '2026-04-21 09:00'])
    // 09:00 in New York is 14:00 UTC in winter and 13:00 UTC after the change.
    expect(new Date(list[0].scheduled_start).toISOString()).toBe('2026-02-24T14:00:00.000Z')
    expect(new Date(list[1].scheduled_start).toISOString()).toBe('2026-03-10T13:00:00.000Z')
    expect(list.map((v) => v.series_occurrence)).toEqual(['2026-02-24', '2026-03-10', '2026-03-24', '2026-04-07', '2026-04-21'])
    expect(s.booked.map((b: any) => b.occurrence)).toEqual(list.map((v) => v.series_occurrence))
    expect(s.next_visits.map((v: any) => v.id)).toEqual(list.slice(0, 3).map((v) => v.id))
    // Booked like any ticket: line items priced by the catalog, the technician on it, and the confirmation email queued.
    const ticket = expectData(await app.query({ type: 'tickets', id: list[1].id, include: 'line_items,technicians' }))
    expect(ticket.series_id).toBe(s.id)
    expect(ticket.totals.subtotal_cents).toBe(12000)
    expect(ticket.technicians.map((t: any) => t.user_id)).toEqual([techId])
    const queued = expectData(await app.query({ type: 'scheduled_messages', ticket_id: list[0].id, kind: 'confirmation' }))
    expect(queued.items.map((m: any) => m.status)).toEqual(['pending'])
    // Visits booked together are confirmed once, with the first: the later ones' confirmations are cancelled, reminders kept.
    for (const later of list.slice(1)) {
      const mails = expectData(await app.query({ type: 'scheduled_messages', ticket_id: later.id })).items
      expect(mails.filter((m: any) => m.kind === 'confirmation').map((m: any) => m.status)).toEqual(['cancelled'])
      expect(mails.filter((m: any) => m.kind !== 'reminder' && m.status === 'pending')).toEqual([])
      expect(mails.filter((m: any) => m.kind === 'reminder').map((m: any) => m.status)).toEqual(['pending'])
    }
  })

  it('expands monthly weekdays and seasons, and refuses rules it cannot keep with a VALIDATION_ERROR naming the rule', async () => {
    const second = await createSeries({ rule: 'FREQ=MONTHLY;BYDAY=2TU', start_date: '2026-03-01', start_time: '08:30' })
    expect((await visits(second.id)).map(local)).toEqual(['2026-03-10 08:30', '2026-04-14 08:30'])
    const season = await createSeries({
      rule: 'RRULE:freq=weekly;interval=4;bymonth=4,5,6,7,8,9,10',
      start_date: '2026-03-02',
      start_time: '13:00',
    })
    expect(season.rule).toBe('FREQ=WEEKLY;INTERVAL=4;BYMONTH=4,5,6,7,8,9,10')
    // Every fourth Monday from 2 March, but only from April: 30 March is in March, so the first visit is 27 April (beyond the horizon).
    expect(await visits(season.id)).toEqual([])
    clock = new Date('2026-03-20T15:00:00Z')
    try {
      await pass()
      expect((await visits(season.id)).map(local)).toEqual(['2026-04-27 13:00'])
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
    const c = await customer()
    for (const rule of ['FREQ=WEEKLY;COUNT=5', 'FREQ=DAILY;BYHOUR=9,15', 'FREQ=HOURLY', 'every other week', 'FREQ=MONTHLY;BYMONTH=13']) {
      expectFields(await app.action('series', 'create', { contact_id: c.contactId, rule, start_date: '2026-03-01', start_time: '09:00' }), [
        'data.rule',
      ])
    }
    expectFields(
      await app.action('series', 'create', { contact_id: c.contactId, rule: 'FREQ=WEEKLY', start_date: '2026-03-01', start_time: '9am' }),
      ['data.start_time'],
    )
    expect((await app.t.admin.query('select count(*)::int as n from series where contact_id = $1', [c.contactId])).rows[0].n).toBe(0)
  })

  it('generates idempotently: a second pass books nothing, and the horizon moving on books exactly the new visit', async () => {
    const s = await createSeries({ rule: 'FREQ=WEEKLY;BYDAY=WE', start_date: '2026-02-25', start_time: '10:00' })
    const first = await visits(s.id)
    expect(first.map(local).slice(-1)).toEqual(['2026-04-15 10:00'])
    expect(first).toHaveLength(8)
    const again = await pass()
    expect(again.failures).toEqual([])
    expect(await visits(s.id)).toHaveLength(8)
    clock = new Date('2026-02-27T15:00:00Z')
    try {
      await pass()
      const later = await visits(s.id)
      expect(later.map(local).slice(-1)).toEqual(['2026-04-22 10:00'])
      expect(later).toHaveLength(9)
      await pass()
      expect(await visits(s.id)).toHaveLength(9)
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
  })

  it('skips one visit (cancelled, its emails cancelled, never booked again) and an occurrence beyond the horizon', async () => {
    const s = await createSeries({ rule: 'FREQ=WEEKLY;BYDAY=MO', start_date: '2026-03-02', start_time: '11:00' })
    const [, second] = await visits(s.id)
    expectError(await app.action('series', 'skip', { series_id: s.id, ticket_id: second.id }), 422, 'REASONING_REQUIRED')
    const skipped = expectData(await app.action('series', 'skip', { series_id: s.id, ticket_id: second.id, reason: 'away' }, why))
    expect(skipped.skipped).toEqual({ ticket_id: second.id, date: '2026-03-09' })
    const after = await visits(s.id)
    expect(after.find((v) => v.id === second.id).status).toBe('cancelled')
    const pending = expectData(await app.query({ type: 'scheduled_messages', ticket_id: second.id, status: 'pending' }))
    expect(pending.items).toEqual([])
    expectData(await app.action('series', 'skip', { series_id: s.id, date: '2026-05-04' }, why))
    expectFields(await app.action('series', 'skip', { series_id: s.id, date: '2026-05-05' }, why), ['data.date'])
    clock = new Date('2026-03-14T15:00:00Z')
    try {
      await pass()
      const later = await visits(s.id)
      expect(later.filter((v) => v.series_occurrence === '2026-03-09')).toHaveLength(1)
      expect(later.map((v) => v.series_occurrence)).not.toContain('2026-05-04')
      expect(later.map((v) => v.series_occurrence)).toContain('2026-05-11')
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
  })

  it("changes this visit only, then all visits (time across the change, technician, price), keeping the moved one's time", async () => {
    const s = await createSeries({
      rule: 'FREQ=WEEKLY;BYDAY=TH',
      start_date: '2026-02-26',
      start_time: '09:00',
      technician_ids: [techId],
      line_items: [{ service_id: gutters.id, unit_price_cents: 9000 }],
    })
    const list = await visits(s.id)
    const moved = list[2]
    expectFields(await app.action('series', 'update', { series_id: s.id, scope: 'all' }, why), ['data'])
    expectFields(await app.action('series', 'update', { series_id: s.id, scope: 'this', start_time: '15:00' }, why), ['data.ticket_id'])
    const one = expectData(
      await app.action('series', 'update', { series_id: s.id, scope: 'this', ticket_id: moved.id, start_time: '15:00' }, why),
    )
    expect(one.changed_ticket_ids).toEqual([moved.id])
    let now = await visits(s.id)
    expect(now.map(local)[2]).toBe('2026-03-12 15:00')
    expect(now.map(local).filter((t) => t.endsWith('09:00'))).toHaveLength(list.length - 1)
    const all = expectData(
      await app.action(
        'series',
        'update',
        {
          series_id: s.id,
          scope: 'all',
          start_time: '10:00',
          technician_ids: [otherTechId],
          line_items: [{ service_id: gutters.id, unit_price_cents: 9900 }],
        },
        why,
      ),
    )
    expect(all.start_time).toBe('10:00')
    expect(all.technician_ids).toEqual([otherTechId])
    now = await visits(s.id)
    expect(now).toHaveLength(list.length)
    expect(now.map(local)).toEqual(list.map((v) => (v.id === moved.id ? '2026-03-12 15:00' : `${v.series_occurrence} 10:00`)))
    const ticket = expectData(await app.query({ type: 'tickets', id: now[4].id, include: 'line_items,technicians' }))
    expect(ticket.totals.subtotal_cents).toBe(9900)
    expect(ticket.technicians.map((t: any) => t.user_id)).toEqual([otherTechId])
    expect(ticket.confirmation_status).toBe('pending')
    const trail = expectData(await app.query({ type: 'series', id: s.id, include: 'audit_trail' })).audit_trail
    expect(trail.map((a: any) => a.action)).toEqual(['create', 'update_visit', 'update'])
    expect(trail[2].changes.start_time).toEqual({ old: '09:00', new: '10:00' })
    // Regenerating books nothing twice: every occurrence still has its one ticket.
    await pass()
    expect(await visits(s.id)).toHaveLength(list.length)
  })

  it('changes this and all future visits by splitting the series, leaving earlier visits as they were', async () => {
    const s = await createSeries({
      rule: 'FREQ=WEEKLY;BYDAY=FR',
      start_date: '2026-02-27',
      start_time: '09:00',
      line_items: [{ service_id: gutters.id, unit_price_cents: 8000 }],
    })
    const list = await visits(s.id)
    const from = list[3]
    const next = expectData(
      await app.action(
        'series',
        'update',
        {
          series_id: s.id,
          scope: 'this_and_future',
          ticket_id: from.id,
          start_time: '08:00',
          line_items: [{ service_id: gutters.id, unit_price_cents: 8800 }],
        },
        why,
      ),
    )
    expect(next.id).not.toBe(s.id)
    expect(next.previous_series_id).toBe(s.id)
    expect(next.start_date).toBe(from.series_occurrence)
    const old = expectData(await app.query({ type: 'series', id: s.id }))
    expect(old.ends_on).toBe(from.series_occurrence)
    expect((await visits(s.id)).map(local)).toEqual(list.slice(0, 3).map(local))
    const moved = await visits(next.id)
    expect(moved.map((v) => v.id)).toEqual(list.slice(3).map((v) => v.id))
    expect(moved.map(local)).toEqual(list.slice(3).map((v) => `${v.series_occurrence} 08:00`))
    const early = expectData(await app.query({ type: 'tickets', id: list[0].id }))
    const late = expectData(await app.query({ type: 'tickets', id: moved[0].id }))
    expect([early.totals.subtotal_cents, late.totals.subtotal_cents]).toEqual([8000, 8800])
    clock = new Date('2026-03-13T15:00:00Z')
    try {
      await pass()
      expect(await visits(s.id)).toHaveLength(3)
      expect((await visits(next.id)).map(local).slice(-1)).toEqual(['2026-05-08 08:00'])
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
  })

  it('pauses for a season (unconfirmed visits in the pause cancelled, confirmed kept), then resumes by itself and by request', async () => {
    const s = await createSeries({ rule: 'FREQ=WEEKLY;BYDAY=SA', start_date: '2026-02-28', start_time: '09:00' })
    const list = await visits(s.id)
    expectData(await app.action('ticket', 'update', { ticket_id: list[1].id, status: 'confirmed' }))
    const paused = expectData(await app.action('series', 'pause', { series_id: s.id, until: '2026-04-01', reason: 'winter' }, why))
    expect(paused.status).toBe('paused')
    expect(paused.paused_until).toBe('2026-04-01')
    expect(paused.kept_confirmed).toEqual([list[1].id])
    const inPause = list.filter((v) => v.series_occurrence < '2026-04-01' && v.id !== list[1].id).map((v) => v.id)
    expect(paused.cancelled_ticket_ids).toEqual(inPause)
    const now = await visits(s.id)
    expect(active(now).map(local)).toEqual(['2026-03-07 09:00', '2026-04-04 09:00', '2026-04-11 09:00', '2026-04-18 09:00'])
    // The pause ends on its date: the series is active again and books on.
    clock = new Date('2026-04-02T15:00:00Z')
    try {
      await pass()
      const read = expectData(await app.query({ type: 'series', id: s.id }))
      expect(read.status).toBe('active')
      expect(
        active(await visits(s.id))
          .map(local)
          .slice(-1),
      ).toEqual(['2026-05-30 09:00'])
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
    // Paused without a date and resumed early: the visits the pause cancelled come back.
    const other = await createSeries({ rule: 'FREQ=WEEKLY;BYDAY=SU', start_date: '2026-03-01', start_time: '12:00' })
    const before = active(await visits(other.id)).map(local)
    expectData(await app.action('series', 'pause', { series_id: other.id }, why))
    expect(active(await visits(other.id))).toEqual([])
    await pass()
    expect(active(await visits(other.id))).toEqual([])
    const resumed = expectData(await app.action('series', 'resume', { series_id: other.id }))
    expect(resumed.status).toBe('active')
    expect(active(await visits(other.id)).map(local)).toEqual(before)
  })

  it("ends a series only with the owner's approval; the visits after the last day are cancelled and none is booked again", async () => {
    const s = await createSeries({ rule: 'FREQ=MONTHLY;BYMONTHDAY=15', start_date: '2026-03-15', start_time: '09:00' })
    expect(await visits(s.id)).toHaveLength(2)
    const asked = expectData(await app.action('series', 'end', { series_id: s.id, reason: 'moved away' }, why), 202)
    expect(asked.status).toBe('pending_authorization')
    expect((await visits(s.id)).every((v) => v.status === 'scheduled')).toBe(true)
    expectFields(await owner.action('series', 'end', { series_id: s.id }), ['data.reason'])
    const ended = expectData(await owner.action('series', 'end', { series_id: s.id, last_date: '2026-03-31', reason: 'moved away' }))
    expect(ended.status).toBe('ended')
    expect(ended.ends_on).toBe('2026-04-01')
    expect((await visits(s.id)).map((v) => v.status)).toEqual(['scheduled', 'cancelled'])
    expectError(await app.action('series', 'skip', { series_id: s.id, date: '2026-05-15' }, why), 409, 'CONFLICT')
    clock = new Date('2026-04-20T15:00:00Z')
    try {
      await pass()
      expect(await visits(s.id)).toHaveLength(2)
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
  })

  it('books a visit whose technician is already busy then without them, and says so', async () => {
    const c = await customer()
    const busy = expectData(
      await app.action('ticket', 'create', {
        contact_id: c.contactId,
        scheduled_start: '2026-03-17T14:30',
        duration_minutes: 60,
        technician_ids: [otherTechId],
        line_items: [{ service_id: windows.id }],
      }),
    )
    const s = await createSeries({
      rule: 'FREQ=WEEKLY;BYDAY=TU',
      start_date: '2026-03-03',
      start_time: '14:00',
      technician_ids: [otherTechId],
    })
    const clash = (await visits(s.id)).find((v) => v.series_occurrence === '2026-03-17')
    expect(s.unassigned).toEqual([{ ticket_id: clash.id, occurrence: '2026-03-17', reason: expect.stringContaining(`#${busy.number}`) }])
    const read = expectData(await app.query({ type: 'tickets', id: clash.id, include: 'technicians' }))
    expect(read.technicians).toEqual([])
    const other = expectData(await app.query({ type: 'tickets', id: (await visits(s.id))[0].id, include: 'technicians' }))
    expect(other.technicians.map((t: any) => t.user_id)).toEqual([otherTechId])
  })

  it('leaves a technician deactivated since off the visits it books next and keeps the others', async () => {
    const dee = await addUser(app, 'dee@sparkle.test', 'technician', 'Dee Dunn')
    const eli = await addUser(app, 'eli@sparkle.test', 'technician', 'Eli Eng')
    const s = await createSeries({
      rule: 'FREQ=WEEKLY;BYDAY=WE',
      start_date: '2026-02-25',
      start_time: '07:00',
      technician_ids: [dee, eli],
    })
    const before = await visits(s.id)
    expectData(await owner.action('user', 'update', { user_id: dee, active: false }))
    clock = new Date('2026-03-20T15:00:00Z')
    try {
      const result = await pass()
      expect(result.failures).toEqual([])
      const added = (await visits(s.id)).filter((v) => !before.some((b) => b.id === v.id))
      expect(added.length).toBeGreaterThan(0)
      for (const v of added) {
        const read = expectData(await app.query({ type: 'tickets', id: v.id, include: 'technicians' }))
        expect(read.technicians.map((t: any) => t.user_id)).toEqual([eli])
      }
      const kept = expectData(await app.query({ type: 'tickets', id: before[0].id, include: 'technicians' }))
      expect(kept.technicians.map((t: any) => t.user_id).sort()).toEqual([dee, eli].sort())
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
  })

  it('keeps 09:00 when clocks fall back in November', async () => {
    clock = new Date('2026-10-20T15:00:00Z')
    try {
      const s = await createSeries({ rule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=FR', start_date: '2026-10-23', start_time: '09:00' })
      const list = await visits(s.id)
      expect(list.slice(0, 3).map(local)).toEqual(['2026-10-23 09:00', '2026-10-30 09:00', '2026-11-06 09:00'])
      expect(list.slice(0, 3).map((v) => new Date(v.scheduled_start).toISOString().slice(11, 16))).toEqual(['13:00', '13:00', '14:00'])
    } finally {
      clock = new Date('2026-02-20T15:00:00Z')
    }
  })
})
