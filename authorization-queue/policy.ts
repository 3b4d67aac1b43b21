import type { Actor } from '../core/context.js'
import type { Queryable } from '../core/db/types.js'
import { AppError } from '../core/errors.js'
import { actionKey, type ActionDefinition, type Permission } from '../core/registry.js'

/** More targets than this in one agent call needs the owner's authorization. */
export const BULK_TARGET_LIMIT = 5

/** What happens to a call: it runs now, or it waits for the owner. */
export type Verdict = 'run' | 'queue'

/** The tenant's override of an action's level, if the owner set one (Allow Always sets unrestricted). */
export async function permissionOverride(tx: Queryable, key: string): Promise<Permission | null> {
  const r = await tx.query<{ permission: Permission }>('select permission from permission_overrides where action_key = $1', [key])
  return r.rows[0]?.permission ?? null
}

/**
 * Decides whether a call may run now. People are never queued (roles still apply); for agents the effective level is
 * the tenant's override, else the registration, and a bulk call (more than five targets) needs authorization unless
 * the owner raised the action to unrestricted.
 */
export async function evaluatePolicy(tx: Queryable, def: ActionDefinition, input: unknown, actor: Actor, reasoning: string | null): Promise<Verdict> {
  const key = actionKey(def.domain, def.name)
  if (actor.type === 'user') {
    if (def.roles && !def.roles.includes(actor.role)) {
      throw new AppError('FORBIDDEN', `${key} is for ${def.roles.join(' or ')} users; you are signed in as ${actor.role}`)
    }
    return 'run'
  }
  if (actor.type !== 'agent') return 'run'
  if (def.allowAgents === false) throw new AppError('FORBIDDEN', `${key} can only be done by a person signed in, not by an agent`)
  const override = await permissionOverride(tx, key)
  let level: Permission = override ?? def.permission
  const targets = def.targets?.(input as never) ?? 1
  if (targets > BULK_TARGET_LIMIT && override !== 'unrestricted') level = 'requires_authorization'
  if (level === 'soft_limit' && !reasoning) {
    throw new AppError('REASONING_REQUIRED', `${key} is a soft_limit action: call it again with "reasoning" saying why it is needed`,
      { permission: level })
  }
  if (level === 'requires_authorization' && !reasoning) {
    throw new AppError('REASONING_REQUIRED', `${key} needs the owner's authorization: call it again with "reasoning" the owner will read`,
      { permission: level, ...(targets > BULK_TARGET_LIMIT ? { targets, bulk_limit: BULK_TARGET_LIMIT } : {}) })
  }
  return level === 'requires_authorization' ? 'queue' : 'run'
}
