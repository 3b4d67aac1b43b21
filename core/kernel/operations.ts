import { createHash } from 'node:crypto'
import { z } from 'zod'
import { auditTrail } from './audit.js'
import { authorizeAction, authorizeQuery, keepReached, refuseActionCaller, refuseQueryCaller } from './authorize.js'
import type { OperationContext, Principal, Services } from './context.js'
import { withTenant } from '../db/tenant.js'
import { log } from './log.js'
import { mergedContactsRead, refuseMergedContacts } from '../vocabulary/merged-contacts.js'
import { SETTINGS_READ } from '../vocabulary/business-settings.js'
import { contextOf, scopeOf } from './operations-context.js'
import type { Queryable } from '../db/types.js'
import { AppError, validationError } from './errors.js'
import { DEFAULT_LIMIT, MAX_LIMIT } from './pagination.js'
import { actionKey, type ActionDefinition, type Page } from './registry.js'
import { checkOutput } from './output-check.js'
import { runWithBackgroundStep, startBackgroundStep } from './background-step.js'
import { nearestNames } from '../text/suggest.js'
import { parseCallRedacting, reportRedactions } from './sanitize.js'
import { parseInput } from './validation.js'
import { recordKindOf } from '../vocabulary/record-kinds.js'
import { idOf, refReachOf, refusedOnlyAtRefs, refsToResolve, resolveRecordRefs } from '../vocabulary/record-refs.js'
import { isUuid } from './schema-types.js'
import { boundedIncludes, boundedName, boundedReasoning } from './input-bounds.js'

/** A call of one registered action. */
export interface ActionCall {
  domain: string
  action: string
  data?: unknown
  reasoning?: string | null
}

/** What a call returned, whether it was a stored answer to a repeated Idempotency-Key, and whether it now waits for the owner. */
export interface ActionOutcome {
  result: unknown
  replayed: boolean
  queued: boolean
}

/** Runs one action: look up, validate, check policy, run (or queue for the owner) in the tenant's transaction with audit and idempotency. */
export async function performAction(
  services: Services,
  principal: Principal,
  call: ActionCall,
  opts: { requestId: string; idempotencyKey?: string },
): Promise<ActionOutcome> {
  boundedName('domain', call.domain)
  boundedName('action', call.action)
  const def = services.registry.actions.get(actionKey(call.domain, call.action))
  if (!def) throw unknownAction(services, call)
  refuseActionCaller(principal.actor, def)
  // An id field, at any depth, takes the record's number ("#171", "INV-2026-0004") or an unambiguous name too: each is
  // read as the id it means now, so the checks, the owner's card and a stored call all hold the id.
  const refs = refsToResolve(def.input, call.data, 'data.')
  const reach = refReachOf(principal.actor, def.access)
  const data =
    refs.length && refusedOnlyAtRefs(def.input, call.data, refs, 'data.')
      ? await withTenant(services.db, scopeOf(principal, opts.requestId), (tx) => resolveRecordRefs(tx, refs, call.data, reach), {
          readOnly: true,
        })
      : call.data
  const { value: input, reasoning, redactions } = parseCallRedacting(def.input, { data, reasoning: boundedReasoning(call.reasoning) })
  const effects: Array<() => Promise<void>> = []
  // The reads nearly every action makes go with BEGIN: the business's settings and, for an agent, the owner's level.
  const readAhead = [
    SETTINGS_READ,
    ...(principal.actor.type === 'agent'
      ? [services.consent.overrideRead(actionKey(def.domain, def.name)), ...(services.consent.channelsRead?.(input) ?? [])]
      : []),
    ...(typeof def.readAhead === 'function' ? def.readAhead(input) : (def.readAhead ?? [])),
    ...mergedContactsRead(input),
  ]
  const outcome = await withTenant(
    services.db,
    scopeOf(principal, opts.requestId),
    async (tx) => {
      if (opts.idempotencyKey) {
        const stored = await claimIdempotencyKey(tx, principal, opts.idempotencyKey, call)
        if (stored) {
          const queued = (stored.response as { status?: string })?.status === 'pending_authorization'
          // A background step cut short the first time is finished by the repeat.
          if (!queued)
            effects.push(async () => startBackgroundStep(def, { services, principal, requestId: opts.requestId }, input, stored.response))
          return { result: stored.response, replayed: true, queued }
        }
      }
      const ctx = contextOf(services, principal, tx, opts.requestId, reasoning, (fn) => effects.push(fn))
      const verdict = await authorizeAction(ctx, def, input)
      await refuseMergedContacts(tx, input)
      const result = await reportRedactions(
        tx,
        ctx,
        def,
        verdict === 'queue' ? await services.consent.enqueue(ctx, def, input) : await runChecked(services, def, ctx, input),
        redactions,
      )
      if (opts.idempotencyKey) {
        await tx.query(
          `update idempotency_keys set response = $4, status_code = 200
        where tenant_id = $1 and principal = $2 and key = $3`,
          [
            principal.tenantId,
            principalKey(principal),
            opts.idempotencyKey,
            JSON.stringify(withoutSecrets(result, def.secretFields) ?? null),
          ],
        )
      }
      return { result, replayed: false, queued: verdict === 'queue' }
    },
    { readAhead },
  )
  await runEffects(effects, opts.requestId)
  return outcome
}

