import { z } from 'zod'
import { integrationOf } from '../../kernel/plug-in.js'
import type { OperationContext } from '../../kernel/context.js'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { page } from '../../vocabulary/places.js'
import { clockOfDay } from '../../kernel/schema-types.js'
import type { Geocoder } from '../geocoding/geocoder.js'
import { GeocoderError } from '../geocoding/geocoder.js'
import { resolveTechnician, technicianRef } from '../users/technician-refs.js'
import { ROUTE_START_COLUMNS, ROUTE_START_RECORD, ROUTE_START_TABLE } from './starts.js'

/** Marks a visit as anytime (the plan may move it within its day, or within a window of it) or back to its fixed time. */
export const markVisitAnytime = defineAction({
  key: 'route.mark_anytime',
  example: { ticket_id: '00000000-0000-4000-8000-000000000001', anytime: true, between: { from: '09:00', to: '12:00' } },
  phrases: [
    'the customer does not mind what time',
    'any time that day is fine',
    'any time between 9 and noon',
    'let the route decide the time',
  ],
  title: 'Mark a visit anytime',
  place: page('/routes', 'press Anytime beside the visit, or give its window'),
  words: { phrase: 'mark visits the customer takes at any time of their day' },
  description:
    'Mark a visit anytime: the customer takes it at any time of its day, or, with between {from, to} (local HH:MM), at any ' +
    "time within that window, so route.plan may move it in the technician's order (within the window). anytime=false fixes " +
    'it at its booked time again. Only visits still to do; the booked time itself is unchanged.',
  // The customer was told a time: only the owner's word, or an agent's reasoning the owner reads, makes it any time.
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    ticket_id: z.uuid(),
    anytime: z.boolean().default(true),
    between: z
      .strictObject({ from: clockOfDay(), to: clockOfDay() })
      .optional()
      .describe('The window of its day the customer takes it in; left out: any time of the day'),
  }),
  output: z.object({
    ticket_id: z.uuid(),
    number: z.number().int(),
    anytime: z.boolean(),
    between: z.object({ from: z.string(), to: z.string() }).nullable(),
  }),
  async run(ctx, input) {
    const r = await ctx.db.query<{
      id: string
      number: number
      status: string
      anytime: boolean
      minutes: number
      window_from: string | null
      window_to: string | null
    }>(
      `select t.id, t.number, t.status, coalesce(rs.anytime, false) as anytime,
              extract(epoch from t.scheduled_end - t.scheduled_start)::int / 60 as minutes,
              to_char(rs.window_from, 'HH24:MI') as window_from, to_char(rs.window_to, 'HH24:MI') as window_to
         from tickets t left join route_stops rs on rs.ticket_id = t.id where t.id = $1 for update of t`,
      [input.ticket_id],
    )
    const ticket = r.rows[0]
    if (!ticket) throw notFound('ticket', input.ticket_id)
    if (!['scheduled', 'confirmed'].includes(ticket.status)) {
      throw new AppError(
        'CONFLICT',
        `ticket #${ticket.number} is ${ticket.status.replace('_', ' ')}: only a visit not yet started can be anytime`,
        {
          field: 'ticket_id',
          status: ticket.status,
        },
      )
    }
    const between = input.anytime ? (input.between ?? null) : null
    if (input.between && !input.anytime)
      throw validationError([{ field: 'data.between', message: 'is for an anytime visit: leave it out with anytime false' }])
    if (between && minutesOf(between.to) - minutesOf(between.from) < ticket.minutes) {
      throw validationError([
        { field: 'data.between', message: `must be at least the visit's ${ticket.minutes} minutes long, from earlier to later` },
      ])
    }
    const before = { anytime: ticket.anytime, between: ticket.window_from ? { from: ticket.window_from, to: ticket.window_to } : null }
    if (JSON.stringify(before) !== JSON.stringify({ anytime: input.anytime, between })) {
      await ctx.db.query(
        `insert into route_stops (tenant_id, ticket_id, anytime, window_from, window_to) values ($1, $2, $3, $4, $5)
         on conflict (tenant_id, ticket_id) do update set anytime = excluded.anytime, window_from = excluded.window_from,
           window_to = excluded.window_to`,
        [ctx.tenantId, ticket.id, input.anytime, between?.from ?? null, between?.to ?? null],
      )
      await ctx.audit({
        entityType: 'ticket',
        entityId: ticket.id,
        action: input.anytime ? 'mark_anytime' : 'mark_fixed_time',
        before,
        after: { anytime: input.anytime, between },
      })
    }
    return { ticket_id: ticket.id, number: ticket.number, anytime: input.anytime, between }
  },
})

/** Minutes since midnight of an HH:MM time. */
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

const label = z.string().trim().min(1).max(200)

