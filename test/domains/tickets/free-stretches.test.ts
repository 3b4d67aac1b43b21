import { describe, expect, it } from 'vitest'
import { freeStretches } from '../../../core/domains/tickets/free-time.js'

const at = (time: string) => new Date(`2031-03-04T${time}:00Z`)
const stretches = (busy: Array<[string, string]>, notBefore = '00:00') =>
  freeStretches({
    dates: ['2031-03-04'],
    hours: {
      sun: [],
      mon: [],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      tue: [
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ],
    },
    timeZone: 'UTC',
    busy: busy.map(([start, end]) => ({ start: at(start), end: at(end) })),
    notBefore: at(notBefore),
  }).map((s) => [s.start.toISOString().slice(11, 16), s.end.toISOString().slice(11, 16)])

describe('free stretches of business hours', () => {
  it('are the opening periods less busy time, a busy time that only touches an edge leaving it whole', () => {
    expect(
      stretches([
        ['09:00', '10:00'],
        ['09:30', '10:30'],
        ['12:00', '13:00'],
        ['16:00', '18:00'],
      ]),
    ).toEqual([
      ['08:00', '09:00'],
      ['10:30', '12:00'],
      ['13:00', '16:00'],
    ])
  })

  it('never start before notBefore', () => {
    expect(stretches([], '11:15')).toEqual([
      ['11:15', '12:00'],
      ['13:00', '17:00'],
    ])
    expect(stretches([], '18:00')).toEqual([])
  })
})
