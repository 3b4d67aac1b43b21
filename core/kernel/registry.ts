import type { z } from 'zod'
import { customerTextFields, entityOfField, referenceFields, type ActionAccess, type QueryAccess } from './access.js'
import type { ActionWords, Area } from '../text/action-words.js'
import type { CallPreview, FactDeclaration } from './call-preview.js'
import type { OperationContext } from './context.js'
import type { ReadAhead } from '../db/read-memo.js'
import type { BackgroundCall } from './background-step.js'
import type { ActionDestination } from '../vocabulary/places.js'
import { technicianCanReach } from '../vocabulary/reach.js'
import { schemaAt } from './schema-paths.js'

/** A state-changing operation, declared once in its domain file. */
export interface ActionDefinition<S extends z.ZodType = z.ZodType, R = unknown, O extends z.ZodType = z.ZodType> {
  readonly kind: 'action'
  domain: string
  name: string
  /** Written for a model: what it does, units and formats, side effects. */
  description: string
  /** What the action is called on the pages, in a person's words ("Add a customer"). */
  title?: string
  /** Where in the pages a person does it, or that only the office manager (or the API) does. */
  place?: ActionDestination
  /** How the permissions page speaks of it: its area, and what it lets the agent do. */
  words?: ActionWords
  /** Who may call it: agents, owners and technicians, and how far a technician reaches. */
  access: ActionAccess<z.output<S>>
  input: S
  /**
   * The one place for the words people use to ask for it, whole phrases ("she paid by check") or single words ("refund"):
   * found by crm_capabilities {q} and the search.
   */
  phrases?: string[]
  /** One call's data as an example, shown with the action when it is found by task; made from the input schema when left out. */
  example?: Record<string, unknown>
  /** Removes or irreversibly changes data (an MCP hint). */
  destructive?: boolean
  /** Calling twice with the same input has no further effect (an MCP hint). */
  idempotent?: boolean
  /** Result fields shown once and never stored (a link or a secret): a repeated Idempotency-Key gets the answer without them. */
  secretFields?: string[]
  /** What the call will do, read from the current data, for the owner's review card and the standing rules' facts. */
  preview?: (ctx: OperationContext, input: z.output<S>) => Promise<CallPreview>
  /** The facts its preview gives that standing rules may test, e.g. {amount_cents: {label: 'the invoice total', unit: 'money'}}. */
  facts?: Record<string, FactDeclaration>
  /** What run returns, as JSON reads it (times as ISO strings): published as the tool's output schema and checked by the tests. */
  output: O
  /**
   * Result fields an agent's short answer keeps beside the record's id, number, name, status and the fields the call set:
   * the effect told nowhere else in it (the visits a series booked, the lines of the visit a line was added to).
   */
  shortAnswer?: readonly string[]
  /**
   * Reads run makes on every call, sent with its transaction's BEGIN instead of a round trip each (see withTenant); a
   * function of the checked input for reads of the records the call names. Each is looked up by its key (remembered).
   */
  readAhead?: readonly ReadAhead[] | ((input: z.output<S>) => readonly ReadAhead[])
  run(ctx: OperationContext, input: z.output<S>): Promise<R>
  /**
   * The part of the operation that calls something outside the database (a model, a remote), which must never hold its
   * transaction open. Core starts it in the background once run's transaction has committed, whoever called (a page,
   * the HTTP API, MCP, the owner's approval, another action through callWithin), and the call answers at once with what
   * run returned. It records what it learns through operations of its own. It starts again on a repeated call (a
   * replayed Idempotency-Key too), which is how one cut short is finished: it must read the committed state and do
   * nothing when there is nothing left to do.
   */
  background?(call: BackgroundCall, input: z.output<S>, result: R): Promise<void>
}

/** What a query receives: the type's own filters plus the standard id, include, limit and cursor. */
export interface QueryRequest<P> {
  id?: string
  params: P
  include: ReadonlySet<string>
  limit: number
  cursor?: string
}

/** One page of a list; a request by id returns the single record instead. */
export interface Page<T = Record<string, unknown>> {
  items: T[]
  next_cursor: string | null
}

/** A read-only data type, declared once in its domain file. */
export interface QueryDefinition<S extends z.ZodObject = z.ZodObject, R extends z.ZodType = z.ZodType> {
  readonly kind: 'query'
  type: string
  description: string
  /**
   * The columns of its CSV export, as its records hold them, so an empty export still has its header row. Each include=
   * expansion adds one column of its own name after these; the business's own fields (custom_fields) come last, one column each.
   */
  exportColumns?: readonly string[]
  /** Who may read it: agents, owners and technicians, and how far a technician reaches. */
  access: QueryAccess
  params: S
  /** Names accepted by include=, each expanding the records. */
  include?: readonly string[]
  /** The audit entity_type of the records, which makes include=audit_trail work. */
  entity?: string
  /**
   * The one place for the words people use to ask for it, whole phrases ("who still owes us") or single words:
   * found by crm_capabilities {q} and the search.
   */
  phrases?: string[]
  /** One read's filters as an example, shown with the type when it is found by task. */
  example?: Record<string, unknown>
  /** Items per page when the caller gives no limit, for a type whose answer is best short (else DEFAULT_LIMIT). */
  defaultLimit?: number
  /** One record as JSON reads it (times as ISO strings), with every include= expansion optional: a page's items and a read by id. */
  record: R
  /**
   * Reads run makes for these filters, sent with its transaction's BEGIN instead of a round trip each (see withTenant).
   * Used only when the filters name no record by its number or name, so they are validated before BEGIN.
   */
  readAhead?: (params: z.output<S>) => Promise<readonly ReadAhead[]>
  run(ctx: OperationContext, req: QueryRequest<z.output<S>>): Promise<Page>
}

