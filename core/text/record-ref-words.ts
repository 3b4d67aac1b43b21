import type { z } from 'zod'
import { entityOfField } from '../kernel/access.js'
import { jsonSchemaOf } from '../kernel/json-schema.js'
import { recordKindOf } from '../vocabulary/record-kinds.js'

const cache = new WeakMap<z.ZodType, Record<string, unknown>>()

/**
 * The JSON Schema published for an action's input or a data type's filters: an id field whose record is taken by number
 * or name says so in a few words ("id or #number") instead of holding callers to a UUID format.
 */
export function publishedSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let out = cache.get(schema)
  if (!out) {
    out = sayRefs(jsonSchemaOf(schema)) as Record<string, unknown>
    cache.set(schema, out)
  }
  return out
}

function sayRefs(node: unknown, takes: string | null = null): unknown {
  if (Array.isArray(node)) return node.map((n) => sayRefs(n, takes))
  if (!node || typeof node !== 'object') return node
  const given = node as Record<string, unknown>
  if (takes && given.format === 'uuid') {
    const { format: _uuid, description, ...rest } = given
    return { ...rest, description: description ? `${description} (${takes})` : takes }
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(given)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, prop]) => [
          name,
          sayRefs(prop, recordKindOf(entityOfField(name))?.takes ?? null),
        ]),
      )
    } else if (key === 'description' || key === 'format') out[key] = value
    // The words reach a field's own schema through a list (items) or a choice of null (anyOf), and no deeper object; a
    // choice of an id or something else (a team member's name) already says what it takes.
    else out[key] = sayRefs(value, key === 'items' || ((key === 'anyOf' || key === 'oneOf') && orNull(value)) ? takes : null)
  }
  return out
}

/** Whether a choice of schemas is one schema or null. */
function orNull(options: unknown): boolean {
  return Array.isArray(options) && options.filter((o) => (o as { type?: unknown })?.type !== 'null').length <= 1
}
