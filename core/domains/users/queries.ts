import { z } from 'zod'
import { BY_NAME, listPage } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { SqlParams } from '../../kernel/sql.js'
import { USER_COLUMNS, USER_RECORD } from './model.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'

/** The team: owners and technicians, by name. */
export const usersQuery = defineQuery({
  type: 'users',
  phrases: ['who works for us', 'the team', 'list the technicians', 'team', 'staff', 'technicians', 'employees'],
  description:
    'Team members (owners and technicians), sorted by name. Each: id, name, email, role, created_at. ' +
    'Filters: role (owner|technician), q (part of the name or email), active (true: can sign in and take work; false: deactivated). ' +
    "Use an active one's id as technician_id on tickets.",
  entity: 'user',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    role: z.enum(['owner', 'technician']).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    active: z.enum(['true', 'false']).optional().describe('true: still on the team; false: deactivated'),
  }),
  record: USER_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const active = req.params.active === undefined ? null : req.params.active === 'true'
    const params = new SqlParams()
    const where: string[] = []
    if (req.id) where.push(`id = ${params.add(req.id)}`)
    if (req.params.role) where.push(`role = ${params.add(req.params.role)}`)
    if (req.params.q) where.push(`id in (select user_ids_matching(${params.add(req.params.q)}))`)
    if (active !== null) where.push(active ? 'deactivated_at is null' : 'deactivated_at is not null')
    return listPage(ctx.db, req, BY_NAME, params.values, { columns: USER_COLUMNS, from: 'users', where })
  },
})