/** Declares an action. */
export function defineAction<S extends z.ZodType, R, O extends z.ZodType>(
  def: Omit<ActionDefinition<S, R, O>, 'kind' | 'domain' | 'name'> & { key: ActionKey },
): ActionDefinition<S, R, O> {
  const { key, ...rest } = def
  const dot = key.indexOf('.')
  return { kind: 'action', domain: key.slice(0, dot), name: key.slice(dot + 1), ...rest }
}

/** How an action is declared and called: "domain.name", as crm_action takes it. */
export type ActionKey = `${string}.${string}`

/** Declares a data type. */
export function defineQuery<S extends z.ZodObject, R extends z.ZodType>(def: Omit<QueryDefinition<S, R>, 'kind'>): QueryDefinition<S, R> {
  return { kind: 'query', ...def }
}

/** Every action and data type of the product, by name. */
export interface Registry {
  actions: ReadonlyMap<string, ActionDefinition>
  queries: ReadonlyMap<string, QueryDefinition>
}

/** The key an action is known by: "domain.name". */
export function actionKey(domain: string, name: string): string {
  return `${domain}.${name}`
}

/** Names of domains, actions and data types: lower snake case, so "domain.name" keys can never be ambiguous. */
const NAME_PATTERN = /^[a-z][a-z0-9_]*$/

/** Collects every definition exported by the given modules; a duplicate or malformed name stops start-up. */
export function createRegistry(modules: ReadonlyArray<Record<string, unknown>>): Registry {
  const actions = new Map<string, ActionDefinition>()
  const queries = new Map<string, QueryDefinition>()
  for (const mod of modules) {
    // A domain's manifest may say where its actions sit on the permissions page; an action saying otherwise keeps its own.
    const declared = (mod.domain as { area?: unknown } | undefined)?.area
    const area = typeof declared === 'string' ? (declared as Area) : undefined
    for (const value of Object.values(mod)) {
      if (!value || typeof value !== 'object') continue
      const def = value as ActionDefinition | QueryDefinition
      for (const name of def.kind === 'action' ? [def.domain, def.name] : def.kind === 'query' ? [def.type] : []) {
        if (!NAME_PATTERN.test(name)) throw new Error(`Operation name "${name}" must be lower snake case (a-z, 0-9, _)`)
      }
      if (def.kind === 'action') {
        const key = actionKey(def.domain, def.name)
        if (actions.has(key)) throw new Error(`Action ${key} is registered twice`)
        checkActionAccess(key, def as ActionDefinition)
        // Filled in on the declaration itself: callers hold the declared object (callAction, the tests' identity checks).
        if (area && !def.words?.area) def.words = { ...def.words, area }
        actions.set(key, def as ActionDefinition)
      } else if (def.kind === 'query') {
        if (queries.has(def.type)) throw new Error(`Data type ${def.type} is registered twice`)
        checkQueryAccess(def as QueryDefinition)
        queries.set(def.type, def as QueryDefinition)
      }
    }
  }
  return { actions, queries }
}

/**
 * An action open to technicians on their assigned records must name a record core can check, and the fields only the
 * owner may let an agent give, and those customers read, must be fields of its input (a misspelt one would never ask).
 */
function checkActionAccess(key: string, def: ActionDefinition): void {
  if (!def.access) throw new Error(`Action ${key} declares no access`)
  if (!def.output) throw new Error(`Action ${key} declares no output schema`)
  const taken = Object.keys((def.input as unknown as { shape?: Record<string, unknown> }).shape ?? {})
  const strays = (def.access.ownerApproves?.fields ?? []).filter((f) => !taken.includes(f))
  if (strays.length) throw new Error(`Action ${key} asks the owner's approval for ${strays.join(', ')}, which its input does not take`)
  const words = customerTextFields(def.access.customerText)
  const missing = words.filter((path) => !schemaAt(def.input, path.split('.')))
  if (missing.length) throw new Error(`Action ${key} says customers read ${missing.join(', ')}, which its input does not take`)
  const refs = referenceFields(def.input)
  if (def.access.technician === 'assigned' && !refs.some((f) => technicianCanReach(entityOfField(f) as string))) {
    throw new Error(`Action ${key} is open to technicians on their assigned records but names no record a technician can reach`)
  }
}

/** A data type a technician reads in part must say which records its ids are. */
function checkQueryAccess(def: QueryDefinition): void {
  if (!def.access) throw new Error(`Data type ${def.type} declares no access`)
  if (!def.record) throw new Error(`Data type ${def.type} declares no record schema`)
  if (def.access.technician === 'assigned' && !(def.access.idEntity ?? def.entity)) {
    throw new Error(`Data type ${def.type} is open to technicians on their assigned records but says neither entity nor access.idEntity`)
  }
}
