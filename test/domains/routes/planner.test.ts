import { describe, expect, it } from 'vitest'
import { directionsTo, routeLink } from '../../../core/domains/routes/maps-link.js'
import { STRAIGHT_LINE } from '../../../core/domains/routes/metric.js'
import { metersBetween, movableUnder, planRoute, type PlanStop, routeCost } from '../../../core/domains/routes/planner.js'
import { timesFor } from '../../../core/domains/routes/timing.js'

const HOUR = 3_600_000
const MINUTE = 60_000
const DAY = Date.parse('2031-03-04T08:00:00Z')
const home = { latitude: 34.7, longitude: -86.6 }

/** A stop on the line of latitude 34.7, at a longitude, booked at an hour of the day for 45 minutes. */
function stop(id: string, longitude: number | null, hour: number, fixed = false, zip: string | null = null): PlanStop {
  return {
    id,
    fixed,
    start: DAY + hour * HOUR,
    end: DAY + hour * HOUR + 0.75 * HOUR,
    place: { point: longitude === null ? null : { latitude: 34.7, longitude }, zip, town: zip ? 'huntsville, AL' : null },
  }
}

const ids = (stops: PlanStop[]) => stops.map((s) => s.id)

describe('planning a day', () => {
  it('measures meters along the earth as the SQL function does', () => {
    expect(metersBetween({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 })).toBeCloseTo(111_195, -1)
    expect(metersBetween(home, home)).toBe(0)
  })

  it('puts anytime visits in driving order around a fixed one, and says the meters before and after', () => {
    const stops = [stop('D', -86.2, 0), stop('A', -86.5, 1), stop('C', -86.3, 2), stop('B', -86.4, 3), stop('F', -86.45, 5, true)]
    const plan = planRoute({ home, stops, open: DAY, close: DAY + 9 * HOUR })
    expect(plan.measure).toBe('meters')
    // Out along one road and back: A to D in order, the fixed visit where it costs nothing (before B or last).
    expect(ids(plan.order).filter((id) => id !== 'F')).toEqual(['A', 'B', 'C', 'D'])
    const degree = metersBetween({ latitude: 34.7, longitude: 0 }, { latitude: 34.7, longitude: 1 })
    expect(plan.before).toBeCloseTo(1.2 * degree, -2)
    expect(plan.after).toBeCloseTo(0.8 * degree, -2)
    expect(plan.after).toBeCloseTo(routeCost('meters', home, plan.order), 6)
  })

  it('keeps fixed visits in their time order and fits anytime ones only where the hours hold them', () => {
    // Fixed at 09:00 far east and 10:00 back west: one free hour before (room for one visit), the rest after.
    const stops = [
      stop('F1', -86.2, 1, true),
      stop('F2', -86.55, 2, true),
      stop('E1', -86.21, 4),
      stop('E2', -86.22, 5),
      stop('W', -86.56, 6),
    ]
    const plan = planRoute({ home, stops, open: DAY, close: DAY + 9 * HOUR })
    const order = ids(plan.order)
    expect(order.indexOf('F1')).toBeLessThan(order.indexOf('F2'))
    expect(order.slice(0, order.indexOf('F1')).length).toBeLessThanOrEqual(1)
    expect(plan.overHours).toEqual([])
    expect(plan.after).toBeLessThan(plan.before)
  })

  it('keeps a visit taken within a window in the part of the day its window covers', () => {
    // Fixed at 11:00 beside home and at 14:00 far east. W lives beside the 14:00 visit, but its customer takes it 08:00 to
    // 10:00: from there the drive back west (about 68 minutes) still reaches the 11:00 visit.
    const windowed = { ...stop('W', -86.21, 4), window: { from: DAY, to: DAY + 2 * HOUR } }
    const stops = [stop('F1', -86.59, 3, true), stop('F2', -86.2, 6, true), windowed]
    const free = planRoute({ home, stops: stops.map((s) => ({ ...s, window: null })), open: DAY, close: DAY + 9 * HOUR })
    expect(ids(free.order).indexOf('W')).toBeGreaterThan(ids(free.order).indexOf('F1'))
    const kept = planRoute({ home, stops, open: DAY, close: DAY + 9 * HOUR })
    expect(ids(kept.order)).toEqual(['W', 'F1', 'F2'])
    expect(kept.overHours).toEqual([])
    // A window too narrow for two visits takes one; the other goes where its own window allows.
    const early = (id: string, longitude: number) => ({ ...stop(id, longitude, 6), window: { from: DAY, to: DAY + HOUR } })
    const two = planRoute({
      home,
      stops: [stop('F', -86.59, 3, true), early('X', -86.2), early('Y', -86.21)],
      open: DAY,
      close: DAY + 9 * HOUR,
    })
    expect(two.overHours).toHaveLength(1)
  })

  it('says which anytime visit fits no gap, and keeps it near its booked time', () => {
    const long = { ...stop('L', -86.3, 2), end: DAY + 2 * HOUR + 8 * HOUR }
    const plan = planRoute({ home, stops: [stop('F', -86.4, 1, true), long, stop('A', -86.5, 3)], open: DAY, close: DAY + 9 * HOUR })
    expect(ids(plan.order)).toContain('L')
    expect(plan.order.length).toBe(3)
  })

  it('keeps the order it was given when no plan drives less', () => {
    const stops = [stop('A', -86.5, 0), stop('B', -86.4, 1), stop('C', -86.3, 2)]
    const plan = planRoute({ home, stops, open: DAY, close: DAY + 9 * HOUR })
    expect(ids(plan.order)).toEqual(['A', 'B', 'C'])
    expect(plan.after).toBe(plan.before)
  })

  it('groups visits by ZIP code and town when fewer than two have points, and leaves the unplaced at their times', () => {
    const stops = [
      stop('x1', null, 0, false, '35801'),
      stop('y1', null, 1, false, '35806'),
      stop('x2', null, 2, false, '35801'),
      stop('nowhere', null, 3),
      stop('y2', null, 4, false, '35806'),
    ]
    const plan = planRoute({ home, stops, open: DAY, close: DAY + 9 * HOUR })
    expect(plan.measure).toBe('zip_and_town')
    const order = ids(plan.order)
    expect(Math.abs(order.indexOf('x1') - order.indexOf('x2'))).toBe(1)
    expect(Math.abs(order.indexOf('y1') - order.indexOf('y2'))).toBe(1)
    expect(plan.after).toBeLessThan(plan.before)
  })

  it("links the phone's maps to a visit and to the whole day", () => {
    expect(directionsTo({ latitude: 34.7, longitude: -86.5 })).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=34.700000%2C-86.500000&travelmode=driving',
    )
    expect(directionsTo('12 Oak St, Huntsville, AL 35801')).toContain('destination=12%20Oak%20St%2C%20Huntsville%2C%20AL%2035801')
    const link = routeLink(home, [{ latitude: 34.7, longitude: -86.5 }, 'Elm St'])
    expect(link).toBe(
      'https://www.google.com/maps/dir/?api=1&origin=34.700000%2C-86.600000&destination=34.700000%2C-86.600000' +
        '&waypoints=34.700000%2C-86.500000%7CElm%20St&travelmode=driving',
    )
    expect(routeLink(null, [])).toBeNull()
    const many = routeLink(
      home,
      Array.from({ length: 12 }, (_, i) => ({ latitude: 34.7, longitude: -86.5 + i / 100 })),
    )
    expect(decodeURIComponent(new URL(many as string).searchParams.get('waypoints') as string).split('|')).toHaveLength(9)
  })
})

