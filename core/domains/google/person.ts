import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'

/**
 * The person a call about a Google account is for: the one named (user_id), else the person acting. An owner and an
 * agent may name anyone, a technician only themselves; `what` words the refusals (what a technician may do, and whose what it is).
 */
export function personOfCall(ctx: OperationContext, userId: string | undefined, what: { yours: string; whose: string }): string {
  const self = ctx.actor.type === 'user' ? ctx.actor.id : null
  if (userId && userId !== self && ctx.actor.type === 'user' && ctx.actor.role !== 'owner') {
    throw new AppError('FORBIDDEN', `You may ${what.yours}`, { field: 'data.user_id' })
  }
  const id = userId ?? self
  if (!id) {
    throw new AppError('VALIDATION_ERROR', `Name the person whose ${what.whose} this is`, {
      issues: [{ field: 'data.user_id', message: 'is required' }],
    })
  }
  return id
}
