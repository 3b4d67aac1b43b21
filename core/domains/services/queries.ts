import { z } from 'zod'
import { afterCursor, pageOf } from '../../pagination.js'
import { defineQuery } from '../../registry.js'
import { SERVICE_COLUMNS, SERVICE_RECORD } from './model.js'
import { auditTrailExpansion } from '../../output-types.js'

/** The catalog of services and products, by name. */
export const servicesQuery = defineQuery({
  type: 'services',
  description: 'The service catalog, sorted by name. Each: id, name, description, pricing (fixed|flexible|per_unit|product), '
    + 'price_cents (integer cents; per_unit: per unit; flexible: suggested, may be null), unit_name, default_duration_minutes, taxable, status, archived_at (when archived). '
    + 'Filters: status (active|archived; default active), q (part of the name, typos tolerated).',
  entity: 'service',
  keywords: ['catalog', 'price list', 'prices', 'products'],
  access: { agent: 'unrestricted', technician: 'all' },
  params: z.object({
    status: z.enum(['active', 'archived']).optional(),
    q: z.string().trim().min(1).max(200).optional(),
  }),
  record: SERVICE_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const status = req.params.status ?? (req.id ? null : 'active')
    const args: unknown[] = [req.id ?? null, status, req.params.q ?? null]
    const after = afterCursor(args, req.cursor, 'and (lower(name), id) >', ['text', 'uuid'])
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select ${SERVICE_COLUMNS}, lower(name) as _sort_name from services
       where ($1::uuid is null or id = $1) and ($2::text is null or (archived_at is null) = ($2 = 'active'))
         and ($3::text is null or id in (select service_ids_matching($3)))
         ${after}
       order by lower(name), id limit $${args.length}`, args)
    return pageOf(r.rows, req.limit, (row) => [row._sort_name, row.id])
  },
})