describe('timing a planned day', () => {
  it('leaves room for the drive between visits: an anytime visit goes only where it can be reached in time', () => {
    // F1 09:00–09:45 at home, F2 10:30 far east (34.8 km away, about 68 minutes of driving): nothing fits between them.
    const far = stop('X', -86.25, 6)
    const plan = planRoute({
      home,
      stops: [stop('F1', -86.59, 1, true), stop('F2', -86.2, 2.5, true), far],
      open: DAY,
      close: DAY + 9 * HOUR,
    })
    expect(ids(plan.order)).toEqual(['F1', 'F2', 'X'])
  })

  it('keeps a booked time that still fits, else starts as soon as the drive allows, on the next five minutes', () => {
    const stops = [stop('F', -86.5, 1, true), stop('A', -86.4, 5), stop('B', -86.45, 2)]
    const plan = planRoute({ home, stops, open: DAY, close: DAY + 9 * HOUR })
    expect(ids(plan.order)).toEqual(['F', 'B', 'A'])
    const times = timesFor(plan.order, movableUnder(plan.measure), plan.measure, STRAIGHT_LINE, {
      open: DAY,
      close: DAY + 9 * HOUR,
      now: 0,
    })
    // B keeps 10:00; A, booked 13:00 after B, is still reachable then and keeps it too.
    expect(times.get('B')).toEqual({ start: DAY + 2 * HOUR, end: DAY + 2.75 * HOUR, late: false })
    expect(times.get('A')?.start).toBe(DAY + 5 * HOUR)
    // Booked at 08:00, gone by now (08:30): A follows F, ending 09:45, and the drive from F (4.6 km, 9 minutes) makes it 09:55.
    const early = [stop('F', -86.5, 1, true), stop('A', -86.45, 0)]
    const moved = planRoute({ home, stops: early, open: DAY, close: DAY + 9 * HOUR, now: DAY + 0.5 * HOUR })
    const t = timesFor(moved.order, movableUnder(moved.measure), moved.measure, STRAIGHT_LINE, {
      open: DAY,
      close: DAY + 9 * HOUR,
      now: DAY + 0.5 * HOUR,
    })
    expect(ids(moved.order)).toEqual(['F', 'A'])
    expect(t.get('A')).toEqual({ start: DAY + 115 * MINUTE, end: DAY + 160 * MINUTE, late: false })
  })
})
