import { z } from 'zod'
import { businessFields } from '../core/vocabulary/business-fields.js'
import { accessNotes, actionHints, describeDataType, HINTS_LEGEND, listedTo } from '../core/kernel/operation-catalogue.js'
import { AppError } from '../core/kernel/errors.js'
import { jsonSchemaOf } from '../core/kernel/json-schema.js'
import { publishedSchemaOf } from '../core/text/record-ref-words.js'
import { performAction, performQuery } from '../core/kernel/operations.js'
import { actionKey, type QueryDefinition } from '../core/kernel/registry.js'
import { nearestNames } from '../core/text/suggest.js'
import { boundedName } from '../core/kernel/input-bounds.js'
import { shortAnswer } from './action-answer.js'
import { requestOutcome } from './request-outcome.js'
import { answerTask, serviceWords } from './task-answer.js'
import { exampleTimes } from '../core/kernel/example-data.js'
import { businessZone } from './workflows/find-customer.js'
import { defineTool, type ToolContext, type ToolDefinition, uuidArg } from './tool.js'
import { WORKFLOW_TOOLS } from './workflows/index.js'

/** An object whose fields the answer itself describes (a JSON Schema). */
const obj = z.object({}).optional()

/** Layer 1: the registry as three tools. No operation is named here; everything comes from the registry. */
export const crmCapabilities = defineTool({
  name: 'crm_capabilities',
  title: 'List CRM operations',
  description:
    'Finds what to call. q: a task in plain words ("she paid by check") answers the best actions with an example call. ' +
    'No arguments: everything. action="domain.name" or type: its schema (output=true: its answer).',
  input: {
    q: z.string().max(300).optional(),
    action: z.string().optional(),
    type: z.string().optional(),
    output: z.boolean().optional(),
  },
  // The list of everything, or one action (input and output schemas) or one data type (params and record schema).
  output: { matches: z.array(obj).optional() },
  readOnly: true,
  idempotent: true,
  async run({ services, principal, requestId }, args) {
    const { registry } = services
    // The business's own fields, where a caller fills them in or filters by them.
    const withFields = async (name: string | undefined) => {
      if (name && !/^(contact\.(create|update)|ticket\.(create|update)|contacts|tickets)$/.test(name)) return {}
      const fields = await businessFields(services, principal, requestId)
      return fields ? { custom_fields: fields } : {}
    }
    if (args.q !== undefined) {
      const tools = [...WORKFLOW_TOOLS, crmAuthorizationStatus as unknown as ToolDefinition]
      const words = await serviceWords({ services, principal, requestId })
      const times = exampleTimes(services.now(), await businessZone({ services, principal, requestId }))
      const matches = answerTask(registry, tools, principal.actor, args.q, times, words)
      if (!matches.length)
        throw new AppError('NOT_FOUND', `Nothing matches "${args.q}": say the task in other words, or call without q for the whole list`, {
          field: 'q',
        })
      return { matches }
    }
    if (args.action) {
      const def = registry.actions.get(args.action)
      if (!def) throw unknownName('action', args.action, registry.actions.keys())
      return {
        action: actionKey(def.domain, def.name),
        description: def.description,
        permission: def.access.agent,
        hints: actionHints(def),
        ...(def.access.agent === 'never' ? { note: 'for people signed in only; an agent is always refused' } : {}),
        ...accessNotes(def),
        input: publishedSchemaOf(def.input),
        // The answer's schema is most of a lookup and rarely needed before the call: given when asked.
        ...(args.output ? { output: jsonSchemaOf(def.output) } : {}),
        ...(await withFields(args.action)),
      }
    }
    if (args.type) {
      const full = describeDataType(registry, args.type)
      if (!full) throw unknownName('type', args.type, registry.queries.keys())
      return {
        ...full,
        record: jsonSchemaOf((registry.queries.get(args.type) as QueryDefinition).record),
        ...(await withFields(args.type)),
      }
    }
    const actor = principal.actor
    // One short line per action (its title) and a name per data type: the whole menu in few tokens; each lookup says the rest.
    return {
      actions: [...registry.actions.values()]
        .filter((d) => listedTo(actor, d.access))
        .map((d) => {
          const hints = actionHints(d)
          return `${actionKey(d.domain, d.name)}${hints.length ? ` [${hints.join(', ')}]` : ''} ${d.title ?? firstSentence(d.description)}`
        }),
      data_types: [...registry.queries.values()].filter((q) => listedTo(actor, q.access)).map((q) => q.type),
      hints: HINTS_LEGEND,
      ...(await withFields(undefined)),
      next: 'crm_capabilities {action} or {type} for a schema; crm_action to run; crm_query to read',
    }
  },
})

/** Reads any data type. */
export const crmQuery = defineTool({
  name: 'crm_query',
  title: 'Read CRM data',
  description: 'Reads a data type: one by id (or number, name), or a page by filters (crm_capabilities type=... lists them).',
  input: {
    type: z.string(),
    id: z.string().optional(),
    filters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    include: z.array(z.string()).optional(),
    limit: z.number().int().min(1).max(100).optional(),
    cursor: z.string().optional(),
  },
  // One record by id, or a page of them; each type's record schema is in crm_capabilities type=...
  output: { items: z.array(z.object({})).optional(), next_cursor: z.string().nullable().optional() },
  readOnly: true,
  idempotent: true,
  argumentHint(args) {
    // A filter given beside type would otherwise be dropped, and the answer would look like the filtered one.
    const stray = Object.keys(args).filter((k) => !QUERY_ARGUMENTS.includes(k))
    if (!stray.length) return undefined
    const filters = Object.fromEntries(stray.map((k) => [k, args[k]]))
    return `filters go inside filters: call with ${JSON.stringify({ type: args.type, filters })}`
  },
  async run({ services, principal, requestId }, args) {
    const filters = Object.fromEntries(Object.entries(args.filters ?? {}).map(([k, v]) => [k, String(v)]))
    return performQuery(
      services,
      principal,
      { type: args.type, id: args.id, include: args.include, limit: args.limit, cursor: args.cursor, filters },
      { requestId },
    )
  },
})

