import { z } from 'zod'
import { listPage, oldestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { ADDRESS_COLUMNS, ADDRESS_RECORD } from './model.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'

/** Service locations by id, or a list filtered by contact, city and postal code. */
export const addressesQuery = defineQuery({
  type: 'addresses',
  description:
    'Service locations of contacts. Filters: contact_id, city (exact, any case), postal_code (prefix: 35758 also finds ' +
    '35758-1234), status (active (default), archived, all), point_status (pending, found, not_found, failed, by_hand, or ' +
    'unplaced: not_found and failed, the addresses the map lacks).',
  entity: 'address',
  phrases: ['locations', 'properties', 'service addresses'],
  access: { agent: 'unrestricted', technician: 'assigned' },
  params: z.object({
    contact_id: z.uuid().optional(),
    city: z.string().trim().min(1).max(100).optional(),
    postal_code: z.string().trim().min(1).max(10).optional(),
    status: z.enum(['active', 'archived', 'all']).optional(),
    point_status: z.enum(['pending', 'found', 'not_found', 'failed', 'by_hand', 'unplaced']).optional(),
  }),
  record: ADDRESS_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [
      req.id ?? null,
      p.contact_id ?? null,
      p.city ?? null,
      p.postal_code ?? null,
      p.status ?? null,
      p.point_status ?? null,
    ]
    return listPage(ctx.db, req, oldestFirst(), args, {
      columns: ADDRESS_COLUMNS,
      from: 'addresses',
      where: `($1::uuid is null or id = $1)
         and ($2::uuid is null or contact_id = $2)
         and ($3::text is null or lower(city) = lower($3))
         and ($4::text is null or postal_code like replace(replace($4, '%', ''), '_', '') || '%')
         and (case coalesce($5::text, case when $1::uuid is null then 'active' else 'all' end)
                when 'active' then archived_at is null when 'archived' then archived_at is not null else true end)
         and ($6::text is null or case when $6 = 'unplaced' then point_status in ('not_found', 'failed') else point_status = $6 end)`,
    })
  },
})
