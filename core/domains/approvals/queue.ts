import { z } from 'zod'
import { fieldsOwnerApproves } from '../../kernel/access.js'
import type { OperationContext, Principal } from '../../kernel/context.js'
import { freeForm, timestamp } from '../../kernel/output-types.js'
import { translateDatabaseError } from '../../db/translate-error.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import { refuseMergedContacts } from '../../vocabulary/merged-contacts.js'
import { contextOf } from '../../kernel/operations-context.js'
import { actionKey, type ActionDefinition } from '../../kernel/registry.js'
import { backgroundStepAfterCommit } from '../../kernel/background-step.js'
import { bindCall } from '../../kernel/bindable.js'
import { reasonsToAskEveryTime } from '../../kernel/authorize.js'
import type { CallPreview } from '../../kernel/call-preview.js'
import { localDate } from '../../vocabulary/time.js'
import { parseInput } from '../../kernel/validation.js'
import { loadTenantSettings } from '../settings/model.js'
import { dryRun } from './dry-run.js'
import { type CallEffect, capturingEffect, effectDifferences } from './effect.js'
import { effectLines } from './effect-words.js'
import { previewCall } from './preview.js'
import { DENIAL_REASONS } from './denial-reasons.js'
import { emailApprovalCards } from './approval-links.js'

/** What an agent gets back when its call waits for the owner. */
export interface PendingAuthorization {
  status: 'pending_authorization'
  request_id: string
  expires_at: string
  message: string
}

/**
 * The columns of a request as the owner and the agent see them; a pending request past its expiry reads as expired, and
 * next_step tells the agent what to do about it now.
 */
export const REQUEST_COLUMNS = `id, action_key, data, reasoning, summary, preview, edits, edited_at,
  case when status = 'pending' and expires_at <= now() then 'expired' else status end as status,
  decision, decision_reason, decision_note, decided_by, decided_at, result, error, agent_token_id,
  (select t.name from agent_tokens t where t.id = agent_token_id) as agent_name, created_at, expires_at,
  case when status = 'pending' and expires_at <= now() then ${sqlText(
    'The owner did not answer before expires_at, so nothing ran and this request can no longer be allowed. If the change is ' +
      'still needed, make the same call again with reasoning (it is checked and queued anew) and tell the owner why it matters; otherwise leave it.',
  )}
    when status = 'pending' then ${sqlText(
      'Waiting for the owner until expires_at; after that it expires and nothing runs. Do not repeat the call: check this request again later.',
    )}
    when status = 'denied' then ${sqlText(
      'The owner said no: read decision_reason and decision_note, and do not make the same call again unchanged.',
    )}
    when status = 'failed' then ${sqlText('Nothing ran: error says why. Fix that and make the call again only if it is still needed.')}
    else ${sqlText('Done: the call ran once; result is what it returned.')} end as next_step`

/** A constant sentence as an SQL string literal. */
function sqlText(words: string): string {
  return `'${words.replace(/'/g, "''")}'`
}

/** A request as the owner and the agent see it (REQUEST_COLUMNS). */
export const AUTHORIZATION_REQUEST_RECORD = z.object({
  id: z.uuid(),
  action_key: z.string(),
  data: freeForm,
  reasoning: z.string().nullable(),
  summary: z.string(),
  preview: freeForm.nullable(),
  edits: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
  edited_at: timestamp.nullable(),
  status: z.enum(['pending', 'executed', 'denied', 'failed', 'expired']),
  decision: z.enum(['allow_once', 'allow_always', 'deny']).nullable(),
  decision_reason: z.enum(Object.keys(DENIAL_REASONS) as [string, ...string[]]).nullable(),
  decision_note: z.string().nullable(),
  decided_by: z.uuid().nullable(),
  decided_at: timestamp.nullable(),
  result: z.unknown(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).nullable(),
  agent_token_id: z.uuid().nullable(),
  agent_name: z.string().nullable(),
  created_at: timestamp,
  expires_at: timestamp,
  next_step: z.string().describe('what the agent should do about this request now'),
})

/** What an agent's call answers when it waits for the owner. */
export const PENDING_AUTHORIZATION = z.object({
  status: z.literal('pending_authorization'),
  request_id: z.uuid(),
  expires_at: timestamp,
  message: z.string(),
})

/**
 * Stores the call for the owner, emails the owners after commit, and tells the agent how to follow up. What the call
 * means is fixed first (day words to dates, names to ids, wall-clock times to instants, bindCall), then it is tried: the
 * records it changes are the effect the owner is shown and allows.
 */
