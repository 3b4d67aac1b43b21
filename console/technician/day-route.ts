import { callQuery } from '../../core/kernel/call-query.js'
import { routeStopsQuery } from '../../core/domains/routes/queries.js'
import type { RouteStopView } from '../schedule-views.js'
import { callerOf, type PageCall, type TicketView } from './context.js'

/** A technician's day as its route has it: each visit's stop, in order, and the whole day's maps link. */
export interface DayRoute {
  stops: Map<string, RouteStopView & { position: number }>
  url: string | null
}

/** The signed-in technician's route for a day, or null for an owner (whose Today lists everyone) or a day without visits. */
export async function routeOf(call: PageCall, date: string): Promise<DayRoute | null> {
  const actor = call.session.actor
  if (actor.type !== 'user' || actor.role !== 'technician') return null
  const page = await callQuery(callerOf(call), routeStopsQuery, { params: { date } })
  if (!page.items.length) return null
  return { stops: new Map(page.items.map((s) => [s.ticket_id, s])), url: page.items[0].route_url }
}

/** The day's tickets in route order: its stops first, in their places, then the rest (done or cancelled) in time order. */
export function inRouteOrder(tickets: TicketView[], stops: DayRoute['stops']): TicketView[] {
  const place = (t: TicketView) => stops.get(t.id)?.position ?? Number.MAX_SAFE_INTEGER
  return [...tickets].sort((a, b) => place(a) - place(b))
}
