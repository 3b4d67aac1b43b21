import { z } from 'zod'
import { BY_NAME, listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams } from '../../kernel/sql.js'
import { SERVICE_COLUMNS, SERVICE_RECORD } from './model.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'

/** The catalog of services and products, by name. */
export const servicesQuery = defineQuery({
  type: 'services',
  phrases: ['what services we offer and their prices', 'the price list', 'catalog', 'price list', 'prices', 'products'],
  description:
    'The service catalog, sorted by name. Each: id, name, description, pricing (fixed|flexible|per_unit|product), ' +
    'price_cents (integer cents; per_unit: per unit; flexible: suggested, may be null), unit_name, default_duration_minutes, taxable, status, archived_at (when archived). ' +
    'Filters: status (active|archived; default active), q (part of the name, typos tolerated).',
  entity: 'service',
  access: { agent: 'unrestricted', technician: 'all' },
  params: z.object({
    status: z.enum(['active', 'archived']).optional(),
    q: z.string().trim().min(1).max(200).optional(),
  }),
  record: SERVICE_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const status = req.params.status ?? (req.id ? null : 'active')
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`id = ${params.add(req.id)}`)
    if (status) where.push(status === 'active' ? 'archived_at is null' : 'archived_at is not null')
    if (req.params.q) where.push(`id in (select service_ids_matching(${params.add(req.params.q)}))`)
    return listPage(ctx.db, req, BY_NAME, params.values, { columns: SERVICE_COLUMNS, from: 'services', where })
  },
})
