import type { z } from 'zod'
import { validationError, type FieldIssue } from './errors.js'
import { closeNames } from '../text/suggest.js'

/** Parses input with a schema; failures name each field (under prefix) and what was expected. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
  const unstorable = unstorableText(input, prefix)
  if (unstorable) throw validationError([unstorable])
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw validationError(result.error.issues.map((issue) => toFieldIssue(schema, issue, prefix, input)))
}

function toFieldIssue(schema: z.ZodType, issue: z.core.$ZodIssue, prefix: string, input: unknown): FieldIssue {
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
  // zod leaves the value out of its issues, so whether the field was given is read from the input itself: a value of the
  // wrong kind (a text for a number, 1.5 for a whole number) keeps the schema's own words.
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    return { field, message: `is required (expected ${issue.expected})` }
  }
  if (issue.code === 'unrecognized_keys') {
    return { field, message: unknownFieldsMessage(issue.keys, fieldNamesAt(schema, issue.path)) }
  }
  return { field, message: issue.message }
}

/** The value at a path into the input; undefined when any step of it is missing. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at = input
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined
    at = (at as Record<PropertyKey, unknown>)[key]
  }
  return at
}

/** Most field names listed after an unknown one; an object with more is left to its description. */
const MAX_LISTED_FIELDS = 30

/** "has unknown field(s) address (did you mean addresses?)", or the known names when none is close. */
function unknownFieldsMessage(keys: string[], known: string[]): string {
  const named = keys.map((k) => {
    const near = closeNames(k, known)
    return near.length ? `${k} (did you mean ${near.join(' or ')}?)` : k
  })
  const anyNear = named.some((n, i) => n !== keys[i])
  const list = !anyNear && known.length && known.length <= MAX_LISTED_FIELDS ? `; the fields are ${known.join(', ')}` : ''
  return `has unknown field(s) ${named.join(', ')}${list}`
}

/** The field names of the object the schema holds at this path (through optional, default, array and the like). */
function fieldNamesAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  let at: unknown = schema
  const steps = [...path]
  for (let guard = 0; guard < 64 && at; guard++) {
    const def = (at as { _zod?: { def?: Record<string, unknown> } })._zod?.def
    if (!def) return []
    if (def.type === 'object') {
      const shape = def.shape as Record<string, unknown>
      if (!steps.length) return Object.keys(shape)
      at = shape[String(steps.shift())]
    } else if (def.type === 'array') {
      if (steps.length) steps.shift()
      at = def.element
    } else if (def.type === 'record') {
      if (steps.length) steps.shift()
      at = def.valueType
    } else if (def.type === 'pipe') {
      at = def.in
    } else if ('innerType' in def) {
      at = def.innerType
    } else {
      return []
    }
  }
  return []
}

/** A NUL character, or half of a UTF-16 surrogate pair: text that PostgreSQL cannot store and UTF-8 cannot carry. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is matched on purpose, PostgreSQL cannot store it
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** The first text (or key) in the input that cannot be stored, named by its path; undefined when all can. */
function unstorableText(value: unknown, path: string, depth = 0): FieldIssue | undefined {
  if (typeof value === 'string') {
    return UNSTORABLE.test(value)
      ? { field: path, message: 'contains a NUL character or an unpaired surrogate (\\u0000, \\ud800), which cannot be stored; remove it' }
      : undefined
  }
  // Deeper than any schema goes: the schema refuses such input by itself.
  if (value === null || typeof value !== 'object' || depth > 20) return undefined
  for (const [key, inner] of Object.entries(value)) {
    const at = [path, key].filter(Boolean).join('.')
    const found =
      (UNSTORABLE.test(key) ? { field: at, message: 'is a name with a NUL character or an unpaired surrogate' } : undefined) ??
      unstorableText(inner, at, depth + 1)
    if (found) return found
  }
  return undefined
}
