import { z } from 'zod'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { OPPORTUNITY_COLUMNS, OPPORTUNITY_RECORD, STAGES } from './model.js'

/** Opportunities by id, or newest first, filtered by stage, customer, lead, open or closed and expected close. */
export const opportunitiesQuery = defineQuery({
  type: 'opportunities',
  phrases: ['open deals', 'the sales pipeline', 'deals', 'pipeline', 'sales', 'quotes in progress', 'won', 'lost'],
  description:
    'Sales opportunities, newest first. Each: id, title, contact_id and contact_name, lead_id and lead_name, stage, amount_cents, ' +
    'currency, probability (percent), expected_close_on, assignee_id and assignee_name, close_reason, closed_at, archived_at. Filters: stage, ' +
    'status (open|closed: won or lost), contact_id, lead_id, assignee_id, close_from and close_to (expected_close_on, local dates), ' +
    'archived=true (only archived; default: not archived). Totals per stage: pipeline_totals.',
  entity: 'opportunity',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    stage: z.enum(STAGES).optional(),
    status: z.enum(['open', 'closed']).optional(),
    contact_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
    assignee_id: z.uuid().optional(),
    close_from: isoDate().optional(),
    close_to: isoDate().optional(),
    archived: z.enum(['true', 'false']).optional(),
  }),
  record: OPPORTUNITY_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [
      req.id ?? null,
      p.stage ?? null,
      p.status ?? null,
      p.contact_id ?? null,
      p.lead_id ?? null,
      p.assignee_id ?? null,
      p.close_from ?? null,
      p.close_to ?? null,
      req.id ? null : p.archived === 'true',
    ]
    return listPage(ctx.db, req, newestFirst('o'), args, {
      columns: OPPORTUNITY_COLUMNS,
      from: 'opportunities o',
      where: `($1::uuid is null or o.id = $1)
         and ($2::text is null or o.stage = $2)
         and ($3::text is null or (o.closed_at is null) = ($3 = 'open'))
         and ($4::uuid is null or o.contact_id = $4)
         and ($5::uuid is null or o.lead_id = $5)
         and ($6::uuid is null or o.assignee_id = $6)
         and ($7::date is null or o.expected_close_on >= $7)
         and ($8::date is null or o.expected_close_on <= $8)
         and ($9::boolean is null or (o.archived_at is not null) = $9)`,
    })
  },
})
