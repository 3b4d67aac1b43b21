import { validationError } from './errors.js'

/** Longest name of a domain, action, data type or expansion accepted; registered names are far shorter. */
export const MAX_NAME_LENGTH = 64

/** Longest reasoning kept with a call: a few paragraphs for the owner to read. */
export const MAX_REASONING_LENGTH = 4000

/** Most expansions one read may ask for in `include`. */
export const MAX_INCLUDES = 20

/** A name given by the caller, refused when it is not a short text, before any lookup or "did you mean" work on it. */
export function boundedName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw validationError([{ field, message: 'is required: a name (see GET /api/capabilities)' }])
  if (value.length > MAX_NAME_LENGTH) {
    throw validationError([
      { field, message: `is ${value.length} characters long; names are at most ${MAX_NAME_LENGTH} (see GET /api/capabilities)` },
    ])
  }
  return value
}

/** The expansions asked for, each a bounded name, and not too many of them. */
export function boundedIncludes(values: readonly unknown[]): string[] {
  if (values.length > MAX_INCLUDES)
    throw validationError([{ field: 'include', message: `names ${values.length} expansions; at most ${MAX_INCLUDES}` }])
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

/** Most levels of objects and lists one input may nest: real calls use a handful, and every walk over input stays shallow. */
export const MAX_JSON_DEPTH = 32

/**
 * Refuses a parsed input (a body, a tool's arguments) nested deeper than MAX_JSON_DEPTH, naming where, before anything
 * walks it: redaction, validation and the audit recurse, and thousands of levels would overflow the stack. The walk
 * itself keeps its own list instead of recursing.
 */
export function boundedDepth(value: unknown, field = ''): void {
  const pending: Array<{ value: unknown; depth: number; key: string; parent: number }> = [{ value, depth: 0, key: field, parent: -1 }]
  const seen: Array<{ key: string; parent: number }> = []
  while (pending.length) {
    const item = pending.pop()!
    if (!item.value || typeof item.value !== 'object') continue
    const at = seen.push({ key: item.key, parent: item.parent }) - 1
    if (item.depth >= MAX_JSON_DEPTH) {
      throw validationError([
        { field: pathOf(seen, at), message: `is nested deeper than ${MAX_JSON_DEPTH} levels of objects and lists; send flatter data` },
      ])
    }
    for (const [key, inner] of Object.entries(item.value)) {
      if (inner && typeof inner === 'object') pending.push({ value: inner, depth: item.depth + 1, key, parent: at })
    }
  }
}

/** The dotted path of one walked value, shortened in the middle when long (the keys are the caller's). */
function pathOf(seen: Array<{ key: string; parent: number }>, at: number): string {
  const keys: string[] = []
  for (let i = at; i >= 0; i = seen[i].parent) keys.unshift(seen[i].key.slice(0, 40))
  const path = keys.filter(Boolean).join('.') || 'body'
  return path.length > 160 ? `${path.slice(0, 100)}…${path.slice(-50)}` : path
}