export async function enqueueAuthorization(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<PendingAuthorization> {
  const key = actionKey(def.domain, def.name)
  const { call, effect, preview } = await boundCall(ctx, def, input)
  const summary = preview.summary
  // How long it waits is the owner's setting (approval_expiry_hours).
  const r = await ctx.db.query<{ id: string; expires_at: Date }>(
    `insert into authorization_requests (tenant_id, agent_token_id, action_key, data, reasoning, summary, preview, effect, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(hours => (select approval_expiry_hours from tenants where id = $1)))
     returning id, expires_at`,
    [ctx.tenantId, ctx.actor.id, key, JSON.stringify(call ?? {}), ctx.reasoning, summary, JSON.stringify(preview), JSON.stringify(effect)],
  )
  const request = r.rows[0]
  await ctx.audit({ entityType: 'authorization_request', entityId: request.id, action: 'request', after: { action_key: key, summary } })
  await emailApprovalCards(ctx, request.id)
  const expiresAt = request.expires_at.toISOString()
  return {
    status: 'pending_authorization',
    request_id: request.id,
    expires_at: expiresAt,
    message:
      `Queued for the owner's authorization. Check it with crm_authorization_status {request_id: "${request.id}"} (or data type ` +
      `authorization_requests). The owner has until ${expiresAt} to answer; after that the request expires and nothing runs.` +
      (preview.bound?.length
        ? ` Stored as it means now: ${preview.bound.map((b) => `${b.field.replace(/^data\./, '')} ${JSON.stringify(b.from)} is ${JSON.stringify(b.to)}`).join(', ')}.`
        : ''),
  }
}

/**
 * A call as the owner will be asked about it: its relative values fixed to what they mean now, tried against the current
 * data (a call that would fail is refused here), and described for the card with what it does, record by record, and
 * why the owner is asked every time, if so. `agent` is the context of the agent that asked.
 */
export async function boundCall(
  agent: OperationContext,
  def: ActionDefinition,
  input: unknown,
  refusal?: string,
): Promise<{ call: unknown; effect: CallEffect; preview: CallPreview }> {
  const settings = await loadTenantSettings(agent.db)
  const today = localDate(agent.services.now(), settings.timezone)
  const { value: call, bound } = await bindCall(def.input, input, { db: agent.db, today, timezone: settings.timezone })
  const effect = await dryRun(agent, def, call, refusal)
  const preview: CallPreview = {
    ...(await previewCall(agent, def, call)),
    effect: effectLines(effect, settings),
    ...(bound.length ? { bound } : {}),
  }
  const always = await reasonsToAskEveryTime(agent, def, call)
  if (always.length) preview.asks_every_time = always
  return { call, effect, preview }
}

/** The owner's answer to one request. */
export type Decision = 'allow_once' | 'allow_always' | 'deny'

/**
 * Decides a pending request once. Allow runs the stored call now, as the agent that asked, validated against the
 * current schema and state; Allow Always also raises the action to unrestricted for the tenant; Deny keeps the note.
 * The request row is locked first, so two decisions at the same moment cannot both run the call.
 */
export async function decideAuthorization(
  ctx: OperationContext,
  requestId: string,
  decision: Decision,
  note: string | null,
  reason: string | null = null,
) {
  const r = await ctx.db.query<{
    status: string
    action_key: string
    data: unknown
    reasoning: string | null
    agent_token_id: string | null
    expired: boolean
    effect: CallEffect | null
    preview: CallPreview | null
  }>(
    `select status, action_key, data, reasoning, agent_token_id, expires_at <= now() as expired, effect, preview
     from authorization_requests where id = $1 for update`,
    [requestId],
  )
  const request = r.rows[0]
  if (!request) throw new AppError('NOT_FOUND', `No authorization request with id ${requestId}`)
  if (request.status !== 'pending') throw new AppError('CONFLICT', `This request was already decided: it is ${request.status}`)
  if (request.expired) throw new AppError('CONFLICT', 'This request expired before it was decided; the agent must ask again')
  const decided = { decision, decision_reason: reason, decision_note: note, decided_by: ctx.actor.id }
  if (decision === 'deny') return finish(ctx, requestId, { status: 'denied', ...decided })
  const def = ctx.services.registry.actions.get(request.action_key)
  if (decision === 'allow_always' && def) refuseAllowAlways(def, request.data, request.preview)
  const refusal = await agentNoLongerAllowed(ctx, request.agent_token_id, request.action_key)
  if (refusal) return finish(ctx, requestId, { status: 'failed', ...decided, error: { code: 'FORBIDDEN', message: refusal } })
  if (decision === 'allow_always') {
    await ctx.db.query(
      `insert into permission_overrides (tenant_id, action_key, permission, set_by) values ($1, $2, 'unrestricted', $3)
      on conflict (tenant_id, action_key) do update set permission = 'unrestricted', set_by = $3, set_at = now()`,
      [ctx.tenantId, request.action_key, ctx.actor.id],
    )
    await ctx.audit({
      entityType: 'authorization_request',
      entityId: requestId,
      action: 'raise_permission',
      after: { action_key: request.action_key, permission: 'unrestricted' },
    })
  }
  // The call runs as the agent that asked, marked as allowed by this owner: what it sets is the owner's (an invoice's amount).
  const agent: Principal = {
    tenantId: ctx.tenantId,
    actor: { type: 'agent', id: request.agent_token_id ?? '', approvedBy: ctx.actor.id ?? undefined },
  }
  // What the call leaves for after commit (its emails, its background step) goes only if the call is kept.
  const afterwards: Array<() => Promise<void>> = []
  await ctx.db.query('savepoint authorized_call')
  try {
    if (!def) throw new AppError('NOT_FOUND', `The action ${request.action_key} no longer exists`)
    const input = parseInput(def.input, request.data, 'data')
    await refuseMergedContacts(ctx.db, input)
    const agentCtx = contextOf(ctx.services, agent, ctx.db, ctx.requestId, request.reasoning, (fn) => afterwards.push(fn))
    const { result, effect } = await capturingEffect(agentCtx, () => def.run(agentCtx, input), request.effect)
    const changed = request.effect ? effectDifferences(request.effect, effect) : []
    if (changed.length) {
      throw new AppError(
        'CONFLICT',
        `Not run: what this call does changed since it was shown to the owner, so it was not carried out: ${changed.join('; ')}. ` +
          'Nothing changed. Read the records again and, if it is still needed, make the call anew.',
        { changed },
      )
    }
    backgroundStepAfterCommit(def, agentCtx, input, result)
    await ctx.db.query('release savepoint authorized_call')
    for (const fn of afterwards) ctx.afterCommit(fn)
    return finish(ctx, requestId, { status: 'executed', ...decided, result: result ?? null })
  } catch (err) {
    await ctx.db.query('rollback to savepoint authorized_call')
    const e = translateDatabaseError(err)
    if (!(e instanceof AppError))
      log('error', 'authorized call failed', { request_id: ctx.requestId, error: e instanceof Error ? e.stack : String(e) })
    const error =
      e instanceof AppError
        ? { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) }
        : { code: 'INTERNAL', message: 'The call failed unexpectedly' }
    return finish(ctx, requestId, { status: 'failed', ...decided, error })
  }
}

