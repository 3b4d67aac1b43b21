import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { revokeWhatActsFor } from './credentials.js'
import { assertEmailFree, lockUser, USER_COLUMNS, USER_RECORD, USER_TABLE } from './model.js'
import { auditedInsert, auditedUpdate } from '../../vocabulary/records.js'
import { loadTenantSettings } from '../settings/model.js'
import { page } from '../../vocabulary/places.js'
import { PERSON_NAME_MAX } from '../../vocabulary/person-name.js'

const role = z.enum(['technician', 'owner'])

/** Adds a person to the team, who can then sign in by email link. */
export const addUser = defineAction({
  key: 'user.add',
  phrases: [
    'hire a new technician',
    'add a team member',
    'invite an employee',
    'team',
    'staff',
    'employee',
    'technician',
    'invite',
    'new user',
  ],
  title: 'Add a team member',
  place: page('/team', 'Add a team member'),
  words: { phrase: 'add a team member' },
  description:
    'Add a team member. They can then sign in with a link emailed to this address. ' +
    'role: technician (does the jobs, closes tickets) or owner (everything, including settings and the team). ' +
    "An agent's call always waits for the owner's approval (give reasoning); an agent may never add an owner.",
  // Whoever holds the address signs in, reads their tickets' customers and completes close-outs the owner may be asked
  // about: an agent adding an address it reads would approve its own requests. So every agent call waits for the owner,
  // and no level or standing rule lifts that (email is required, so every call gives it). Owners are never an agent's.
  access: {
    agent: 'requires_authorization',
    technician: 'none',
    refuseAgent: (input) => (input.role === 'owner' ? 'an agent may never add an owner; ask an owner to add one' : null),
    ownerApproves: {
      fields: ['email'],
      why: "adds a person who can sign in, read their tickets' customers (addresses, gate codes) and close jobs",
    },
  },
  async preview(ctx, input) {
    const { currency, timezone } = await loadTenantSettings(ctx.db)
    return {
      summary: `Add ${input.name} (${input.email}) to the team as ${input.role === 'owner' ? 'an owner' : 'a technician'}`,
      warnings: [
        `Whoever reads ${input.email} can sign in and see the customers of the tickets given to them. Check the address is theirs.`,
      ],
      currency,
      timezone,
    }
  },
  input: z.strictObject({
    email: z.email().max(320).describe('The address they sign in with'),
    name: z.string().trim().min(1).max(PERSON_NAME_MAX),
    role: role.default('technician'),
  }),
  output: USER_RECORD,
  async run(ctx, input) {
    await assertEmailFree(ctx.db, input.email)
    const sql = `insert into users (tenant_id, email, name, role) values ($1, $2, $3, $4) returning ${USER_COLUMNS}`
    return auditedInsert(ctx, USER_TABLE, sql, [ctx.tenantId, input.email, input.name, input.role])
  },
})

/** Renames a team member, changes their role or (de)activates them; the business always keeps at least one active owner. */
export const updateUser = defineAction({
  key: 'user.update',
  title: 'Change a team member',
  place: page('/team', 'pick the person, then Edit'),
  words: { phrase: 'change a team member' },
  description:
    'Update a team member (owner only): name, role (technician|owner) and/or active. active false deactivates them: ' +
    'they can no longer sign in, and everything that acts for them stops for good (sessions, unused sign-in links, their calendar ' +
    'feeds and the business feeds they made, the agent tokens and OAuth apps they made), while their tickets and history stay; ' +
    'active true lets them sign in again, with none of those back. ' +
    'The last active owner can neither become a technician nor be deactivated.',
  access: { agent: 'never', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    user_id: z.uuid(),
    name: z.string().trim().min(1).max(PERSON_NAME_MAX).optional(),
    role: role.optional(),
    active: z.boolean().optional().describe('false: cannot sign in any more; true: can again'),
  }),
  output: USER_RECORD,
  async run(ctx, input) {
    const before = await lockUser(ctx.db, input.user_id)
    const losesOwner = before.role === 'owner' && !before.deactivated_at && (input.role === 'technician' || input.active === false)
    if (losesOwner) {
      // Lock every owner row so two demotions at once cannot both see the other owner still in place.
      const owners = await ctx.db.query(`select id from users where role = 'owner' and deactivated_at is null order by id for update`)
      if (owners.rows.length <= 1) {
        const what = input.active === false ? 'deactivated' : 'made a technician'
        throw new AppError(
          'CONFLICT',
          `${before.name || before.email} is the only owner still active and cannot be ${what}; make someone else an owner first`,
          { field: input.active === false ? 'data.active' : 'data.role' },
        )
      }
    }
    const changes: Record<string, unknown> = { name: input.name, role: input.role }
    if (input.active !== undefined && input.active === Boolean(before.deactivated_at))
      changes.deactivated_at = input.active ? null : new Date()
    const action = input.active === false && !before.deactivated_at ? 'deactivate' : 'update'
    const after = await auditedUpdate(ctx, USER_TABLE, before, changes, action)
    // Nothing written (nothing to change) means nothing new to revoke either.
    if (after !== before && input.active === false) await revokeWhatActsFor(ctx, input.user_id)
    return after
  },
})
