import type { z } from 'zod'
import type { Principal, Services } from './context.js'
import type { Queryable } from '../db/types.js'
import { performAction } from './operations.js'
import type { ActionDefinition } from './registry.js'

/** Who calls, and the request the call belongs to: what a workflow tool or a page holds. */
export interface Caller {
  services: Services
  principal: Principal
  requestId: string
  /** Reads (callQuery) go into this transaction instead of one each: see readTogether. */
  transaction?: Queryable
}

/** What an agent is told when its call waits for the owner. */
export interface QueuedCall {
  status: 'pending_authorization'
  request_id: string
  expires_at: string
  message: string
}

/** A typed call's outcome: the action's answer in the shape of its output schema, or the call queued for the owner. */
export type TypedOutcome<O extends z.ZodType> =
  | { queued: false; replayed: boolean; result: z.output<O> }
  | { queued: true; replayed: boolean; result: QueuedCall }

/**
 * Runs an action by its definition, exactly as any caller's call (access, the owner's queue, audit and idempotency all
 * apply: it goes through performAction), and answers as JSON reads it, typed by the action's output schema, which the
 * registry tests hold every answer to.
 */
export async function callAction<S extends z.ZodType, O extends z.ZodType>(
  caller: Caller,
  def: ActionDefinition<S, unknown, O>,
  input: z.input<S>,
  opts: { reasoning?: string | null; idempotencyKey?: string } = {},
): Promise<TypedOutcome<O>> {
  // An action runs in a transaction of its own; inside a shared read one it would wait on it (PGlite runs one at a time).
  if (caller.transaction) throw new Error(`callAction(${def.domain}.${def.name}) inside readTogether: reads only there`)
  const outcome = await performAction(
    caller.services,
    caller.principal,
    { domain: def.domain, action: def.name, data: input, reasoning: opts.reasoning },
    { requestId: caller.requestId, idempotencyKey: opts.idempotencyKey },
  )
  // Times become ISO strings and absent values drop out, as the output schema describes them.
  return { ...outcome, result: outcome.result === undefined ? undefined : JSON.parse(JSON.stringify(outcome.result)) } as TypedOutcome<O>
}
