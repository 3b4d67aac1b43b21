import type { z } from 'zod'
import { validationError, type FieldIssue } from './errors.js'

/** Parses input with a schema; failures name each field (under prefix) and what was expected. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
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
