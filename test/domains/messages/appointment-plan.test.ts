import { describe, expect, it } from 'vitest'
import { planAppointmentMessages, type AppointmentEmailSettings } from '../../../core/domains/messages/appointment-messages.js'

const DEFAULTS: AppointmentEmailSettings = {
  timezone: 'America/Chicago',
  send_confirmations: true,
  follow_up_after_hours: 24,
  follow_up_max: 2,
  send_reminders: true,
  reminder_time: '09:00',
}

const plan = (now: string, start: string, settings: Partial<AppointmentEmailSettings> = {}) =>
  planAppointmentMessages(new Date(now), new Date(start), { ...DEFAULTS, ...settings }).map((m) => [m.kind, m.send_at.toISOString()])

describe('the emails planned for an appointment', () => {
  it('confirms now, follows up daily until the reminder, and reminds at 09:00 the day before in the business zone', () => {
    // Booked Monday 10:00 CST for Thursday 09:00 CST.
    expect(plan('2031-03-03T16:00:00Z', '2031-03-06T15:00:00Z')).toEqual([
      ['confirmation', '2031-03-03T16:00:00.000Z'],
      ['follow_up', '2031-03-04T16:00:00.000Z'],
      // The second follow-up (Wednesday 10:00) would come after Wednesday's 09:00 reminder, which already asks again.
      ['reminder', '2031-03-05T15:00:00.000Z'],
    ])
  })

  it('opens with the moved email when the business moved the visit, even with confirmations off', () => {
    const moved = (settings: Partial<AppointmentEmailSettings>) =>
      planAppointmentMessages(
        new Date('2031-03-03T16:00:00Z'),
        new Date('2031-03-06T15:00:00Z'),
        { ...DEFAULTS, ...settings },
        'moved',
      ).map((m) => m.kind)
    expect(moved({})).toEqual(['moved', 'follow_up', 'reminder'])
    expect(moved({ send_confirmations: false })).toEqual(['moved', 'reminder'])
    expect(moved({ send_confirmations: false, send_reminders: false })).toEqual(['moved'])
  })

  it('asks nothing about a time the customer already agreed to: only the reminder, without the gap a confirmation needs', () => {
    const agreed = (now: string, settings: Partial<AppointmentEmailSettings> = {}) =>
      planAppointmentMessages(new Date(now), new Date('2031-03-06T15:00:00Z'), { ...DEFAULTS, ...settings }, 'confirmed').map((m) => [
        m.kind,
        m.send_at.toISOString(),
      ])
    expect(agreed('2031-03-03T16:00:00Z')).toEqual([['reminder', '2031-03-05T15:00:00.000Z']])
    // Agreed on Wednesday at 06:00 for Thursday: a confirmation would leave no room for the 09:00 reminder, this does.
    expect(agreed('2031-03-05T12:00:00Z')).toEqual([['reminder', '2031-03-05T15:00:00.000Z']])
    expect(plan('2031-03-05T12:00:00Z', '2031-03-06T15:00:00Z').map(([kind]) => kind)).toEqual(['confirmation'])
    expect(agreed('2031-03-03T16:00:00Z', { send_reminders: false })).toEqual([])
  })

  it('sends at most follow_up_max follow-ups, follow_up_after_hours apart, and none when the cap is 0', () => {
    const far = plan('2031-03-03T16:00:00Z', '2031-03-20T15:00:00Z', { follow_up_after_hours: 36, follow_up_max: 3 })
    expect(far.filter(([kind]) => kind === 'follow_up')).toEqual([
      ['follow_up', '2031-03-05T04:00:00.000Z'],
      ['follow_up', '2031-03-06T16:00:00.000Z'],
      ['follow_up', '2031-03-08T04:00:00.000Z'],
    ])
    expect(plan('2031-03-03T16:00:00Z', '2031-03-20T15:00:00Z', { follow_up_max: 0 }).map(([kind]) => kind)).toEqual([
      'confirmation',
      'reminder',
    ])
  })

  it('keeps the reminder at the wall-clock time across daylight saving changes', () => {
    // Chicago springs forward on Sunday 2031-03-09 and falls back on Sunday 2031-11-02.
    const reminderOf = (start: string, time = '09:00') =>
      plan('2031-02-01T12:00:00Z', start, { reminder_time: time }).find(([k]) => k === 'reminder')?.[1]
    expect(reminderOf('2031-03-10T14:00:00Z')).toBe('2031-03-09T14:00:00.000Z') // Mon 09:00 CDT; reminder Sun 09:00 CDT
    expect(reminderOf('2031-03-09T15:00:00Z')).toBe('2031-03-08T15:00:00.000Z') // Sun 10:00 CDT; reminder Sat 09:00 CST
    expect(reminderOf('2031-11-03T15:00:00Z')).toBe('2031-11-02T15:00:00.000Z') // Mon 09:00 CST; reminder Sun 09:00 CST
    expect(reminderOf('2031-11-02T15:00:00Z')).toBe('2031-11-01T14:00:00.000Z') // Sun 09:00 CST; reminder Sat 09:00 CDT
    expect(reminderOf('2031-03-10T14:00:00Z', '18:30')).toBe('2031-03-09T23:30:00.000Z')
    // "The day before" is the calendar day in the business zone, not in UTC.
    expect(reminderOf('2031-03-12T05:30:00Z')).toBe('2031-03-11T14:00:00.000Z') // Wed 00:30 CDT; reminder Tue 09:00 CDT
    expect(plan('2031-02-01T12:00:00Z', '2031-03-12T05:30:00Z', { timezone: 'Asia/Tokyo' }).find(([k]) => k === 'reminder')?.[1]).toBe(
      '2031-03-11T00:00:00.000Z',
    ) // Wed 14:30 JST; reminder Tue 09:00 JST
  })

  it('leaves the reminder out when its time has passed or it would come right after the confirmation', () => {
    // Booked Monday 10:00 for Tuesday: Monday 09:00 has passed.
    expect(plan('2031-03-03T16:00:00Z', '2031-03-04T15:00:00Z').map(([k]) => k)).toEqual(['confirmation'])
    // Booked Monday 07:00 for Tuesday: the reminder would follow the confirmation within two hours.
    expect(plan('2031-03-03T13:00:00Z', '2031-03-04T15:00:00Z').map(([k]) => k)).toEqual(['confirmation'])
    // Without a confirmation the same reminder is the only email and goes out.
    expect(plan('2031-03-03T13:00:00Z', '2031-03-04T15:00:00Z', { send_confirmations: false })).toEqual([
      ['reminder', '2031-03-03T15:00:00.000Z'],
    ])
    // Booked Sunday 20:00 for Tuesday: Monday 09:00 is 13 hours later, so it goes.
    expect(plan('2031-03-03T02:00:00Z', '2031-03-04T15:00:00Z', { follow_up_max: 0 }).map(([k]) => k)).toEqual(['confirmation', 'reminder'])
  })

  it('without reminders, follows up until 12 hours before the start; nothing at all for a past appointment or with both off', () => {
    expect(plan('2031-03-03T16:00:00Z', '2031-03-06T03:00:00Z', { send_reminders: false, follow_up_max: 5 })).toEqual([
      ['confirmation', '2031-03-03T16:00:00.000Z'],
      ['follow_up', '2031-03-04T16:00:00.000Z'],
    ])
    expect(plan('2031-03-03T16:00:00Z', '2031-03-03T15:00:00Z')).toEqual([])
    expect(plan('2031-03-03T16:00:00Z', '2031-03-20T15:00:00Z', { send_confirmations: false, send_reminders: false })).toEqual([])
  })
})
