import { z } from 'zod'
import { AppError } from '../../errors.js'
import { defineAction } from '../../registry.js'
import { assertEmailFree, lockUser, USER_COLUMNS, USER_RECORD } from './model.js'
import { setClause } from '../../sql.js'

const role = z.enum(['technician', 'owner'])

/** Adds a person to the team, who can then sign in by email link. */
export const addUser = defineAction({
  domain: 'user',
  name: 'add',
  description: 'Add a team member (owner only). They can then sign in with a link emailed to this address. '
    + 'role: technician (does the jobs, closes tickets) or owner (everything, including settings and the team).',
  // A new technician can sign in and read their tickets' customers, so an agent must say why; adding staff is everyday
  // office work and the reasoning stays in the audit. An owner can approve the agent's own requests, so never an agent's.
  access: {
    agent: 'soft_limit',
    technician: 'none',
    refuseAgent: (input) => (input.role === 'owner' ? 'an agent may never add an owner; ask an owner to add one' : null),
  },
  keywords: ['team', 'staff', 'employee', 'technician', 'invite', 'new user'],
  input: z.strictObject({
    email: z.email().max(320).describe('The address they sign in with'),
    name: z.string().trim().min(1).max(200),
    role: role.default('technician'),
  }),
  output: USER_RECORD,
  async run(ctx, input) {
    await assertEmailFree(ctx.db, input.email)
    const r = await ctx.db.query(`insert into users (tenant_id, email, name, role) values ($1, $2, $3, $4) returning ${USER_COLUMNS}`,
      [ctx.tenantId, input.email, input.name, input.role])
    const user = r.rows[0]
    await ctx.audit({ entityType: 'user', entityId: String(user.id), action: 'create', before: null, after: user })
    return user
  },
})

/** Renames a team member or changes their role; the business always keeps at least one owner. */
export const updateUser = defineAction({
  domain: 'user',
  name: 'update',
  description: 'Update a team member (owner only): name and/or role (technician|owner). The last owner cannot become a technician.',
  access: { agent: 'never', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    user_id: z.uuid(),
    name: z.string().trim().min(1).max(200).optional(),
    role: role.optional(),
  }),
  output: USER_RECORD,
  async run(ctx, input) {
    const before = await lockUser(ctx.db, input.user_id)
    if (input.role === 'technician' && before.role === 'owner') {
      // Lock every owner row so two demotions at once cannot both see the other owner still in place.
      const owners = await ctx.db.query(`select id from users where role = 'owner' order by id for update`)
      if (owners.rows.length <= 1) {
        throw new AppError('CONFLICT', `${before.name || before.email} is the only owner; make someone else an owner first`, { field: 'data.role' })
      }
    }
    const changes = { name: input.name, role: input.role }
    const { sets, values } = setClause(changes)
    if (!sets.length) return before
    values.push(input.user_id)
    const r = await ctx.db.query(`update users set ${sets.join(', ')} where id = $${values.length} returning ${USER_COLUMNS}`, values)
    await ctx.audit({ entityType: 'user', entityId: input.user_id, action: 'update', before, after: r.rows[0] })
    return r.rows[0]
  },
})
