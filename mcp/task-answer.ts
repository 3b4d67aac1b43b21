import type { Actor } from '../core/kernel/context.js'
import { actionHints, listedTo } from '../core/kernel/operation-catalogue.js'
import { compactSchema } from '../core/kernel/compact-schema.js'
import { exampleData, type ExampleTimes, inBusinessTime } from '../core/kernel/example-data.js'
import { jsonSchemaOf } from '../core/kernel/json-schema.js'
import { publishedSchemaOf } from '../core/text/record-ref-words.js'
import { placeOf } from '../core/vocabulary/places.js'
import { type ActionDefinition, actionKey, type Registry } from '../core/kernel/registry.js'
import { performQuery } from '../core/kernel/operations.js'
import { rankTasks, type TaskEntry } from '../core/text/task-search.js'
import { wordsOf } from '../core/text/words.js'
import { z } from 'zod'
import type { ToolContext, ToolDefinition } from './tool.js'

/** At most this many characters of matches in one answer: about 600 tokens, the most a task's answer may cost. */
const ANSWER_CHARACTERS = 2200
/** A match scoring under this share of the best one is left out: it would cost tokens and rarely be the one. */
const CLOSE_ENOUGH = 0.5

/** One way to do a task, as crm_capabilities {q} answers it. */
export interface TaskMatch {
  /** "domain.name" of an action, a data type, or a tool's name. */
  action?: string
  type?: string
  tool?: string
  what: string
  hints?: string[]
  /** For an action only the owner does: where, instead of an input and an example. */
  owner_only?: string
  input?: string
  example?: { tool: string; arguments: Record<string, unknown> }
}

const entriesByCaller = new WeakMap<Registry, Map<string, TaskEntry[]>>()

/** The actions, data types and workflow tools this caller can use, with the words each is found by. */
export function taskEntries(registry: Registry, tools: ReadonlyArray<ToolDefinition>, actor: Actor): TaskEntry[] {
  const key = actor.type === 'agent' ? 'agent' : 'person'
  let byCaller = entriesByCaller.get(registry)
  if (!byCaller) entriesByCaller.set(registry, (byCaller = new Map()))
  const cached = byCaller.get(key)
  if (cached) return cached
  const entries: TaskEntry[] = []
  for (const t of tools)
    entries.push({ kind: 'tool', id: t.name, name: `${t.name} ${t.title}`, phrases: t.phrases ?? [], description: t.description })
  for (const d of registry.actions.values()) {
    if (!listedTo(actor, d.access)) continue
    entries.push(actionEntry(d))
  }
  for (const q of registry.queries.values()) {
    if (!listedTo(actor, q.access)) continue
    entries.push({
      kind: 'data_type',
      id: q.type,
      name: q.type,
      phrases: q.phrases ?? [],
      description: q.description,
    })
  }
  byCaller.set(key, entries)
  return entries
}

/** An action as the task search reads it: its name's words, title, phrases and description. */
function actionEntry(d: ActionDefinition): TaskEntry {
  return {
    kind: 'action',
    id: actionKey(d.domain, d.name),
    name: `${d.domain} ${d.name} ${d.title ?? ''}`,
    phrases: d.phrases ?? [],
    description: d.description,
  }
}

const ownerOnlyByRegistry = new WeakMap<Registry, TaskEntry[]>()

/** The actions never an agent's that a page offers the owner: found by their task, to say where the owner does them. */
function ownerOnlyEntries(registry: Registry): TaskEntry[] {
  let entries = ownerOnlyByRegistry.get(registry)
  if (!entries) {
    entries = [...registry.actions.values()].filter((d) => d.access.agent === 'never' && placeOf(d.place, 'owner')).map(actionEntry)
    ownerOnlyByRegistry.set(registry, entries)
  }
  return entries
}

