import { BULK_TARGET_LIMIT, customerTextFields, reachOf } from './access.js'
import type { Actor } from './context.js'
import { DEFAULT_LIMIT, MAX_LIMIT } from './pagination.js'
import { publishedSchemaOf } from '../text/record-ref-words.js'
import type { ActionDefinition, Registry } from './registry.js'

/** What the action hints mean, said once beside the list. */
export const HINTS_LEGEND =
  'hints: destructive (removes or irreversibly changes data), idempotent (safe to repeat), reasoning (agents must give reasoning), ' +
  `approval (waits for the owner), approval>${BULK_TARGET_LIMIT} (more than ${BULK_TARGET_LIMIT} records in one call waits for the owner and needs reasoning), ` +
  'approval:a,b (a call giving field a or b waits for the owner every time and needs reasoning; nothing the owner sets lifts it), ' +
  'review:a,b (words given in a or b reach customers: the call waits for the owner unless the owner allowed the action always), ' +
  "soft_limit (allowed with reasoning). Words customers read that name a phone, address, link or account not the business's, " +
  'talk about paying, or put a digit in a name wait for the owner every time, in any field'

/** Short words telling a caller what to expect of an action before calling it, from its declaration. */
export function actionHints(def: ActionDefinition): string[] {
  const level = def.access.agent
  const hints: string[] = []
  if (def.destructive) hints.push('destructive')
  if (def.idempotent) hints.push('idempotent')
  if (level === 'soft_limit' || level === 'requires_authorization') hints.push('reasoning')
  if (level === 'requires_authorization') hints.push('approval')
  else if (def.access.bulk) hints.push(`approval>${BULK_TARGET_LIMIT}`)
  if (def.access.ownerApproves) hints.push(`approval:${def.access.ownerApproves.fields.join(',')}`)
  if (def.access.customerText?.reviewed?.length) hints.push(`review:${def.access.customerText.reviewed.join(',')}`)
  if (level === 'soft_limit') hints.push('soft_limit')
  return hints
}

/**
 * What an action's access adds to its level, in words: the bulk rule, the fields only the owner may let an agent give,
 * and the fields customers read.
 */
export function accessNotes(def: ActionDefinition): { bulk?: string; owner_approves?: string; customer_text?: string } {
  const approves = def.access.ownerApproves
  const words = def.access.customerText
  const reviewed = words?.reviewed ?? []
  const all = customerTextFields(words)
  return {
    ...(all.length
      ? {
          customer_text:
            `customers read ${all.join(', ')}; ` +
            (reviewed.length
              ? `an agent's words in ${reviewed.join(', ')} wait for the owner unless the owner allowed this action always; `
              : '') +
            "words naming a phone, address, link, handle or account that is not the business's own, words about paying, " +
            'and a digit in a name wait for the owner every time',
        }
      : {}),
    ...(def.access.bulk ? { bulk: `touches a list of records; more than ${BULK_TARGET_LIMIT} in one agent call waits for the owner` } : {}),
    ...(approves
      ? {
          owner_approves:
            `an agent's call giving ${approves.fields.join(', ')} waits for the owner's approval every time, ` +
            `with reasoning, because it ${approves.why}; Allow Always, the owner's levels and standing rules never lift that`,
        }
      : {}),
  }
}

/** Whether an operation is listed to this caller: an agent is not shown what only people may do. */
export function listedTo(actor: Actor, access: { agent: string }): boolean {
  return actor.type !== 'agent' || access.agent !== 'never'
}

/**
 * The registry as a caller sees it: every domain's actions and every data type, with their schemas and hints.
 * An agent does not see the operations that are for people only.
 */
export function describeCapabilities(registry: Registry, actor: Actor) {
  const domains: Record<string, { actions: unknown[] }> = {}
  for (const def of registry.actions.values()) {
    if (!listedTo(actor, def.access)) continue
    ;(domains[def.domain] ??= { actions: [] }).actions.push({
      name: def.name,
      description: def.description,
      permission: def.access.agent,
      hints: actionHints(def),
      people: { owner: reachOf(def.access, 'owner'), technician: reachOf(def.access, 'technician') },
      ...accessNotes(def),
      input: publishedSchemaOf(def.input),
    })
  }
  const data_types = [...registry.queries.values()]
    .filter((def) => listedTo(actor, def.access))
    .map((def) => ({
      type: def.type,
      description: def.description,
      people: { owner: reachOf(def.access, 'owner'), technician: reachOf(def.access, 'technician') },
      params: publishedSchemaOf(def.params),
      include: [...(def.include ?? []), ...(def.entity ? ['audit_trail'] : [])],
    }))
  return {
    domains,
    data_types,
    conventions: {
      actions:
        "POST /api/actions {domain, action, data, reasoning?}; soft_limit actions need reasoning from agents; requires_authorization waits for the owner; never is for people only. people: all records, assigned (a technician's own tickets and their customers) or none",
      hints: HINTS_LEGEND,
      data: `GET /api/data?type=T&id=UUID (or number or name) | filters, include=a,b, limit (default ${DEFAULT_LIMIT}, max ${MAX_LIMIT}), cursor (next_cursor of the previous page)`,
      money: 'integer cents with a currency code',
      time: 'ISO 8601 UTC timestamps',
    },
  }
}

/** The description of one data type as describeCapabilities gives it, whoever asks. */
export function describeDataType(registry: Registry, type: string) {
  return describeCapabilities(registry, { type: 'system', id: null }).data_types.find((t) => t.type === type)
}
