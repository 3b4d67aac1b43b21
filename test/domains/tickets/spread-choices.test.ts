import { describe, expect, it } from 'vitest'
import { partOfDayAt } from '../../../core/domains/tickets/part-of-day.js'
import { type Choice, spreadChoices } from '../../../core/domains/tickets/spread-choices.js'

/** A choice at a wall-clock "YYYY-MM-DD HH:MM", read as UTC so the test needs no time zone. */
const at = (stamp: string, who = 'tess'): Choice & { who: string } => ({
  start: new Date(`${stamp.replace(' ', 'T')}:00Z`),
  day: stamp.slice(0, 10),
  part: partOfDayAt(stamp.slice(11)),
  who,
})
/** Every start from..to every 30 minutes on a day, earliest first. */
const dayOf = (day: string, from = '08:00', to = '19:30') => {
  const out: ReturnType<typeof at>[] = []
  for (let m = Number(from.slice(0, 2)) * 60 + Number(from.slice(3)); m <= Number(to.slice(0, 2)) * 60 + Number(to.slice(3)); m += 30)
    out.push(at(`${day} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`))
  return out
}
const stamps = (cs: Choice[]) => cs.map((c) => c.start.toISOString().slice(0, 16).replace('T', ' '))

describe('spreadChoices', () => {
  const week = [...dayOf('2026-11-02', '12:00'), ...dayOf('2026-11-03'), ...dayOf('2026-11-05'), ...dayOf('2026-11-06')]

  it('gives each of the first days its best time while there are more days than asked for', () => {
    expect(stamps(spreadChoices(week, 3))).toEqual(['2026-11-02 12:00', '2026-11-03 08:00', '2026-11-05 08:00'])
  })

  it('when the days run out, gives each day a part of the day it has none in, before any day gets two in one part', () => {
    expect(stamps(spreadChoices(week, 6))).toEqual([
      '2026-11-02 12:00',
      '2026-11-02 17:00',
      '2026-11-03 08:00',
      '2026-11-03 12:00',
      '2026-11-05 08:00',
      '2026-11-06 08:00',
    ])
    const all = spreadChoices(week, 11)
    expect(new Set(all.map((c) => `${c.day} ${c.part}`)).size).toBe(11)
  })

  it('doubles up only once every day and part has a time, then far from the times already on that day', () => {
    const friday = dayOf('2026-11-06', '08:00', '11:30')
    expect(stamps(spreadChoices(friday, 3))).toEqual(['2026-11-06 08:00', '2026-11-06 09:30', '2026-11-06 11:30'])
    const twoDays = [...dayOf('2026-11-06', '08:00', '09:00'), ...dayOf('2026-11-09', '14:00', '16:00')]
    expect(stamps(spreadChoices(twoDays, 4))).toEqual(['2026-11-06 08:00', '2026-11-06 09:00', '2026-11-09 14:00', '2026-11-09 16:00'])
  })

  it('takes the days in the order of their best choice and each its best, as ranked (driving), answering in time order', () => {
    // Ranked best first: Thursday 15:00, then Tuesday 10:00, then the rest by time.
    const ranked = [
      at('2026-11-05 15:00'),
      at('2026-11-03 10:00'),
      ...week.filter((c) => !['2026-11-05 15:00', '2026-11-03 10:00'].includes(stamps([c])[0])),
    ]
    expect(stamps(spreadChoices(ranked, 2))).toEqual(['2026-11-03 10:00', '2026-11-05 15:00'])
    expect(stamps(spreadChoices(ranked, 3))).toEqual(['2026-11-02 12:00', '2026-11-03 10:00', '2026-11-05 15:00'])
  })

  it('counts two technicians free at one start once, keeping the better, and answers fewer when there are fewer', () => {
    const both = [at('2026-11-06 08:00', 'tess'), at('2026-11-06 08:00', 'theo'), at('2026-11-06 13:00', 'theo')]
    expect(spreadChoices(both, 3).map((c) => `${stamps([c])[0]} ${c.who}`)).toEqual(['2026-11-06 08:00 tess', '2026-11-06 13:00 theo'])
    expect(spreadChoices([], 3)).toEqual([])
  })
})
