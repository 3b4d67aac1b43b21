import { z } from 'zod'
import type { Queryable } from '../db/types.js'
import { defOf, innerOf } from './schema-paths.js'

/** What a value of a call is read against when it is fixed: the business's data, its date today and its time zone. */
export interface BindContext {
  db: Queryable
  /** The business's date today (YYYY-MM-DD), in its time zone. */
  today: string
  timezone: string
}

/**
 * An input whose meaning depends on when or where it is read: a day word ("today"), a wall-clock time, a name. Bound, it
 * becomes the fixed value it means now (a date, an instant with its offset, an id), valid for the same field.
 */
export interface Bindable {
  /** What the value names, in a few words for the owner ("a day", "a team member"). */
  what: string
  bind(ctx: BindContext, value: unknown, field: string): Promise<unknown>
}

/**
 * Input schemas whose values are read relative to the day, the clock or the team: each names its entry in `ways`. A
 * registry entry follows a schema through .describe(), .meta() and refinements, which copy it.
 */
const bindableInputs = z.registry<{ way: number }>()
const ways: Bindable[] = []

/** Marks a schema as relative: a call that waits for the owner is stored with the value it means when it was made. */
export function bindable<T extends z.ZodType>(schema: T, how: Bindable): T {
  bindableInputs.add(schema, { way: ways.push(how) - 1 })
  return schema
}

/** How to fix a schema's relative value, or undefined for a schema whose values mean the same on any day. */
function bindingOf(schema: z.ZodType): Bindable | undefined {
  const entry = bindableInputs.get(schema)
  return entry ? ways[entry.way] : undefined
}

/** One value of a call fixed to what it meant: the field, what the caller wrote and what is stored. */
export interface BoundValue {
  field: string
  from: unknown
  to: unknown
}

/**
 * The call with every relative value fixed to what it means now (day words to dates, names to ids, wall-clock times to
 * instants), walking the parsed input along its schema; `bound` lists the values that changed.
 */
export async function bindCall(schema: z.ZodType, input: unknown, ctx: BindContext): Promise<{ value: unknown; bound: BoundValue[] }> {
  const bound: BoundValue[] = []
  const value = await bindValue(schema, input, ctx, 'data', bound)
  return { value, bound }
}

/** Whether a schema, anywhere inside it, takes a relative value (a test queues such calls with relative words). */
export function relativeFields(schema: z.ZodType, path = ''): Array<{ field: string; what: string }> {
  const how = bindingOf(schema)
  if (how) return [{ field: path, what: how.what }]
  const inner = innerOf(schema)
  if (inner) return relativeFields(inner, path)
  const def = defOf(schema)
  if (def.type === 'object') {
    return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, s]) => relativeFields(s, path ? `${path}.${k}` : k))
  }
  if (def.type === 'array') return relativeFields(def.element as z.ZodType, `${path}.0`)
  return []
}

async function bindValue(schema: z.ZodType, value: unknown, ctx: BindContext, path: string, bound: BoundValue[]): Promise<unknown> {
  if (value === undefined || value === null) return value
  const how = bindingOf(schema)
  if (how) {
    const to = await how.bind(ctx, value, path)
    if (to !== value) bound.push({ field: path, from: value, to })
    return to
  }
  const inner = innerOf(schema)
  if (inner) return bindValue(inner, value, ctx, path, bound)
  const def = defOf(schema)
  if (def.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) }
    for (const [key, field] of Object.entries(def.shape as Record<string, z.ZodType>)) {
      if (key in out) out[key] = await bindValue(field, out[key], ctx, `${path}.${key}`, bound)
    }
    return out
  }
  if (def.type === 'array' && Array.isArray(value)) {
    const out: unknown[] = []
    for (const [i, item] of value.entries()) out.push(await bindValue(def.element as z.ZodType, item, ctx, `${path}.${i}`, bound))
    return out
  }
  return value
}
