import { z } from 'zod'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { FEED_COLUMNS, FEED_RECORD } from './model.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'

/** The business's calendar subscription addresses, without their secrets. */
export const calendarFeedsQuery = defineQuery({
  type: 'calendar_feeds',
  description:
    'Calendar (iCal) feeds, newest first. Each: id, scope (business|technician), user_id (the technician, null for the ' +
    'business feed), created_at, revoked_at (null while it works), last_fetched_at (when a calendar last fetched it). ' +
    'The address itself is shown only once, by calendar_feed.create. Filters: user_id, status (active|revoked).',
  entity: 'calendar_feed',
  phrases: ['ical', 'ics', 'webcal', 'calendar subscription', 'calendar link'],
  access: { agent: 'unrestricted', technician: 'assigned', assignedFilter: 'user_id' },
  params: z.object({
    user_id: z.uuid().optional(),
    status: z.enum(['active', 'revoked']).optional(),
  }),
  record: FEED_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.user_id ?? null, p.status ?? null]
    return listPage(ctx.db, req, newestFirst(), args, {
      columns: FEED_COLUMNS,
      from: 'calendar_feeds',
      where: `($1::uuid is null or id = $1) and ($2::uuid is null or user_id = $2)
         and ($3::text is null or ($3 = 'active') = (revoked_at is null))`,
    })
  },
})