/**
 * Allow Always would make the action unrestricted, but a call the owner is asked about every time (it gives fields only
 * the owner may let an agent give, points customers elsewhere or talks about paying, moves money beyond what is due)
 * asks every time whatever the level: offering it would promise what it cannot do.
 */
function refuseAllowAlways(def: ActionDefinition, data: unknown, preview: CallPreview | null): void {
  const reasons = askedEveryTimeBecause(def, data, preview)
  if (!reasons.length) return
  throw validationError([
    {
      field: 'data.decision',
      message:
        `allow_always cannot apply: ${actionKey(def.domain, def.name)} asks you about this call every time because it ` +
        `${reasons.join('; and it ')}; choose allow_once or deny`,
    },
  ])
}

/** Why the owner is asked about a queued call every time, from what was found when it was queued (and the fields it gives). */
export function askedEveryTimeBecause(def: ActionDefinition | undefined, data: unknown, preview: CallPreview | null): string[] {
  if (preview?.asks_every_time?.length) return preview.asks_every_time
  return def && fieldsOwnerApproves(def.access.ownerApproves, data).length ? [def.access.ownerApproves?.why as string] : []
}

/** Why the agent that asked may no longer have its call run (its token revoked, the action closed to agents), or null. */
async function agentNoLongerAllowed(ctx: OperationContext, tokenId: string | null, key: string): Promise<string | null> {
  const def = ctx.services.registry.actions.get(key)
  if (def?.access.agent === 'never') return `${key} is no longer open to agents, so nothing ran`
  const r = await ctx.db.query<{ name: string; revoked_at: Date | null }>('select name, revoked_at from agent_tokens where id = $1', [
    tokenId,
  ])
  const token = r.rows[0]
  if (!token) return 'The agent that asked no longer exists, so nothing ran'
  if (token.revoked_at)
    return `The agent that asked (${token.name}) was revoked before you decided, so nothing ran; it must ask again with a new token`
  return null
}

async function finish(ctx: OperationContext, requestId: string, fields: Record<string, unknown>) {
  const names = Object.keys(fields)
  const sets = names.map((n, i) => `${n} = $${i + 2}`).join(', ')
  const values = names.map((n) => (n === 'result' || n === 'error' ? JSON.stringify(fields[n]) : fields[n]))
  const decidedAt = 'decision' in fields ? ', decided_at = now()' : ''
  const r = await ctx.db.query(`update authorization_requests set ${sets}${decidedAt} where id = $1 returning ${REQUEST_COLUMNS}`, [
    requestId,
    ...values,
  ])
  await ctx.audit({
    entityType: 'authorization_request',
    entityId: requestId,
    action: String(fields.status),
    after: {
      status: fields.status,
      decision: fields.decision ?? null,
      reason: fields.decision_reason ?? null,
      note: fields.decision_note ?? null,
    },
  })
  return r.rows[0]
}
