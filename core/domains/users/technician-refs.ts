import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { isUuid } from '../../kernel/schema-types.js'
import { bindable } from '../../kernel/bindable.js'

/** Names an error lists at most; a larger team is read with the users data type. */
const MAX_NAMES = 20

/** A team member named in a booking: their user id, or their name (any case; the first name alone when no one else has it). */
export const technicianRef = bindable(z.union([z.uuid(), z.string().trim().min(1).max(200).describe('A name')]), {
  what: 'a team member',
  // A name may mean someone else once the team changes: a call that waits keeps the id it meant.
  bind: async (ctx, value, field) => (isUuid(String(value)) ? value : (await resolveTechnician(ctx.db, String(value), field)).id),
})

/** Up to ten team members by id or name, as bookings take them. */
export const technicianRefs = z
  .array(technicianRef)
  .max(10)
  .describe('Team members doing the job: user ids or names (first name alone if unique); each is checked for double booking')

/**
 * The user ids of team members given by id or name. A name matches a whole name (any case), else a unique first name;
 * an unknown or shared name is refused with the names to choose from. Ids pass through unchanged, for loadTechnicians to check.
 */
export async function resolveTechnicians(tx: Queryable, refs: readonly string[], field: string): Promise<string[]> {
  if (refs.every((r) => isUuid(r))) return [...refs]
  const team = await namedTeam(tx)
  return refs.map((ref, i) => (isUuid(ref) ? ref : technicianNamed(team, ref, `${field}.${i}`)))
}

/** The one active team member a name means, or an error listing who could be meant. */
export function technicianNamed(team: ReadonlyArray<{ id: string; name: string }>, ref: string, field: string): string {
  const wanted = fold(ref)
  const whole = team.filter((u) => fold(u.name) === wanted)
  const first = whole.length ? whole : team.filter((u) => fold(u.name).split(' ')[0] === wanted)
  if (first.length === 1) return first[0].id
  if (first.length > 1) {
    const names = first.map((u) => u.name)
    throw new AppError('VALIDATION_ERROR', `${field}: "${ref}" could be ${orList(names)}; give the full name or the user id`, {
      issues: [{ field, message: `"${ref}" could be ${orList(names)}` }],
      choices: names,
    })
  }
  const names = team.map((u) => u.name)
  const shown =
    names.length > MAX_NAMES
      ? `${names.slice(0, MAX_NAMES).join(', ')} and ${names.length - MAX_NAMES} more (data type users)`
      : names.join(', ')
  // A name nobody has is a mistake in the call, answered like any other field: 400, the field named, the choices given.
  const message = `no team member named "${ref}"; ${names.length ? `the team: ${shown}` : 'the team has no named members'}`
  throw new AppError('VALIDATION_ERROR', `${field}: ${message}`, {
    issues: [{ field, message }],
    choices: names.slice(0, MAX_NAMES),
  })
}

function fold(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase()
}

function orList(names: string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('')
}

/** One team member given by id or name, with their name and whether they were deactivated; NOT_FOUND names the field. */
export async function resolveTechnician(
  tx: Queryable,
  ref: string,
  field: string,
): Promise<{ id: string; name: string; deactivated: boolean }> {
  const id = isUuid(ref) ? ref.toLowerCase() : technicianNamed(await namedTeam(tx), ref, field)
  const r = await tx.query<{ id: string; name: string; deactivated: boolean }>(
    'select id, name, deactivated_at is not null as deactivated from users where id = $1',
    [id],
  )
  if (!r.rows[0]) throw new AppError('NOT_FOUND', `${field}: no team member with id ${ref}`, { field, entity: 'user', id: ref })
  return r.rows[0]
}

/** The active team members with a name, in name order: whom a name in a call can mean. */
async function namedTeam(tx: Queryable): Promise<Array<{ id: string; name: string }>> {
  const r = await tx.query<{ id: string; name: string }>(
    `select id, name from users where deactivated_at is null and name <> '' order by lower(name), id`,
  )
  return r.rows
}
