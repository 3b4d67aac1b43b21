import type { OperationContext, Principal } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { contextOf } from '../../kernel/operations-context.js'
import { parseInput } from '../../kernel/validation.js'
import { boundCall, REQUEST_COLUMNS } from './queue.js'
import { emailApprovalCards } from './approval-links.js'

/** The owner's change of one field: the agent's value and the owner's. */
export type FieldEdit = { before: unknown; after: unknown }

/**
 * Replaces the stored call of a pending request with the owner's edited version, after checking it against the action's
 * schema and, as the agent, against the current data. Edits keep the agent's original value of each changed field, so
 * the agent reads exactly what the owner changed however many times the call was edited. A bad edit changes nothing.
 * The call's version goes up, so the emailed links of the earlier call decide nothing, and the owners get the new card.
 */
export async function editAuthorization(ctx: OperationContext, requestId: string, data: Record<string, unknown>) {
  const r = await ctx.db.query<{
    status: string
    action_key: string
    data: Record<string, unknown>
    edits: Record<string, FieldEdit> | null
    reasoning: string | null
    agent_token_id: string | null
    expired: boolean
  }>(
    `select status, action_key, data, edits, reasoning, agent_token_id, expires_at <= now() as expired
     from authorization_requests where id = $1 for update`,
    [requestId],
  )
  const request = r.rows[0]
  if (!request) throw new AppError('NOT_FOUND', `No authorization request with id ${requestId}`)
  if (request.status !== 'pending' || request.expired)
    throw new AppError('CONFLICT', `Only a pending request can be edited; this one is ${request.expired ? 'expired' : request.status}`)
  const def = ctx.services.registry.actions.get(request.action_key)
  if (!def) throw new AppError('NOT_FOUND', `The action ${request.action_key} no longer exists`)
  const input = parseInput(def.input, data, 'data')
  const agent: Principal = { tenantId: ctx.tenantId, actor: { type: 'agent', id: request.agent_token_id ?? '' } }
  const agentCtx = contextOf(ctx.services, agent, ctx.db, ctx.requestId, request.reasoning, ctx.afterCommit)
  // The edited call is held to what it does now, as the agent's was: fixed, tried, and shown on the new card.
  const { call, effect, preview } = await boundCall(agentCtx, def, input, 'Not changed: the edited call fails against the current data.')
  const edits = editsBetween(request.data, request.edits ?? {}, data)
  const updated = await ctx.db.query(
    `update authorization_requests set data = $2, preview = $3, summary = $4, edits = $5, edited_by = $6, edited_at = now(),
      call_version = call_version + 1, effect = $7
    where id = $1 returning ${REQUEST_COLUMNS}`,
    [
      requestId,
      JSON.stringify(call),
      JSON.stringify(preview),
      preview.summary,
      Object.keys(edits).length ? JSON.stringify(edits) : null,
      ctx.actor.id,
      JSON.stringify(effect),
    ],
  )
  await ctx.audit({
    entityType: 'authorization_request',
    entityId: requestId,
    action: 'edit',
    before: { data: request.data },
    after: { data },
  })
  await emailApprovalCards(ctx, requestId, true)
  return updated.rows[0]
}

/** The fields whose value now differs from the agent's, each with the agent's value and the new one. */
function editsBetween(
  current: Record<string, unknown>,
  earlier: Record<string, FieldEdit>,
  next: Record<string, unknown>,
): Record<string, FieldEdit> {
  const out: Record<string, FieldEdit> = {}
  for (const field of new Set([...Object.keys(current), ...Object.keys(next)])) {
    const agents = field in earlier ? earlier[field].before : (current[field] ?? null)
    const after = next[field] ?? null
    if (JSON.stringify(agents) !== JSON.stringify(after)) out[field] = { before: agents, after }
  }
  return out
}
