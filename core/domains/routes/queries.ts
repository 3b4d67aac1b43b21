import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { notFound, validationError } from '../../kernel/errors.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { dayRange, localDate } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { resolveTechnician } from '../users/technician-refs.js'
import { startOf, visitsOfDay } from './day.js'
import { routeLink } from './maps-link.js'
import { ROUTE_STOP, stopsOf } from './stops.js'

/** A technician's visits of a day still to do, in route order: the last plan's, else time order. */
export const routeStopsQuery = defineQuery({
  type: 'route_stops',
  phrases: [
    "a technician's route for the day",
    'in what order are the visits',
    'directions to the next visit',
    'route',
    'driving order',
    'directions',
    'maps',
  ],
  description:
    "A technician's visits of a day still to do, in route order (the last route.plan's; time order before any plan), each " +
    "with its directions link; the first item's route_url opens the whole day in the phone's maps. technician_id (id or name; without it, every technician's route that day, one after the other; " +
    "a technician reads their own), date (YYYY-MM-DD, default today). By id (a ticket id): that visit's stop " +
    'on its day. To reorder, use route.plan.',
  access: { agent: 'unrestricted', technician: 'assigned', assignedFilter: 'technician_id', idEntity: 'ticket' },
  params: z.object({ technician_id: z.string().trim().min(1).max(200).optional(), date: isoDate().optional() }),
  record: ROUTE_STOP.extend({
    id: z.uuid().describe("The visit's ticket id, as ticket_id"),
    technician_id: z.uuid(),
    technician_name: z.string(),
    route_url: z.string().nullable().describe("The whole day in the phone's maps (on the first stop only)"),
  }),
  async run(ctx, req) {
    const settings = await loadTenantSettings(ctx.db)
    // By id, the visit's own day and (unless given) its first technician.
    const visit = req.id ? await visitDay(ctx.db, req.id, settings.timezone) : null
    if (req.id && !visit) throw notFound('ticket', req.id)
    const date = req.params.date ?? visit?.date ?? localDate(ctx.services.now(), settings.timezone)
    const ref = req.params.technician_id ?? visit?.technician_id
    if (req.id && !ref) {
      throw validationError([{ field: 'technician_id', message: `ticket ${req.id} has no technician on it: give technician_id` }])
    }
    const team = ref ? [await resolveTechnician(ctx.db, ref, 'technician_id')] : await techniciansOfDay(ctx.db, date, settings.timezone)
    const items = []
    for (const technician of team) {
      const visits = await visitsOfDay(ctx.db, technician.id, date, settings.timezone)
      const start = await startOf(ctx.db, technician.id)
      const stops = stopsOf(visits, visits, start, 'meters')
      const url = routeLink(
        start,
        stops.map((s) => s.maps_place),
      )
      items.push(
        ...stops.map(({ maps_place, order_changed, ...s }, i) => ({
          id: s.ticket_id,
          technician_id: technician.id,
          technician_name: technician.name,
          ...s,
          route_url: i === 0 ? url : null,
        })),
      )
    }
    // By id: that visit's stop on the day asked for.
    return { items: req.id ? items.filter((s) => s.ticket_id === req.id) : items, next_cursor: null }
  },
})

/** The team members with visits still to do on a day, in name order. */
async function techniciansOfDay(db: Queryable, date: string, timeZone: string): Promise<Array<{ id: string; name: string }>> {
  const { start, end } = dayRange(date, timeZone)
  const r = await db.query<{ id: string; name: string }>(
    `select u.id, u.name from users u
      where exists (select 1 from ticket_technicians tt join tickets t on t.id = tt.ticket_id
                     where tt.user_id = u.id and t.scheduled_start >= $1 and t.scheduled_start < $2
                       and t.status in ('scheduled', 'confirmed', 'in_progress'))
      order by lower(u.name), u.id`,
    [start, end],
  )
  return r.rows
}

/** A visit's day in the business's zone and its first technician (by name order), or null for no such visit. */
async function visitDay(db: Queryable, ticketId: string, timeZone: string): Promise<{ date: string; technician_id: string | null } | null> {
  const r = await db.query<{ scheduled_start: Date; technician_id: string | null }>(
    `select t.scheduled_start, (select tt.user_id from ticket_technicians tt join users u on u.id = tt.user_id
        where tt.ticket_id = t.id order by u.name, u.id limit 1) as technician_id
       from tickets t where t.id = $1`,
    [ticketId],
  )
  const row = r.rows[0]
  return row ? { date: localDate(new Date(row.scheduled_start), timeZone), technician_id: row.technician_id } : null
}
