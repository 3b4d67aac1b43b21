import type { OperationContext, Principal, Services } from './context.js'
import { log } from './log.js'
import type { ActionDefinition } from './registry.js'

/** What an action's background step works with: the product's services, who made the call, and the call's request id. */
export interface BackgroundCall {
  services: Services
  principal: Principal
  requestId: string
}

/** Runs an action in ctx's transaction and, once that transaction commits, starts its background step (if it declares one). */
export async function runWithBackgroundStep(def: ActionDefinition, ctx: OperationContext, input: unknown): Promise<unknown> {
  const result = await def.run(ctx, input)
  backgroundStepAfterCommit(def, ctx, input, result)
  return result
}

/**
 * Leaves the action's background step to start once ctx's transaction has committed; a dry run, whose afterCommit drops what
 * it is given, starts none.
 */
export function backgroundStepAfterCommit(def: ActionDefinition, ctx: OperationContext, input: unknown, result: unknown): void {
  if (!def.background) return
  const call: BackgroundCall = {
    services: ctx.services,
    principal: { tenantId: ctx.tenantId, actor: ctx.actor },
    requestId: ctx.requestId,
  }
  ctx.afterCommit(async () => startBackgroundStep(def, call, input, result))
}

/** Starts the action's background step in the background: the call answers at once; a failure is logged, never the caller's. */
export function startBackgroundStep(def: ActionDefinition, call: BackgroundCall, input: unknown, result: unknown): void {
  const step = def.background
  if (!step) return
  call.services.background.start(
    step.call(def, call, input, result).catch((err) =>
      log('error', 'background step failed', {
        request_id: call.requestId,
        action: `${def.domain}.${def.name}`,
        error: err instanceof Error ? err.message : String(err),
      }),
    ),
  )
}
