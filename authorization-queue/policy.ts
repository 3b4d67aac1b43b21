import type { Actor } from '../core/context.js'
import { AppError } from '../core/errors.js'
import type { ActionDefinition } from '../core/registry.js'

/** Decides whether a call may run now; agents need reasoning for soft_limit and consent for requires_authorization. */
export function checkPolicy(def: ActionDefinition, actor: Actor, reasoning: string | null): void {
  if (actor.type === 'user' && def.roles && !def.roles.includes(actor.role)) {
    throw new AppError('FORBIDDEN', `${def.domain}.${def.name} is for ${def.roles.join(' or ')} users; you are signed in as ${actor.role}`)
  }
  if (actor.type !== 'agent') return
  if (def.permission === 'soft_limit' && !reasoning?.trim()) {
    throw new AppError('REASONING_REQUIRED',
      `${def.domain}.${def.name} is a soft_limit action: call it again with "reasoning" saying why it is needed`, { permission: def.permission })
  }
  if (def.permission === 'requires_authorization') {
    throw new AppError('FORBIDDEN', `${def.domain}.${def.name} requires the owner's authorization, which agents cannot request yet`,
      { permission: def.permission })
  }
}
