import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { made, person, type SignedIn } from '../../helpers/fixtures.js'

/** Wednesday, March 5, 2031, 17:00 in Chicago: the week runs Monday March 3 to Sunday March 9. */
const NOW = new Date('2031-03-05T23:00:00Z')

describe.each(engines)("timesheets from the technicians' clock data (%s)", (engine) => {
  let app: TestApp
  let sam: SignedIn
  let tia: SignedIn
  let customer: string

  /** A visit of the technician, clocked in and (unless null) out at those UTC times. */
  async function clocked(who: SignedIn, inAt: string, outAt: string | null) {
    const t = await made(app, 'ticket', 'create', { contact_id: customer, scheduled_start: inAt, technician_ids: [who.userId] })
    await app.t.admin.query('update ticket_technicians set clock_in_at = $2, clock_out_at = $3 where ticket_id = $1', [t.id, inAt, outAt])
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    sam = await person(app, 'sam@hours.test', 'technician')
    tia = await person(app, 'tia@hours.test', 'technician')
    customer = (await made(app, 'contact', 'create', { display_name: 'Hours Customer' })).id
    // Sam on Monday: 08:00-09:00 and 10:30-12:00 local (CST is UTC-6); Tuesday 08:00-08:45; Wednesday one still open.
    await clocked(sam, '2031-03-03T14:00:00Z', '2031-03-03T15:00:00Z')
    await clocked(sam, '2031-03-03T16:30:00Z', '2031-03-03T18:00:00Z')
    await clocked(sam, '2031-03-04T14:00:00Z', '2031-03-04T14:45:00Z')
    await clocked(sam, '2031-03-05T20:00:00Z', null)
    // Tia on Monday, and a week before (outside this week).
    await clocked(tia, '2031-03-03T15:00:00Z', '2031-03-03T17:00:00Z')
    await clocked(tia, '2031-02-24T15:00:00Z', '2031-02-24T16:00:00Z')
  })
  afterAll(() => app.close())

  it("by day: this week's clocked visits, the time on them, and the day from first in to last out", async () => {
    const rows = expectData(await app.query({ type: 'timesheets', technician_id: 'sam' })).items
    expect(
      rows.map((r: any) => [r.period_start, r.visits, r.minutes_on_visits, r.minutes_first_in_to_last_out, r.still_clocked_in]),
    ).toEqual([
      ['2031-03-03', 2, 150, 240, 0],
      ['2031-03-04', 1, 45, 45, 0],
      ['2031-03-05', 1, 0, 0, 1],
    ])
    expect(rows[0]).toMatchObject({
      technician_id: sam.userId,
      period_end: '2031-03-03',
      first_clock_in: '2031-03-03T14:00:00.000Z',
      last_clock_out: '2031-03-03T18:00:00.000Z',
    })
  })

  it('by week, everyone, and another week', async () => {
    const rows = expectData(await app.query({ type: 'timesheets', by: 'week' })).items
    expect(rows.map((r: any) => [r.technician_id, r.period_start, r.period_end, r.days_worked, r.visits, r.minutes_on_visits])).toEqual([
      [sam.userId, '2031-03-03', '2031-03-09', 3, 4, 195],
      [tia.userId, '2031-03-03', '2031-03-09', 1, 1, 120],
    ])
    const before = expectData(await app.query({ type: 'timesheets', from: '2031-02-24', to: '2031-03-02' })).items
    expect(before.map((r: any) => [r.technician_id, r.minutes_on_visits])).toEqual([[tia.userId, 60]])
  })

  it('refuses a span backwards or over a quarter, naming the field', async () => {
    const backwards = await app.query({ type: 'timesheets', from: '2031-03-09', to: '2031-03-03' })
    expect(backwards.status).toBe(400)
    expect(backwards.body.error.details.issues[0].field).toBe('to')
    expect((await app.query({ type: 'timesheets', from: '2031-01-01', to: '2031-06-30' })).status).toBe(400)
  })

  it('exports as CSV for payroll', async () => {
    const res = await fetch(`${app.url}/api/export?type=timesheets&by=week`, {
      headers: { authorization: `Bearer ${app.tenant.agent_token}` },
    })
    expect(res.status).toBe(200)
    const lines = (await res.text()).trim().split('\n')
    expect(lines[0]).toBe(
      'technician_name,period_start,period_end,days_worked,visits,first_clock_in,last_clock_out,minutes_on_visits,minutes_first_in_to_last_out,still_clocked_in,technician_id,id',
    )
    expect(lines).toHaveLength(3)
    expect(lines[1]).toContain(',2031-03-03,2031-03-09,3,4,')
  })

  it('a technician reads their own hours only', async () => {
    const own = expectData(await sam.query({ type: 'timesheets', by: 'week' })).items
    expect(own.map((r: any) => r.technician_id)).toEqual([sam.userId])
    const other = await sam.query({ type: 'timesheets', technician_id: tia.userId })
    expect(other.status).toBe(403)
    expect((await sam.query({ type: 'timesheets', id: tia.userId })).status).toBe(403)
  })
})
