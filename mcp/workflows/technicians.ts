import { callQueryAll } from '../../core/kernel/call-query.js'
import { usersQuery } from '../../core/domains/users/queries.js'
import { technicianNamed } from '../../core/domains/users/technician-refs.js'
import { isUuid } from '../../core/kernel/schema-types.js'
import type { ToolContext } from '../tool.js'

/** The user id of a team member given by id or name (first name alone if unique); an unknown or shared name is refused with the names. */
export async function technicianOf(ctx: ToolContext, ref: string, field: string): Promise<string> {
  if (isUuid(ref)) return ref.toLowerCase()
  const team = await callQueryAll(ctx, usersQuery, { params: { active: 'true' } })
  return technicianNamed(
    team.filter((u) => u.name).map((u) => ({ id: String(u.id), name: String(u.name) })),
    ref,
    field,
  )
}
