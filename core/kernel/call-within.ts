import type { z } from 'zod'
import type { OperationContext } from './context.js'
import type { ActionDefinition } from './registry.js'
import { runWithBackgroundStep } from './background-step.js'
import { parseInput } from './validation.js'

/**
 * Runs another action as one step of the calling operation: in the same transaction, with the same tenant, actor,
 * request id, reasoning, clock and after-commit list (ctx is handed on unchanged), and returns what its run returns.
 *
 * Its input is parsed with its own schema exactly as a call through the front door is (parseInput under "data"), so
 * bad input is the same VALIDATION_ERROR naming the field. The inner action writes its own audit entries as it always
 * does, under the caller's request id and actor. Nothing else of the front door is repeated: no access check, no
 * owner's queue, no merged-contact refusal, no Idempotency-Key and no redaction report. The outer call was checked
 * and authorized for everything it does, so its steps must not be queued or refused one by one. Its background step, if it
 * declares one, starts once the caller's transaction commits, as it would after a call of its own.
 */
export async function callWithin<S extends z.ZodType, R>(
  ctx: OperationContext,
  def: ActionDefinition<S, R, z.ZodType>,
  input: z.input<S>,
): Promise<R> {
  return (await runWithBackgroundStep(def as unknown as ActionDefinition, ctx, parseInput(def.input, input, 'data'))) as R
}
