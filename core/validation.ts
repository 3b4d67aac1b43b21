import type { z } from 'zod'
import { validationError, type FieldIssue } from './errors.js'

/** Parses input with a schema; failures name each field (under prefix) and what was expected. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
  const unstorable = unstorableText(input, prefix)
  if (unstorable) throw validationError([unstorable])
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw validationError(result.error.issues.map((issue) => toFieldIssue(issue, prefix)))
}

function toFieldIssue(issue: z.core.$ZodIssue, prefix: string): FieldIssue {
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) {
    return { field, message: `is required (expected ${issue.expected})` }
  }
  if (issue.code === 'unrecognized_keys') {
    return { field, message: `has unknown field(s) ${issue.keys.join(', ')}` }
  }
  return { field, message: issue.message }
}

/** A NUL character, or half of a UTF-16 surrogate pair: text that PostgreSQL cannot store and UTF-8 cannot carry. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** The first text (or key) in the input that cannot be stored, named by its path; undefined when all can. */
function unstorableText(value: unknown, path: string, depth = 0): FieldIssue | undefined {
  if (typeof value === 'string') {
    return UNSTORABLE.test(value) ? { field: path, message: 'contains a NUL character or an unpaired surrogate (\\u0000, \\ud800), which cannot be stored; remove it' } : undefined
  }
  // Deeper than any schema goes: the schema refuses such input by itself.
  if (value === null || typeof value !== 'object' || depth > 20) return undefined
  for (const [key, inner] of Object.entries(value)) {
    const at = [path, key].filter(Boolean).join('.')
    const found = (UNSTORABLE.test(key) ? { field: at, message: 'is a name with a NUL character or an unpaired surrogate' } : undefined)
      ?? unstorableText(inner, at, depth + 1)
    if (found) return found
  }
  return undefined
}
