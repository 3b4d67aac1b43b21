import { z } from 'zod'
import { afterCursor, pageOf } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { isoDate } from '../../kernel/schema-types.js'
import { loadTenantSettings } from '../settings/model.js'
import { localDate } from '../../vocabulary/time.js'
import { DIRECTIONS, INTERACTION_COLUMNS, INTERACTION_KINDS, INTERACTION_RECORD } from './model.js'

/** Interactions by id, or those of a contact, lead or opportunity, newest first; or the follow-ups still to make. */
export const interactionsQuery = defineQuery({
  type: 'interactions',
  description:
    'Calls, emails, texts, meetings and notes logged with contacts and leads, newest first. Each: id, contact_id, lead_id or opportunity_id, kind, ' +
    'direction, occurred_at, duration_minutes, subject, summary, outcome, follow_up_on, follow_up_done_at, author_type, archived_at. ' +
    'Filters: contact_id, lead_id, opportunity_id, kind, direction, from and to (local dates of occurred_at), follow_up (due: a follow-up on or before today ' +
    'not done yet, soonest first; open: every follow-up not done, soonest first), archived=true (only archived; default: not archived).',
  entity: 'interaction',
  phrases: ['calls', 'call log', 'activity', 'conversations', 'follow ups', 'touchpoints'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
    opportunity_id: z.uuid().optional(),
    kind: z.enum(INTERACTION_KINDS).optional(),
    direction: z.enum(DIRECTIONS).optional(),
    from: isoDate().optional(),
    to: isoDate().optional(),
    follow_up: z.enum(['due', 'open']).optional(),
    archived: z.enum(['true', 'false']).optional(),
  }),
  record: INTERACTION_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const settings = await loadTenantSettings(ctx.db)
    const today = localDate(ctx.services.now(), settings.timezone)
    const args: unknown[] = [
      req.id ?? null,
      p.contact_id ?? null,
      p.lead_id ?? null,
      p.kind ?? null,
      p.direction ?? null,
      p.from ?? null,
      p.to ?? null,
      settings.timezone,
      p.follow_up ?? null,
      today,
      req.id ? null : p.archived === 'true',
      p.opportunity_id ?? null,
    ]
    const followUps = Boolean(p.follow_up)
    const cursor = followUps
      ? afterCursor(args, req.cursor, 'and (follow_up_on::text, id::text) >', ['text', 'text'])
      : afterCursor(args, req.cursor, 'and (occurred_at, id) <', ['timestamptz', 'uuid'])
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select ${INTERACTION_COLUMNS}, occurred_at::text as _sort_at, follow_up_on::text as _sort_day from interactions
       where ($1::uuid is null or id = $1)
         and ($2::uuid is null or contact_id = $2)
         and ($3::uuid is null or lead_id = $3)
         and ($4::text is null or kind = $4)
         and ($5::text is null or direction = $5)
         and ($6::date is null or occurred_at >= ($6::date)::timestamp at time zone $8)
         and ($7::date is null or occurred_at < ($7::date + 1)::timestamp at time zone $8)
         and ($9::text is null or (follow_up_on is not null and follow_up_done_at is null and ($9 = 'open' or follow_up_on <= $10::date)))
         and ($11::boolean is null or (archived_at is not null) = $11)
         and ($12::uuid is null or opportunity_id = $12)
         ${cursor}
       order by ${followUps ? 'follow_up_on, id::text' : 'occurred_at desc, id desc'} limit $${args.length}`,
      args,
    )
    return pageOf(r.rows, req.limit, (row) => (followUps ? [row._sort_day, String(row.id)] : [row._sort_at, row.id]))
  },
})
