import type { CountedClient } from '../lifecycle/counted-client.js'

/** What the task says, keyed by the field a model would put each in ("invoice_id": "INV-2026-0003"). */
export type Facts = Record<string, unknown>

/** One way crm_capabilities {q} offered to do a task. */
interface Match {
  hints?: string[]
  action?: string
  type?: string
  tool?: string
  /** Where the owner does a task never an agent's; such a match has no input or example, and is not called. */
  owner_only?: string
  input: string
  example: { tool: string; arguments: Record<string, unknown> }
}

/** What a cold task came to: the last answer and the calls it took. */
export interface TaskAnswer {
  isError: boolean
  json: any
  /** The action, data type or tool it used, as the answer named it. */
  used: string | null
}

/**
 * Does one task as a model that knows only tools/list would: asks crm_capabilities {q} in the task's own words, takes
 * the first match whose required fields the task's facts fill, and calls it as its example shows with the facts put in
 * the fields its input names. No action's name is written here: every name comes from the answer.
 */
export async function doTask(agent: CountedClient, say: string, facts: Facts, next?: (read: any) => Facts): Promise<TaskAnswer> {
  const found = await agent.call('crm_capabilities', { q: say })
  if (found.isError) return { isError: true, json: found.json, used: null }
  const matches = found.json.matches as Match[]
  // A task only the owner does, answered first: the model stops and tells the owner where, calling nothing.
  if (matches[0]?.owner_only) return { isError: false, json: matches[0], used: 'owner_only' }
  const callable = matches.filter((m) => !m.owner_only)
  const first = callable.find((m) => argumentsFor(m, facts))
  if (!first) return { isError: true, json: { error: 'no match the facts could fill', matches }, used: null }
  const answer = { ...(await agent.call(first.example.tool, argumentsFor(first, facts)!)), used: nameOf(first) }
  if (answer.isError || !next) return answer
  // A task of two steps (read the free times, then offer them): the write among the same matches that what was read fills.
  const more = next(answer.json)
  const second = callable.find((m) => m !== first && m.action && argumentsFor(m, more))
  if (!second) return { isError: true, json: { error: 'no second step the answer could fill', matches }, used: answer.used }
  return { ...(await agent.call(second.example.tool, argumentsFor(second, more)!)), used: `${answer.used}, ${nameOf(second)}` }
}

function nameOf(match: Match): string | null {
  return match.action ?? match.type ?? match.tool ?? null
}

/** The example call with the facts in its fields, or null when a required field has no fact. */
export function argumentsFor(match: Match, facts: Facts): Record<string, unknown> | null {
  const { required, fields } = fieldsOf(match.input)
  if (required.some((f) => facts[f] === undefined)) return null
  const given = Object.fromEntries(fields.filter((f) => facts[f] !== undefined).map((f) => [f, facts[f]]))
  const example = match.example.arguments
  // Reasoning where the example gives it, or where a hint says the call may wait for the owner (approval:field).
  const asks = 'reasoning' in example || (match.hints ?? []).some((h) => h.startsWith('approval'))
  const reasoning = asks ? { reasoning: String(facts.reasoning ?? 'The owner asked for it.') } : {}
  if (match.action) return { domain: example.domain, action: example.action, data: given, ...reasoning }
  // crm_query's own limit (tools/list shows it) is how many; the rest are the type's filters.
  const limit = typeof facts.limit === 'number' ? { limit: facts.limit } : {}
  if (match.type) return { type: match.type, ...(Object.keys(given).length ? { filters: given } : {}), ...limit }
  return { ...given, ...reasoning }
}

/** The top-level fields of a compact input ("{a*: id, b: [{c*: text}]}"), and which are required. */
export function fieldsOf(input: string): { required: string[]; fields: string[] } {
  const inner = input.trim().replace(/^\{/, '').replace(/\}$/, '')
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of inner) {
    if ('{['.includes(ch)) depth++
    if ('}]'.includes(ch)) depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  if (current.trim()) parts.push(current)
  const names = parts.map((p) => p.trim().split(':')[0].trim()).filter((n) => n && !n.startsWith('+'))
  return { required: names.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1)), fields: names.map((n) => n.replace(/\*$/, '')) }
}
