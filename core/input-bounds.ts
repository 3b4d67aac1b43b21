import { validationError } from './errors.js'

/** Longest name of a domain, action, data type or expansion accepted; registered names are far shorter. */
export const MAX_NAME_LENGTH = 64

/** Longest reasoning kept with a call: a few paragraphs for the owner to read. */
export const MAX_REASONING_LENGTH = 4000

/** Most expansions one read may ask for in `include`. */
export const MAX_INCLUDES = 20

/** A name given by the caller, refused when it is not a short text, before any lookup or "did you mean" work on it. */
export function boundedName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw validationError([{ field, message: 'is required: a name (see GET /api/capabilities)' }])
  if (value.length > MAX_NAME_LENGTH) {
    throw validationError([{ field, message: `is ${value.length} characters long; names are at most ${MAX_NAME_LENGTH} (see GET /api/capabilities)` }])
  }
  return value
}

/** The expansions asked for, each a bounded name, and not too many of them. */
export function boundedIncludes(values: readonly unknown[]): string[] {
  if (values.length > MAX_INCLUDES) throw validationError([{ field: 'include', message: `names ${values.length} expansions; at most ${MAX_INCLUDES}` }])
  return values.map((v) => boundedName('include', v))
}

/** The reasoning given with a call, trimmed; null when none, refused when it is not text or is longer than the owner would read. */
export function boundedReasoning(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw validationError([{ field: 'reasoning', message: 'must be text' }])
  if (value.length > MAX_REASONING_LENGTH) {
    throw validationError([{ field: 'reasoning', message: `is ${value.length} characters long; at most ${MAX_REASONING_LENGTH}` }])
  }
  return value.trim() || null
}
