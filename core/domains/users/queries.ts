import { z } from 'zod'
import { afterCursor, pageOf } from '../../pagination.js'
import { defineQuery } from '../../registry.js'
import { USER_COLUMNS, USER_RECORD } from './model.js'
import { auditTrailExpansion } from '../../output-types.js'

/** The team: owners and technicians, by name. */
export const usersQuery = defineQuery({
  type: 'users',
  description: 'Team members (owners and technicians), sorted by name. Each: id, name, email, role, created_at. '
    + 'Filters: role (owner|technician), q (part of the name or email), active (true: can sign in and take work; false: deactivated). '
    + 'Use an active one\'s id as technician_id on tickets.',
  entity: 'user',
  keywords: ['team', 'staff', 'technicians', 'employees'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    role: z.enum(['owner', 'technician']).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    active: z.enum(['true', 'false']).optional().describe('true: still on the team; false: deactivated'),
  }),
  record: USER_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const active = req.params.active === undefined ? null : req.params.active === 'true'
    const args: unknown[] = [req.id ?? null, req.params.role ?? null, req.params.q ?? null, active]
    const after = afterCursor(args, req.cursor, 'and (lower(name), id) >', ['text', 'uuid'])
    args.push(req.limit + 1)
    const r = await ctx.db.query(
      `select ${USER_COLUMNS}, lower(name) as _sort_name from users
       where ($1::uuid is null or id = $1) and ($2::text is null or role = $2)
         and ($3::text is null or id in (select user_ids_matching($3)))
         and ($4::boolean is null or (deactivated_at is null) = $4)
         ${after}
       order by lower(name), id limit $${args.length}`, args)
    return pageOf(r.rows, req.limit, (row) => [row._sort_name, row.id])
  },
})
