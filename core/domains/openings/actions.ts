import { z } from 'zod'
import { notFound } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'

/** Hides an opening from schedule_openings, Home and daily_briefing: the owner keeps the time free on purpose. */
export const dismissOpening = defineAction({
  key: 'schedule_opening.dismiss',
  example: { opening_id: '00000000-0000-4000-8000-000000000001' },
  phrases: ['leave that opening free', 'do not fill that slot'],
  title: 'Leave an opening free',
  place: page('/openings', 'press Leave it free under the opening'),
  words: { phrase: 'leave an opening in the schedule unfilled' },
  description:
    'Hide an opening (schedule_openings id) from schedule_openings, Home and daily_briefing: the time stays free and nobody is offered it.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ opening_id: z.uuid() }),
  output: z.object({ opening_id: z.uuid(), dismissed: z.boolean() }),
  async run(ctx, input) {
    const r = await ctx.db.query<{ id: string; dismissed_at: Date | null }>(
      'select id, dismissed_at from schedule_openings where id = $1 for update',
      [input.opening_id],
    )
    const opening = r.rows[0]
    if (!opening) throw notFound('opening', input.opening_id)
    if (!opening.dismissed_at) {
      await ctx.db.query('update schedule_openings set dismissed_at = $2 where id = $1', [opening.id, ctx.services.now()])
      await ctx.audit({
        entityType: 'schedule_opening',
        entityId: opening.id,
        action: 'dismiss',
        before: { dismissed: false },
        after: { dismissed: true },
      })
    }
    return { opening_id: opening.id, dismissed: true }
  },
})

/** Sets how near the technician's visits a waitlisted customer must live to be offered an opening. */
export const setOpeningDistance = defineAction({
  key: 'schedule_opening.set_distance',
  example: { km: 5 },
  phrases: ['how far to look for waitlist customers', 'only offer openings to customers nearby'],
  title: 'Set how near an opening counts',
  place: page('/openings', 'fill in the distance under How near'),
  words: { phrase: 'set how near the waitlist customers offered an opening must live' },
  description:
    "Set how near the technician's visits around an opening a waitlisted customer must live to be named for it, in km " +
    '(0.1 to 200; default 8), as the crow flies.',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ km: z.number().min(0.1, 'expected at least 0.1 km').max(200, 'expected at most 200 km') }),
  output: z.object({ km: z.number() }),
  async run(ctx, input) {
    const meters = Math.round(input.km * 1000)
    const r = await ctx.db.query<{ before: number }>('select gap_fill_meters as before from tenants where id = $1 for update', [
      ctx.tenantId,
    ])
    if (r.rows[0]?.before !== meters) {
      await ctx.db.query('update tenants set gap_fill_meters = $2 where id = $1', [ctx.tenantId, meters])
      await ctx.audit({
        entityType: 'tenant',
        entityId: ctx.tenantId,
        action: 'update',
        before: { gap_fill_meters: r.rows[0]?.before },
        after: { gap_fill_meters: meters },
      })
    }
    return { km: meters / 1000 }
  },
})