/** crm_query's own arguments; any other name is a filter put in the wrong place. */
const QUERY_ARGUMENTS = ['type', 'id', 'filters', 'include', 'limit', 'cursor']

/** crm_action's and crm_destructive_action's arguments: the same call, told apart only by the actions each runs. */
const ACTION_ARGUMENTS = {
  domain: z.string(),
  action: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
  reasoning: z.string().optional(),
  full: z.boolean().optional(),
}

/** The action's own answer, or a queued call's status and request_id. */
const ACTION_ANSWER = { status: z.string().optional(), request_id: z.string().optional() }

/** How to fix an action call whose domain is missing or folded into action (e.g. "contact.create"). */
function actionArgumentHint(args: Record<string, unknown>): string | undefined {
  const [domain, ...rest] = typeof args.action === 'string' ? args.action.split('.') : []
  if (args.domain === undefined && domain && rest.length) {
    return `domain is required: call with ${JSON.stringify({ domain, action: rest.join('.') })}, the action's name without its domain`
  }
  if (args.domain === undefined || args.action === undefined)
    return 'domain and action are both required, e.g. {"domain":"contact","action":"create","data":{...}}'
  return undefined
}

/**
 * Runs an action through the tool made for its kind: clients ask their user before a tool marked destructive, so the
 * hint on each tool is true only if each runs its own kind. An unknown action goes on to performAction, which names it.
 */
async function runActionOfKind(ctx: ToolContext, args: z.output<z.ZodObject<typeof ACTION_ARGUMENTS>>, destructive: boolean) {
  const def = ctx.services.registry.actions.get(actionKey(args.domain, args.action))
  if (def && Boolean(def.destructive) !== destructive) {
    const tool = def.destructive ? 'crm_destructive_action' : 'crm_action'
    throw new AppError(
      'VALIDATION_ERROR',
      `${actionKey(args.domain, args.action)} ${def.destructive ? 'is' : 'is not'} destructive: call ${tool} with the same arguments`,
      {
        field: 'action',
        tool,
      },
    )
  }
  const { domain, action, data, reasoning } = args
  const outcome = await performAction(ctx.services, ctx.principal, { domain, action, data, reasoning }, { requestId: ctx.requestId })
  // A queued call's answer is already short; an answer read in full is asked for.
  if (outcome.queued || args.full || !def) return outcome.result
  return shortAnswer(def, data, outcome.result)
}

/** Runs any action that only adds or changes data. */
export const crmAction = defineTool({
  name: 'crm_action',
  title: 'Run a CRM action',
  description:
    'Runs an action (find one: crm_capabilities q). New customer: domain "contact", action "create", data {first_name,' +
    'last_name,email,phone,addresses:[{line1,city,state,postal_code}]}. Ids take numbers (#240) or names. reasoning: for ' +
    'approval actions (they answer "pending_authorization"). Destructive ones: crm_destructive_action.',
  input: ACTION_ARGUMENTS,
  output: ACTION_ANSWER,
  readOnly: false,
  argumentHint: actionArgumentHint,
  run: (ctx, args) => runActionOfKind(ctx, args, false),
})

/** Runs any action that removes or irreversibly changes data (delete, void, revoke, end). */
export const crmDestructiveAction = defineTool({
  name: 'crm_destructive_action',
  title: 'Run a destructive CRM action',
  description: 'Runs a destructive action (delete, void, end); arguments as crm_action.',
  input: ACTION_ARGUMENTS,
  output: ACTION_ANSWER,
  readOnly: false,
  destructive: true,
  argumentHint: actionArgumentHint,
  run: (ctx, args) => runActionOfKind(ctx, args, true),
})

function unknownName(field: string, given: string, known: Iterable<string>): AppError {
  boundedName(field, given)
  const suggestions = nearestNames(given, known)
  return new AppError('NOT_FOUND', `Unknown ${field} "${given}". Did you mean: ${suggestions.join(', ')}?`, { field, suggestions })
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/)
  return end === -1 ? text : text.slice(0, end)
}

/** How a queued call is doing. */
export const crmAuthorizationStatus = defineTool({
  name: 'crm_authorization_status',
  phrases: ['did the owner approve it', 'is my request approved yet'],
  title: 'Check an authorization request',
  description: "A queued call's status and outcome.",
  input: { request_id: uuidArg(), full: z.boolean().optional() },
  output: { request_id: z.string(), status: z.string(), next_step: z.string().optional() },
  readOnly: true,
  idempotent: true,
  async run({ services, principal, requestId }, args) {
    const r = (await performQuery(services, principal, { type: 'authorization_requests', id: args.request_id }, { requestId })) as Record<
      string,
      unknown
    >
    const { id, action_key, status, summary, result, error, decision, decision_reason, decision_note, edits, data, expires_at, next_step } =
      r
    if (!args.full) {
      // Done is done: the next step only helps while something is left to do.
      const next = status === 'executed' ? {} : { next_step }
      return { request_id: id, action: action_key, status, outcome: requestOutcome(services.registry, r), ...next }
    }
    return {
      request_id: id,
      action: action_key,
      summary,
      status,
      decision,
      reason: decision_reason,
      note: decision_note,
      edits,
      data,
      result,
      error,
      expires_at,
      next_step,
    }
  },
})