/** The one to three best ways to do a task said in plain words, each with a compact input and an example call in the business's time. */
export function answerTask(
  registry: Registry,
  tools: ReadonlyArray<ToolDefinition>,
  actor: Actor,
  q: string,
  times: ExampleTimes,
  argumentWords: ReadonlySet<string> = new Set(),
): TaskMatch[] {
  const usable = taskEntries(registry, tools, actor)
  const hits = rankTasks(usable, q, 3, argumentWords)
  const best = hits[0]?.score ?? 0
  const matches: TaskMatch[] = []
  let size = 0
  // A task only the owner does (a refund) is answered first with where the owner does it, when it fits the words best
  // of all; ranked apart, so it changes nothing of the answer to any other task.
  const ownerOnly = actor.type === 'agent' ? ownerOnlyEntries(registry) : []
  const [top] = ownerOnly.length ? rankTasks([...usable, ...ownerOnly], q, 1, argumentWords) : []
  if (top && ownerOnly.includes(top.entry)) {
    const match = matchOf(registry, tools, top.entry, times, actor)
    matches.push(match)
    size += JSON.stringify(match).length
  }
  for (const hit of hits) {
    if (hit.score < best * CLOSE_ENOUGH) break
    const match = matchOf(registry, tools, hit.entry, times, actor)
    const cost = JSON.stringify(match).length
    if (matches.length && size + cost > ANSWER_CHARACTERS) break
    matches.push(match)
    size += cost
  }
  return matches
}

function matchOf(registry: Registry, tools: ReadonlyArray<ToolDefinition>, entry: TaskEntry, times: ExampleTimes, actor: Actor): TaskMatch {
  if (entry.kind === 'action') {
    const def = registry.actions.get(entry.id)!
    const where = placeOf(def.place, 'owner')
    if (actor.type === 'agent' && def.access.agent === 'never' && where)
      return {
        action: entry.id,
        what: sentenceOf(def.title ? `${def.title}: ${firstSentence(def.description)}` : def.description),
        owner_only: `Never an agent's: the owner does it, at ${where.path} (${where.how}). Tell the owner; calling it is refused.`,
      }
    const schema = publishedSchemaOf(def.input)
    const hints = actionHints(def)
    const reasoning = hints.includes('reasoning') ? { reasoning: '<why, for the owner>' } : {}
    return {
      action: entry.id,
      what: sentenceOf(def.title ? `${def.title}: ${firstSentence(def.description)}` : def.description),
      ...(hints.length ? { hints } : {}),
      input: compactSchema(schema),
      example: {
        tool: def.destructive ? 'crm_destructive_action' : 'crm_action',
        arguments: {
          domain: def.domain,
          action: def.name,
          data: def.example ? inBusinessTime(def.example, times) : exampleData(schema, times),
          ...reasoning,
        },
      },
    }
  }
  if (entry.kind === 'data_type') {
    const def = registry.queries.get(entry.id)!
    const schema = publishedSchemaOf(def.params)
    const filters = def.example ? inBusinessTime(def.example, times) : exampleData(schema, times)
    return {
      type: entry.id,
      what: sentenceOf(def.description),
      input: compactSchema(schema),
      example: { tool: 'crm_query', arguments: { type: entry.id, ...(Object.keys(filters).length ? { filters } : {}) } },
    }
  }
  const tool = tools.find((t) => t.name === entry.id)!
  const schema = jsonSchemaOf(z.object(tool.input))
  return {
    tool: entry.id,
    what: sentenceOf(tool.description),
    input: compactSchema(schema),
    example: { tool: entry.id, arguments: tool.example ? inBusinessTime(tool.example, times) : exampleData(schema, times) },
  }
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/)
  return end === -1 ? text : text.slice(0, end)
}

/** A description's first sentence, cut to a line. */
function sentenceOf(text: string): string {
  const sentence = firstSentence(text)
  return sentence.length > 150 ? `${sentence.slice(0, 147)}...` : sentence
}

/** The words of the business's service names and units ("gutter", "cleaning", "screen"): a task names them as what to work on. */
export async function serviceWords(ctx: ToolContext): Promise<Set<string>> {
  const page = (await performQuery(
    ctx.services,
    ctx.principal,
    { type: 'services', limit: 100, filters: {} },
    { requestId: ctx.requestId },
  )) as {
    items: Array<{ name?: string; unit_name?: string | null }>
  }
  return new Set(page.items.flatMap((s) => wordsOf(`${s.name ?? ''} ${s.unit_name ?? ''}`)))
}
