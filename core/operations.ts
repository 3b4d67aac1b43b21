import { createHash } from 'node:crypto'
import { z } from 'zod'
import { checkPolicy } from '../authorization-queue/policy.js'
import { auditTrail, writeAudit } from './audit.js'
import type { OperationContext, Principal, Services } from './context.js'
import { withTenant } from './db/tenant.js'
import type { Queryable } from './db/types.js'
import { AppError, validationError } from './errors.js'
import { DEFAULT_LIMIT, MAX_LIMIT } from './pagination.js'
import { actionKey, type Page } from './registry.js'
import { nearestNames } from './suggest.js'
import { parseInput } from './validation.js'

/** A call of one registered action. */
export interface ActionCall {
  domain: string
  action: string
  data?: unknown
  reasoning?: string | null
}

/** What a call returned, and whether it was a stored answer to a repeated Idempotency-Key. */
export interface ActionOutcome {
  result: unknown
  replayed: boolean
}

/** Runs one action: look up, check policy, validate, run in the tenant's transaction with audit and idempotency. */
export async function performAction(services: Services, principal: Principal, call: ActionCall,
  opts: { requestId: string; idempotencyKey?: string }): Promise<ActionOutcome> {
  const def = services.registry.actions.get(actionKey(call.domain, call.action))
  if (!def) throw unknownAction(services, call)
  const reasoning = call.reasoning?.trim() || null
  checkPolicy(def, principal.actor, reasoning)
  const input = parseInput(def.input, call.data ?? {}, 'data')
  return withTenant(services.db, scopeOf(principal, opts.requestId), async (tx) => {
    if (opts.idempotencyKey) {
      const stored = await claimIdempotencyKey(tx, principal, opts.idempotencyKey, call)
      if (stored) return { result: stored.response, replayed: true }
    }
    const result = await def.run(contextOf(services, principal, tx, opts.requestId, reasoning), input)
    if (opts.idempotencyKey) {
      await tx.query(`update idempotency_keys set response = $4, status_code = 200
        where tenant_id = $1 and principal = $2 and key = $3`,
      [principal.tenantId, principalKey(principal), opts.idempotencyKey, JSON.stringify(result ?? null)])
    }
    return { result, replayed: false }
  })
}

/** A read of one data type: by id, or a page of a filtered list. */
export interface QueryCall {
  type: string
  id?: string
  include?: string[]
  limit?: number | string
  cursor?: string
  /** The type's own filters, as given (query-string values are strings). */
  filters?: Record<string, unknown>
}

/** Runs one query in the tenant's transaction; a missing id is NOT_FOUND, never an empty answer. */
export async function performQuery(services: Services, principal: Principal, call: QueryCall, opts: { requestId: string }): Promise<unknown> {
  const def = services.registry.queries.get(call.type)
  if (!def) {
    throw new AppError('NOT_FOUND', `Unknown data type "${call.type}". Did you mean: ${nearestNames(call.type, services.registry.queries.keys()).join(', ')}?`,
      { field: 'type', suggestions: nearestNames(call.type, services.registry.queries.keys()) })
  }
  const allowed = [...(def.include ?? []), ...(def.entity ? ['audit_trail'] : [])]
  const include = new Set(call.include ?? [])
  const unknownIncludes = [...include].filter((i) => !allowed.includes(i))
  if (unknownIncludes.length) {
    throw validationError([{ field: 'include', message: `unknown expansion ${unknownIncludes.join(', ')}; ${call.type} accepts: ${allowed.join(', ') || 'none'}` }])
  }
  const limit = parseLimit(call.limit)
  if (call.id !== undefined && !z.uuid().safeParse(call.id).success) {
    throw validationError([{ field: 'id', message: 'must be a UUID' }])
  }
  const filters = call.filters ?? {}
  const known = Object.keys(def.params.shape)
  const unknownFilters = Object.keys(filters).filter((k) => !known.includes(k))
  if (unknownFilters.length) {
    throw validationError(unknownFilters.map((f) => ({ field: f, message: `is not a filter of ${call.type}; filters: ${known.join(', ') || 'none'}` })))
  }
  const params = parseInput(def.params, filters, '')
  return withTenant(services.db, scopeOf(principal, opts.requestId), async (tx) => {
    const ctx = contextOf(services, principal, tx, opts.requestId, null)
    const page: Page = await def.run(ctx, { id: call.id, params, include, limit, cursor: call.cursor })
    if (include.has('audit_trail') && def.entity) {
      const trails = await auditTrail(tx, def.entity, page.items.map((i) => String(i.id)))
      for (const item of page.items) item.audit_trail = trails.get(String(item.id)) ?? []
    }
    if (call.id === undefined) return page
    if (!page.items.length) throw new AppError('NOT_FOUND', `No ${call.type} record with id ${call.id}`, { type: call.type, id: call.id })
    return page.items[0]
  })
}

/** The transaction scope of a principal's request. */
export function scopeOf(principal: Principal, requestId: string) {
  return { tenantId: principal.tenantId, actorType: principal.actor.type, actorId: principal.actor.id, requestId }
}

/** The context handed to an action or query. */
export function contextOf(services: Services, principal: Principal, tx: Queryable, requestId: string, reasoning: string | null): OperationContext {
  const who = { tenantId: principal.tenantId, actor: principal.actor, requestId, reasoning }
  return { ...who, db: tx, services, audit: (entry) => writeAudit(tx, who, entry) }
}

function parseLimit(raw: number | string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw validationError([{ field: 'limit', message: `must be a whole number from 1 to ${MAX_LIMIT}` }])
  }
  return n
}

function unknownAction(services: Services, call: ActionCall): AppError {
  const suggestions = nearestNames(actionKey(String(call.domain), String(call.action)), services.registry.actions.keys())
  return new AppError('NOT_FOUND', `Unknown action ${call.domain}.${call.action}. Did you mean: ${suggestions.join(', ')}?`,
    { field: 'action', suggestions })
}

function principalKey(p: Principal): string {
  return `${p.actor.type}:${p.actor.id ?? 'system'}`
}

/** Records the key for this call; returns the stored answer when the same call was already made with it. */
async function claimIdempotencyKey(tx: Queryable, principal: Principal, key: string, call: ActionCall) {
  const hash = createHash('sha256').update(JSON.stringify([call.domain, call.action, call.data ?? {}, call.reasoning ?? null])).digest('hex')
  const args = [principal.tenantId, principalKey(principal), key]
  await tx.query(`delete from idempotency_keys where tenant_id = $1 and principal = $2 and key = $3
    and created_at < now() - interval '24 hours'`, args)
  const claimed = await tx.query(`insert into idempotency_keys (tenant_id, principal, key, request_hash) values ($1, $2, $3, $4)
    on conflict (tenant_id, principal, key) do nothing returning key`, [...args, hash])
  if (claimed.rowCount) return null
  const stored = await tx.query<{ request_hash: string; response: unknown }>(
    'select request_hash, response from idempotency_keys where tenant_id = $1 and principal = $2 and key = $3', args)
  if (stored.rows[0]?.request_hash !== hash) {
    throw new AppError('CONFLICT', 'This Idempotency-Key was already used with a different request; use a new key for a new request',
      { field: 'Idempotency-Key' })
  }
  return stored.rows[0]
}
