import {
  BULK_TARGET_LIMIT,
  customerWordsIn,
  entityOfField,
  fieldsOwnerApproves,
  reachOf,
  targetCount,
  type GrantableLevel,
  type Reach,
} from './access.js'
import type { Actor, OperationContext } from './context.js'
import type { ReadAhead } from '../db/read-memo.js'
import type { Queryable } from '../db/types.js'
import { AppError } from './errors.js'
import { type HeldWords, heldWordsIn, type OwnChannels } from '../text/customer-words/held-words.js'
import { placeOf } from '../vocabulary/places.js'
import { existingRecords, reachedByTechnician, technicianCanReach } from '../vocabulary/reach.js'
import { actionKey, type ActionDefinition, type QueryDefinition } from './registry.js'

/** What the authorization queue offers core: the owner's level for an action, their standing rules, and storing a call for their decision. */
export interface ConsentGate {
  /** The level the owner set for this action in this business, or null for the declared one. */
  override(tx: Queryable, actionKey: string): Promise<GrantableLevel | null>
  /** The same read as SQL without parameters, for an agent's call to send with its BEGIN; override then answers from it. */
  overrideRead(actionKey: string): ReadAhead
  /** Whether a standing rule of the owner's lets this call run without asking (recorded in the audit when it does). */
  allowedByRule(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<boolean>
  /** Stores the call for the owner and returns what the agent is told. */
  enqueue(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<unknown>
  /** Tries the call against the current data and undoes it: throws the action's own error when it would fail. */
  tryCall(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<void>
  /** The channels a call's words may name: the business's own (phone, email, web site, review page) and its customer's. */
  ownChannels(ctx: OperationContext, input: unknown): Promise<OwnChannels>
  /** The read of the customer's channels a call names by contact_id, for an agent's call to send with its BEGIN. */
  channelsRead?(input: unknown): readonly ReadAhead[]
}

/** What happens to a call: it runs now, or it waits for the owner. */
export type Verdict = 'run' | 'queue'

/**
 * Decides whether a call may run now, from the action's declared access: people by their role's reach (a technician only
 * on the records of their assigned tickets); agents by what the owner must answer every time (fields only the owner may
 * let them give, words customers read that point elsewhere or talk about paying, what the action reads as the owner's
 * to see), their level, the owner's override, the words customers read, and the bulk rule.
 */
export async function authorizeAction(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<Verdict> {
  const key = actionKey(def.domain, def.name)
  const actor = ctx.actor
  if (actor.type === 'user') {
    await checkReach(ctx.db, actor, key, reachOf(def.access, actor.role), referencesIn(input))
    return 'run'
  }
  if (actor.type !== 'agent') return 'run'
  refuseActionCaller(actor, def)
  const refusal = def.access.refuseAgent?.(input as never)
  if (refusal) throw new AppError('FORBIDDEN', `${key}: ${refusal}`)
  const always = await reasonsToAskEveryTime(ctx, def, input)
  if (always.length) {
    // Before the owner's override and standing rules: neither may lift this, so every such call waits for the owner.
    if (!ctx.reasoning) {
      // A call that would fail is answered with its own error, not asked for reasoning first.
      await ctx.services.consent.tryCall(ctx, def, input)
      const held = fieldsOwnerApproves(def.access.ownerApproves, input)
      throw new AppError(
        'REASONING_REQUIRED',
        `${key}${held.length ? ` with ${held.join(', ')}` : ''} needs the owner's approval every time, because it ` +
          `${always.join('; and it ')}: call it again with "reasoning" the owner will read`,
        { permission: 'requires_authorization', ...(held.length ? { owner_approves: held } : {}), asks_every_time: always },
      )
    }
    return 'queue'
  }
  const override = await ctx.services.consent.override(ctx.db, key)
  let level = override ?? def.access.agent
  const targets = targetCount(def.access, input as never)
  if (targets > BULK_TARGET_LIMIT && override !== 'unrestricted') level = 'requires_authorization'
  // Words customers will read are the owner's to see first, until the owner allows the action always.
  const reviewed = customerWordsIn(def.access.customerText, input).filter((w) => w.reviewed)
  if (reviewed.length && override !== 'unrestricted') level = 'requires_authorization'
  if (level === 'soft_limit' && !ctx.reasoning) {
    throw new AppError('REASONING_REQUIRED', `${key} is a soft_limit action: call it again with "reasoning" saying why it is needed`, {
      permission: level,
    })
  }
  if (level === 'requires_authorization' && !ctx.reasoning) {
    await ctx.services.consent.tryCall(ctx, def, input)
    throw new AppError(
      'REASONING_REQUIRED',
      reviewed.length && def.access.agent !== 'requires_authorization'
        ? `${key} with ${reviewed.map((w) => w.field.replace(/^data\./, '')).join(', ')} waits for the owner, who reads words ` +
            'customers will read before they go: call it again with "reasoning" the owner will read'
        : `${key} needs the owner's authorization: call it again with "reasoning" the owner will read`,
      {
        permission: level,
        ...(targets > BULK_TARGET_LIMIT ? { targets, bulk_limit: BULK_TARGET_LIMIT } : {}),
        ...(reviewed.length ? { customer_words: reviewed.map((w) => w.field) } : {}),
      },
    )
  }
  if (level !== 'requires_authorization') return 'run'
  return (await ctx.services.consent.allowedByRule(ctx, def, input)) ? 'run' : 'queue'
}

/**
 * Why the owner must answer this agent's call every time, whatever level, override or standing rule: each reason finishes
 * "... because it ...". Fields only the owner may let an agent give; words customers read that point at another's
 * channel, talk about paying or put a number in a name; and what the action itself reads as the owner's to see (money
 * beyond what is due).
 */
export async function reasonsToAskEveryTime(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<string[]> {
  const reasons: string[] = []
  if (fieldsOwnerApproves(def.access.ownerApproves, input).length) reasons.push(def.access.ownerApproves?.why as string)
  const words = customerWordsIn(def.access.customerText, input)
  const own = words.length ? await ctx.services.consent.ownChannels(ctx, input) : null
  for (const w of words) {
    const held = heldWordsIn(w.text, own as OwnChannels, w.as)
    if (held.length) reasons.push(heldReason(w.field.replace(/^data\./, ''), held))
  }
  const seen = await def.access.ownerSees?.(ctx, input as never)
  if (seen) reasons.push(seen)
  return reasons
}

/** Why words customers would read wait for the owner, finishing "... because it ...", with the first three places quoted. */
export function heldReason(field: string, held: HeldWords[]): string {
  // The channels first: where customers would be sent says more to the owner than the words about paying around it.
  const rank = { channel: 0, name: 1, paying: 2 } as const
  const quoted = [...held]
    .sort((a, b) => rank[a.reason] - rank[b.reason])
    .slice(0, 3)
    .map((h) => `${h.kind}, "${h.phrase}"`)
    .join('; ')
  const what = [
    held.some((h) => h.reason === 'channel')
      ? "points customers at a phone, address, link, name or account that is not the business's own"
      : '',
    held.some((h) => h.reason === 'paying') ? "talks about paying, which only the owner's own payment block does" : '',
    held.some((h) => h.reason === 'name') ? 'puts a number in a name' : '',
  ].filter(Boolean)
  return `${what.join(' and ')}, where customers read it (in ${field}: ${quoted})`
}

/**
 * Refuses an agent an action that is never an agent's, before anything about the call is looked at (its input is not
 * checked: no way to call it would do), saying where the owner does it.
 */
export function refuseActionCaller(actor: Actor, def: ActionDefinition): void {
  if (actor.type !== 'agent' || def.access.agent !== 'never') return
  const key = actionKey(def.domain, def.name)
  const where = placeOf(def.place, 'owner')
  throw new AppError(
    'FORBIDDEN',
    `${key} can only be done by a person signed in, never by an agent: ask the owner to do it` +
      (where ? `, at ${where.path} (${where.how})` : ''),
    where ? { owner_does_it_at: where.path } : undefined,
  )
}

/** A read a caller may make, with what core must do for a technician who reaches only their assigned records. */
export interface QueryScope {
  /** Set for a technician limited to their assigned tickets' records. */
  technicianId: string | null
}

/** Refuses a caller the data type is closed to, before anything about the call is looked at. */
export function refuseQueryCaller(actor: Actor, def: QueryDefinition): void {
  if (actor.type === 'agent' && def.access.agent === 'never') {
    throw new AppError('FORBIDDEN', `${def.type} can only be read by a person signed in, not by an agent`)
  }
  if (actor.type === 'user' && reachOf(def.access, actor.role) === 'none') throw closedTo(actor, def.type)
}

/** Checks a read against the data type's declared access before it runs: who may read, by id, with which filters and includes. */
export async function authorizeQuery(
  tx: Queryable,
  actor: Actor,
  def: QueryDefinition,
  call: { id?: string; params: Record<string, unknown>; include: ReadonlySet<string> },
): Promise<QueryScope> {
  refuseQueryCaller(actor, def)
  if (actor.type !== 'user' || reachOf(def.access, actor.role) !== 'assigned') return { technicianId: null }
  const allowed = def.access.technicianIncludes ?? []
  const refused = [...call.include].filter((i) => !allowed.includes(i))
  if (refused.length) {
    throw new AppError(
      'FORBIDDEN',
      `include=${refused.join(',')} is not open to technicians on ${def.type}; they may include: ${allowed.join(', ') || 'nothing'}`,
      { field: 'include' },
    )
  }
  const refs = referencesIn(call.params)
  if (call.id !== undefined) refs[`${def.access.idEntity ?? def.entity}_id`] = call.id
  await checkReach(tx, actor, def.type, 'assigned', refs)
  return { technicianId: actor.id }
}

/** Keeps only the records a technician reaches; a list never carries another technician's records, whatever a query did. */
export async function keepReached<T extends Record<string, unknown>>(
  tx: Queryable,
  def: QueryDefinition,
  scope: QueryScope,
  items: T[],
): Promise<T[]> {
  if (!scope.technicianId || !items.length) return items
  const entity = def.access.idEntity ?? (def.entity as string)
  const reached = await reachedByTechnician(
    tx,
    scope.technicianId,
    entity,
    items.map((i) => String(i.id)),
  )
  return items.filter((i) => reached.has(String(i.id)))
}

/** The record references among top-level fields: `ticket_id: "..."`, `technician_ids: [...]`. */
function referencesIn(values: unknown): Record<string, unknown> {
  if (!values || typeof values !== 'object' || Array.isArray(values)) return {}
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => entityOfField(k) !== null && v !== undefined && v !== null))
}

/** Refuses a person whose role does not reach the operation, or a technician naming a record outside their tickets. */
async function checkReach(
  tx: Queryable,
  actor: Extract<Actor, { type: 'user' }>,
  name: string,
  reach: Reach,
  refs: Record<string, unknown>,
) {
  if (reach === 'all') return
  if (reach === 'none') throw closedTo(actor, name)
  for (const [field, value] of Object.entries(refs)) {
    const entity = entityOfField(field) as string
    const ids = (Array.isArray(value) ? value : [value]).map(String)
    if (!technicianCanReach(entity)) {
      throw new AppError('FORBIDDEN', `A technician cannot name a ${entity.replace(/_/g, ' ')} (${field}); ask the owner`, { field })
    }
    const reached = await reachedByTechnician(tx, actor.id, entity, ids)
    const outside = ids.filter((id) => !reached.has(id))
    if (!outside.length) continue
    const existing = await existingRecords(tx, entity, outside)
    const missing = outside.find((id) => !existing.has(id))
    if (missing !== undefined)
      throw new AppError('NOT_FOUND', `${field}: no ${entity.replace(/_/g, ' ')} with id ${missing}`, { field, id: missing })
    const what =
      entity === 'ticket'
        ? `Ticket ${outside[0]} is not assigned to you`
        : entity === 'user'
          ? 'You may act only for yourself here'
          : `This ${entity.replace(/_/g, ' ')} (${field}) is not on a ticket assigned to you`
    throw new AppError('FORBIDDEN', `${what}; ask the owner if you should work on it`, { field, id: outside[0] })
  }
}

function closedTo(actor: Extract<Actor, { type: 'user' }>, name: string): AppError {
  return new AppError('FORBIDDEN', `${name} is not open to ${actor.role}s; ask ${actor.role === 'owner' ? 'support' : 'the owner'}`)
}
