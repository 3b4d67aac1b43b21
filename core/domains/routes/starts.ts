import { z } from 'zod'
import { listPage, oldestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { auditTrailExpansion, timestamp } from '../../kernel/output-types.js'

/** A route start's columns as the API shows them. */
export const ROUTE_START_COLUMNS = 'id, user_id, label, latitude, longitude, created_at, updated_at'

/** Where route starts live and how the audit names them. */
export const ROUTE_START_TABLE = { table: 'route_starts', columns: ROUTE_START_COLUMNS, entity: 'route_start', noun: 'route start' }

/** A route start: the business's home base (user_id null) or a technician's own. */
export const ROUTE_START_RECORD = z.object({
  id: z.uuid(),
  user_id: z.uuid().nullable().describe("The technician whose own start it is; null: the business's home base"),
  label: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** Where routes start: the business's home base and the technicians' own starts. */
export const routeStartsQuery = defineQuery({
  type: 'route_starts',
  phrases: ['where is the home base', 'where do the technicians start', 'home base', 'depot', 'shop'],
  description: "Where routes start and end: the business's home base (user_id null) and each technician's own start, with user_name.",
  entity: 'route_start',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: ROUTE_START_RECORD.extend({ user_name: z.string().nullable(), audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    return listPage(ctx.db, req, oldestFirst('s'), [req.id ?? null], {
      columns: `s.id, s.user_id, s.label, s.latitude, s.longitude, s.created_at, s.updated_at,
        (select u.name from users u where u.id = s.user_id) as user_name`,
      from: 'route_starts s',
      where: '($1::uuid is null or s.id = $1)',
    })
  },
})
