import { BULK_TARGET_LIMIT, reachOf } from './access.js'
import { jsonSchemaOf } from './json-schema.js'
import { DEFAULT_LIMIT, MAX_LIMIT } from './pagination.js'
import type { Registry } from './registry.js'

/** The registry as callers see it: every domain's actions and every data type, with their schemas. */
export function describeCapabilities(registry: Registry) {
  const domains: Record<string, { actions: unknown[] }> = {}
  for (const def of registry.actions.values()) {
    ;(domains[def.domain] ??= { actions: [] }).actions.push({
      name: def.name,
      description: def.description,
      permission: def.access.agent,
      people: { owner: reachOf(def.access, 'owner'), technician: reachOf(def.access, 'technician') },
      ...(def.access.bulk ? { bulk: `touches a list of records; more than ${BULK_TARGET_LIMIT} in one agent call waits for the owner` } : {}),
      input: jsonSchemaOf(def.input),
    })
  }
  const data_types = [...registry.queries.values()].map((def) => ({
    type: def.type,
    description: def.description,
    people: { owner: reachOf(def.access, 'owner'), technician: reachOf(def.access, 'technician') },
    params: jsonSchemaOf(def.params),
    include: [...(def.include ?? []), ...(def.entity ? ['audit_trail'] : [])],
  }))
  return {
    domains,
    data_types,
    conventions: {
      actions: 'POST /api/actions {domain, action, data, reasoning?}; soft_limit actions need reasoning from agents; requires_authorization waits for the owner; never is for people only. people: all records, assigned (a technician\'s own tickets and their customers) or none',
      data: `GET /api/data?type=T&id=UUID | filters, include=a,b, limit (default ${DEFAULT_LIMIT}, max ${MAX_LIMIT}), cursor (next_cursor of the previous page)`,
      money: 'integer cents with a currency code',
      time: 'ISO 8601 UTC timestamps',
    },
  }
}