/** Sets where routes start and end: the business's home base, or one technician's own start. */
export const setRouteStart = defineAction({
  key: 'route.set_start',
  example: { label: 'The shop', line1: '100 Church St SW', city: 'Huntsville', state: 'AL', postal_code: '35801' },
  phrases: ['set the home base', 'where the vans start in the morning', 'a technician starts from home'],
  title: 'Set where routes start',
  place: page('/routes', "fill in Home base, or a technician's own start"),
  words: { phrase: "set the business's home base and technicians' starts" },
  description:
    "Set where a day's route starts and ends: the business's home base (no technician_id), or one technician's own start " +
    '(technician_id: their id or name). Give the place as latitude and longitude, or as a US street address (line1, city, state, ' +
    'postal_code) the geocoder looks up now. label names it ("The shop").',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z
    .strictObject({
      technician_id: technicianRef.optional().describe("A technician's own start; omitted: the business's home base"),
      label,
      latitude: z.number().min(-90).max(90).optional(),
      longitude: z.number().min(-180).max(180).optional(),
      line1: z.string().trim().min(1).max(200).optional(),
      city: z.string().trim().max(100).optional(),
      state: z.string().trim().max(50).optional(),
      postal_code: z.string().trim().max(20).optional(),
    })
    .superRefine((v, issues) => {
      const point = v.latitude !== undefined || v.longitude !== undefined
      if (point && (v.latitude === undefined || v.longitude === undefined)) {
        issues.addIssue({
          code: 'custom',
          path: [v.latitude === undefined ? 'latitude' : 'longitude'],
          message: 'give latitude and longitude together',
        })
      }
      if (!point && v.line1 === undefined) {
        issues.addIssue({ code: 'custom', path: ['line1'], message: 'expected latitude and longitude, or a street address from line1' })
      }
    }),
  output: ROUTE_START_RECORD,
  async run(ctx, input) {
    const userId =
      input.technician_id === undefined ? null : (await resolveTechnician(ctx.db, input.technician_id, 'data.technician_id')).id
    const point =
      input.latitude !== undefined && input.longitude !== undefined
        ? { latitude: input.latitude, longitude: input.longitude }
        : await lookUp(ctx, input as Required<Pick<typeof input, 'line1'>> & typeof input)
    const before = await ctx.db.query<Record<string, unknown>>(
      `select ${ROUTE_START_COLUMNS} from route_starts where user_id is not distinct from $1 for update`,
      [userId],
    )
    const r = await ctx.db.query<Record<string, unknown>>(
      `insert into route_starts (tenant_id, user_id, label, latitude, longitude) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, user_id) do update set label = excluded.label, latitude = excluded.latitude, longitude = excluded.longitude
       returning ${ROUTE_START_COLUMNS}`,
      [ctx.tenantId, userId, input.label, point.latitude, point.longitude],
    )
    const after = r.rows[0]
    await ctx.audit({
      entityType: ROUTE_START_TABLE.entity,
      entityId: String(after.id),
      action: before.rows[0] ? 'update' : 'create',
      before: before.rows[0] ?? null,
      after,
    })
    return after
  },
})

/** Looks a start's street address up with the geocoder, now; a clear error when it is off, finds nothing or cannot answer. */
async function lookUp(
  ctx: OperationContext,
  address: { line1: string; city?: string; state?: string; postal_code?: string },
): Promise<{ latitude: number; longitude: number }> {
  const geocoder = integrationOf<Geocoder>(ctx.services, 'geocoding')
  if (!geocoder) {
    throw validationError([{ field: 'line1', message: 'geocoding is off (CRM_GEOCODER=off): give latitude and longitude instead' }])
  }
  try {
    const [answer] = await geocoder.locate([
      {
        id: 'start',
        line1: address.line1,
        city: address.city ?? '',
        state: address.state ?? '',
        postal_code: address.postal_code ?? '',
        country: 'US',
      },
    ])
    if (answer?.found) return { latitude: answer.latitude, longitude: answer.longitude }
    throw validationError([
      { field: 'line1', message: `${answer?.note ?? 'the geocoder found no match'}; check the address, or give latitude and longitude` },
    ])
  } catch (e) {
    if (e instanceof GeocoderError)
      throw new AppError('UNAVAILABLE', `${e.message}; give latitude and longitude instead`, { field: 'line1' })
    throw e
  }
}

/** Removes a technician's own start: their routes start at the business's home base again. */
export const removeRouteStart = defineAction({
  key: 'route.remove_start',
  example: { technician_id: 'Sam' },
  phrases: ['a technician starts from the shop again'],
  title: "Remove a technician's own start",
  place: page('/routes', "press Remove beside the technician's start"),
  words: { phrase: "remove a technician's own start" },
  description: "Remove a technician's own start (technician_id: their id or name): their routes start at the business's home base again.",
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ technician_id: technicianRef }),
  output: z.object({ technician_id: z.uuid(), removed: z.boolean() }),
  async run(ctx, input) {
    const technician = await resolveTechnician(ctx.db, input.technician_id, 'data.technician_id')
    const r = await ctx.db.query<Record<string, unknown>>(`delete from route_starts where user_id = $1 returning ${ROUTE_START_COLUMNS}`, [
      technician.id,
    ])
    if (r.rows[0]) {
      await ctx.audit({
        entityType: ROUTE_START_TABLE.entity,
        entityId: String(r.rows[0].id),
        action: 'delete',
        before: r.rows[0],
        after: null,
      })
    }
    return { technician_id: technician.id, removed: r.rows.length > 0 }
  },
})