/** Runs an action and, where the configuration asks, holds its answer to the action's declared output schema. */
async function runChecked(services: Services, def: ActionDefinition, ctx: OperationContext, input: unknown): Promise<unknown> {
  const result = await runWithBackgroundStep(def, ctx, input)
  if (services.config.checkOutput) checkOutput(actionKey(def.domain, def.name), def.output, result)
  return result
}

/** The answer as it may be stored for a repeated Idempotency-Key: each secret field says it was shown once instead. */
function withoutSecrets(result: unknown, fields: string[] | undefined): unknown {
  if (!fields?.length || !result || typeof result !== 'object' || Array.isArray(result)) return result
  const kept: Record<string, unknown> = { ...(result as Record<string, unknown>) }
  for (const field of fields) if (field in kept) kept[field] = null
  kept.secrets_shown_once = `${fields.join(' and ')} were shown only in the first answer and are not kept`
  return kept
}

/** Runs what a committed transaction left to do; a failure is logged, never turned into a failed call. */
export async function runEffects(effects: Array<() => Promise<void>>, requestId: string): Promise<void> {
  for (const effect of effects) {
    try {
      await effect()
    } catch (err) {
      log('error', 'after-commit effect failed', { request_id: requestId, error: err instanceof Error ? err.message : String(err) })
    }
  }
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

/**
 * Runs one query in the tenant's transaction, or in `opts.transaction` when the caller reads several things in one
 * (see readTogether); a missing id is NOT_FOUND, never an empty answer.
 */
export async function performQuery(
  services: Services,
  principal: Principal,
  call: QueryCall,
  opts: { requestId: string; transaction?: Queryable },
): Promise<unknown> {
  boundedName('type', call.type)
  const def = services.registry.queries.get(call.type)
  if (!def) {
    throw new AppError(
      'NOT_FOUND',
      `Unknown data type "${call.type}". Did you mean: ${nearestNames(call.type, services.registry.queries.keys()).join(', ')}?`,
      { field: 'type', suggestions: nearestNames(call.type, services.registry.queries.keys()) },
    )
  }
  refuseQueryCaller(principal.actor, def)
  const allowed = [...(def.include ?? []), ...(def.entity ? ['audit_trail'] : [])]
  const include = new Set(boundedIncludes(call.include ?? []))
  const unknownIncludes = [...include].filter((i) => !allowed.includes(i))
  if (unknownIncludes.length) {
    throw validationError([
      {
        field: 'include',
        message: `unknown expansion ${unknownIncludes.join(', ')}; ${call.type} accepts: ${allowed.join(', ') || 'none'}`,
      },
    ])
  }
  const limit = parseLimit(call.limit, def.defaultLimit)
  // A record is read by its number or an unambiguous name too, where its kind has one.
  const idKind = call.id !== undefined && !isUuid(call.id) ? recordKindOf(def.access.idEntity ?? def.entity) : null
  if (call.id !== undefined && !idKind && !z.uuid().safeParse(call.id).success) {
    throw validationError([{ field: 'id', message: 'must be a UUID' }])
  }
  const filters = call.filters ?? {}
  const known = Object.keys(def.params.shape)
  const unknownFilters = Object.keys(filters).filter((k) => !known.includes(k))
  if (unknownFilters.length) {
    throw validationError(
      unknownFilters.map((f) => ({ field: f, message: `is not a filter of ${call.type}; filters: ${known.join(', ') || 'none'}` })),
    )
  }
  const filterRefs = refsToResolve(def.params, filters, '')
  const resolvable = filterRefs.length && refusedOnlyAtRefs(def.params, filters, filterRefs, '')
  // Filters naming no record are checked before BEGIN, so the reads they decide can travel with it.
  const parsed = resolvable ? null : parseInput(def.params, filters, '')
  const readAhead = parsed && !opts.transaction ? [...mergedContactsRead(parsed), ...((await def.readAhead?.(parsed)) ?? [])] : []
  const inTransaction = <T>(fn: (tx: Queryable) => Promise<T>) =>
    opts.transaction ? fn(opts.transaction) : withTenant(services.db, scopeOf(principal, opts.requestId), fn, { readAhead })
  return inTransaction(async (tx) => {
    const ctx = contextOf(services, principal, tx, opts.requestId, null, () => {
      throw new Error('queries do not have effects')
    })
    const reach = refReachOf(principal.actor, def.access)
    const technicianId = reach === 'none' ? null : reach.technicianId
    const id = idKind ? await idOf(tx, { field: 'id', value: String(call.id).trim(), kind: idKind }, technicianId) : call.id
    const params = parsed ?? parseInput(def.params, await resolveRecordRefs(tx, filterRefs, filters, reach), '')
    const scope = await authorizeQuery(tx, principal.actor, def, { id, params, include })
    await refuseMergedContacts(tx, params, '')
    if (scope.technicianId && def.access.assignedFilter) (params as Record<string, unknown>)[def.access.assignedFilter] = scope.technicianId
    const page: Page = await def.run(ctx, { id, params, include, limit, cursor: call.cursor })
    page.items = await keepReached(tx, def, scope, page.items)
    if (include.has('audit_trail') && def.entity) {
      // A record never stored (schedule_openings' never-booked time) has no id and no history.
      const trails = await auditTrail(
        tx,
        def.entity,
        page.items.filter((i) => i.id != null).map((i) => String(i.id)),
      )
      for (const item of page.items) item.audit_trail = trails.get(String(item.id)) ?? []
    }
    if (services.config.checkOutput) for (const item of page.items) checkOutput(call.type, def.record, item)
    if (call.id === undefined) return page
    if (!page.items.length) {
      const named = id === call.id ? '' : ` (${call.id})`
      throw new AppError('NOT_FOUND', `No ${call.type} record with id ${id}${named}`, { type: call.type, id })
    }
    return page.items[0]
  })
}

function parseLimit(raw: number | string | undefined, fallback = DEFAULT_LIMIT): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw validationError([{ field: 'limit', message: `must be a whole number from 1 to ${MAX_LIMIT}` }])
  }
  return n
}

