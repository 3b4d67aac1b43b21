import { z } from 'zod'
import { timestamp } from '../../kernel/output-types.js'
import type { DayVisit } from './day.js'
import { directionsTo, type MapsPlace } from './maps-link.js'
import { type RouteMetric, STRAIGHT_LINE } from './metric.js'
import type { Point } from './planner.js'

/** One stop of a planned day. */
export const ROUTE_STOP = z.object({
  position: z.number().int(),
  ticket_id: z.uuid(),
  number: z.number().int(),
  contact_name: z.string(),
  scheduled_start: timestamp,
  scheduled_end: timestamp,
  anytime: z.boolean().describe('Marked anytime by the owner: the plan may move it within the day'),
  window: z
    .object({ from: z.string(), to: z.string() })
    .nullable()
    .describe('For an anytime visit taken within a window of its day: the local times (HH:MM) the plan keeps it between'),
  address: z.string().nullable(),
  located: z.enum(['pin', 'zip', 'town', 'none']).describe("Where its point comes from: its pin, its ZIP code's or town's middle, or none"),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  meters_from_previous: z.number().int().nullable(),
  directions_url: z.string().describe("Opens the phone's maps with driving directions to the visit"),
})

/** The stops of a day in the given order, each with its leg from the one before (meters only) and where the maps go. */
export function stopsOf(
  ordered: readonly DayVisit[],
  current: readonly DayVisit[],
  start: Point | null,
  measure: 'meters' | 'zip_and_town',
  metric: RouteMetric = STRAIGHT_LINE,
): Array<z.infer<typeof ROUTE_STOP> & { order_changed: boolean; maps_place: MapsPlace }> {
  let previous: Point | null = start
  return ordered.map((v, i) => {
    const point = pointOf(v)
    const leg = measure === 'meters' && point && previous ? Math.round(metric.meters(previous, point)) : null
    if (point) previous = point
    return {
      position: i + 1,
      ticket_id: v.ticket_id,
      number: v.number,
      contact_name: v.contact_name,
      scheduled_start: new Date(v.scheduled_start).toISOString(),
      scheduled_end: new Date(v.scheduled_end).toISOString(),
      anytime: v.anytime,
      window: v.anytime && v.window_from && v.window_to ? { from: v.window_from, to: v.window_to } : null,
      order_changed: current[i] !== v,
      address: addressLine(v),
      located: v.located,
      latitude: v.latitude,
      longitude: v.longitude,
      meters_from_previous: leg,
      directions_url: directionsTo(mapsPlaceOf(v)),
      maps_place: mapsPlaceOf(v),
    }
  })
}

/** A visit's point: its pin, or its ZIP code's or town's middle. */
export function pointOf(v: DayVisit): Point | null {
  return v.latitude === null || v.longitude === null ? null : { latitude: v.latitude, longitude: v.longitude }
}

/** Where the maps go for a visit: its pin, else its address in words (the phone's maps find it). */
export function mapsPlaceOf(v: DayVisit): MapsPlace {
  return v.located === 'pin' ? (pointOf(v) as Point) : (addressLine(v) ?? v.contact_name)
}

/** An address on one line: "12 Oak St, Huntsville, AL 35801"; null for a visit without one. */
export function addressLine(v: DayVisit): string | null {
  if (!v.line1) return null
  return [v.line1, v.city, [v.state, v.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ')
}