function unknownAction(services: Services, call: ActionCall): AppError {
  const suggestions = nearestNames(actionKey(String(call.domain), String(call.action)), services.registry.actions.keys())
  return new AppError('NOT_FOUND', `Unknown action ${call.domain}.${call.action}. Did you mean: ${suggestions.join(', ')}?`, {
    field: 'action',
    suggestions,
  })
}

function principalKey(p: Principal): string {
  return `${p.actor.type}:${p.actor.id ?? 'system'}`
}

/** Records the key for this call; returns the stored answer when the same call was already made with it. */
async function claimIdempotencyKey(tx: Queryable, principal: Principal, key: string, call: ActionCall) {
  const hash = createHash('sha256')
    .update(JSON.stringify([call.domain, call.action, call.data ?? {}, call.reasoning ?? null]))
    .digest('hex')
  const args = [principal.tenantId, principalKey(principal), key]
  await tx.query(
    `delete from idempotency_keys where tenant_id = $1 and principal = $2 and key = $3
    and created_at < now() - interval '24 hours'`,
    args,
  )
  const claimed = await tx.query(
    `insert into idempotency_keys (tenant_id, principal, key, request_hash) values ($1, $2, $3, $4)
    on conflict (tenant_id, principal, key) do nothing returning key`,
    [...args, hash],
  )
  if (claimed.rowCount) return null
  const stored = await tx.query<{ request_hash: string; response: unknown }>(
    'select request_hash, response from idempotency_keys where tenant_id = $1 and principal = $2 and key = $3',
    args,
  )
  if (stored.rows[0]?.request_hash !== hash) {
    throw new AppError('CONFLICT', 'This Idempotency-Key was already used with a different request; use a new key for a new request', {
      field: 'Idempotency-Key',
    })
  }
  return stored.rows[0]
}
