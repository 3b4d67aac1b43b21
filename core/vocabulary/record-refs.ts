import type { z } from 'zod'
import { entityOfField, reachOf, type Reach } from '../kernel/access.js'
import type { Actor } from '../kernel/context.js'
import type { Queryable } from '../db/types.js'
import { AppError, validationError } from '../kernel/errors.js'
import { reachedByTechnician, technicianCanReach } from './reach.js'
import { type Candidate, type RecordKind, recordKindOf } from './record-kinds.js'
import { defOf, innerOf } from '../kernel/schema-paths.js'
import { isUuid } from '../kernel/schema-types.js'

/** Candidates an ambiguous name lists at most; the rest are counted. */
const MAX_CANDIDATES = 10
/** Names an unknown name is answered with at most; the rest are counted. */
const MAX_NAMES = 30

/** Whose records a lookup may find: every record of the business, or only those a technician's assigned tickets reach. */
export type RefReach = { technicianId: string | null } | 'none'

/** One id field of a call given a number or name: where it is, what was given and the kind of record it names. */
interface PendingRef {
  path: Array<string | number>
  field: string
  value: string
  entity: string
  kind: RecordKind
}

/** The reach of a caller's lookups for an operation, from its declared access (as authorization reads it). */
export function refReachOf(actor: Actor, access: { owner?: Reach; technician: Reach }): RefReach {
  if (actor.type !== 'user') return { technicianId: null }
  const reach = reachOf(access, actor.role)
  return reach === 'none' ? 'none' : { technicianId: reach === 'assigned' ? actor.id : null }
}

/** Whether a schema, once unwrapped, is an id (a UUID string). */
function isIdSchema(schema: z.ZodType): boolean {
  const inner = innerOf(schema)
  if (inner) return isIdSchema(inner)
  const def = defOf(schema)
  return def.type === 'string' && def.format === 'uuid'
}

/** The element schema of a list of ids, or null for any other schema. */
function idListElement(schema: z.ZodType): z.ZodType | null {
  const inner = innerOf(schema)
  if (inner) return idListElement(inner)
  const def = defOf(schema)
  return def.type === 'array' && isIdSchema(def.element as z.ZodType) ? (def.element as z.ZodType) : null
}

/** Longest number or name looked up; anything longer is left to the schema, which refuses it as an id. */
const MAX_WORD = 200

/**
 * A value given where an id is asked that is meant as a number or name: a whole number, or a short printable string that
 * is not a UUID. Anything else is left for the schema to refuse.
 */
function refWord(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value)
  if (typeof value !== 'string' || isUuid(value)) return null
  const word = (value as string).trim()
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (and lone surrogates) are what is refused here
  if (!word || word.length > MAX_WORD || /[\u0000-\u001f\u007f]|\p{Cs}/u.test(word)) return null
  return word
}

/**
 * The id fields of the values, found along the schema at any depth (`lines.0.service_id`, `technician_ids.1`), that are
 * given as a number or name of a kind of record taken that way.
 */
export function refsToResolve(schema: z.ZodType, value: unknown, prefix: string): PendingRef[] {
  const found = new Map<string, PendingRef>()
  collect(schema, value, [], prefix, found)
  return [...found.values()]
}

function collect(schema: z.ZodType, value: unknown, path: Array<string | number>, prefix: string, out: Map<string, PendingRef>) {
  if (value === undefined || value === null) return
  const inner = innerOf(schema)
  if (inner) return collect(inner, value, path, prefix, out)
  const def = defOf(schema)
  if (def.type === 'union') {
    for (const option of def.options as z.ZodType[]) collect(option, value, path, prefix, out)
    return
  }
  if (def.type === 'array' && Array.isArray(value)) {
    for (const [i, item] of value.entries()) collect(def.element as z.ZodType, item, [...path, i], prefix, out)
    return
  }
  if (def.type !== 'object' || typeof value !== 'object' || Array.isArray(value)) return
  const given = value as Record<string, unknown>
  for (const [key, field] of Object.entries(def.shape as Record<string, z.ZodType>)) {
    if (!(key in given)) continue
    const entity = entityOfField(key)
    const kind = recordKindOf(entity)
    const at = [...path, key]
    if (kind && entity && isIdSchema(field)) add(out, at, prefix, given[key], entity, kind)
    else if (kind && entity && idListElement(field) && Array.isArray(given[key])) {
      for (const [i, item] of (given[key] as unknown[]).entries()) add(out, [...at, i], prefix, item, entity, kind)
    } else collect(field, given[key], at, prefix, out)
  }
}

function add(out: Map<string, PendingRef>, path: Array<string | number>, prefix: string, raw: unknown, entity: string, kind: RecordKind) {
  const value = refWord(raw)
  const field = `${prefix}${path.join('.')}`
  if (value !== null) out.set(field, { path, field, value, entity, kind })
}

/**
 * Whether the schema refuses the values only where numbers or names stand for ids: the rest of the call is valid, so they
 * are worth looking up. A call wrong elsewhere is answered with all its problems at once, as before any lookup.
 */
export function refusedOnlyAtRefs(schema: z.ZodType, value: unknown, refs: readonly PendingRef[], prefix: string): boolean {
  const result = schema.safeParse(value)
  if (result.success) return true
  const fields = new Set(refs.map((r) => r.field))
  return result.error.issues.every((issue) => fields.has(`${prefix}${issue.path.map(String).join('.')}`))
}

/**
 * The values with every number or name given in an id field (`#171`, `INV-2026-0004`, `Jane Smith`, `Window cleaning`)
 * replaced by the id of the one record it means, read in the business's transaction and within the caller's reach. An
 * ambiguous one is a VALIDATION_ERROR listing the candidates; one that means nothing is NOT_FOUND; both name the field.
 */
export async function resolveRecordRefs<T>(tx: Queryable, refs: readonly PendingRef[], value: T, reach: RefReach): Promise<T> {
  if (!refs.length || reach === 'none') return value
  const resolved = structuredClone(value) as unknown
  const memo = new Map<string, string>()
  for (const ref of refs) {
    const key = `${ref.kind.entity}\u0000${ref.value}`
    const id = memo.get(key) ?? (await idOf(tx, ref, reach.technicianId))
    memo.set(key, id)
    setAt(resolved, ref.path, id)
  }
  return resolved as T
}

/** The id of the one record a number or name means, for one field. */
export async function idOf(tx: Queryable, ref: Pick<PendingRef, 'field' | 'value' | 'kind'>, technicianId: string | null): Promise<string> {
  const { kind, field, value } = ref
  if (technicianId && !technicianCanReach(kind.entity)) {
    throw new AppError('FORBIDDEN', `A technician cannot name a ${kind.noun} (${field}); ask the owner`, { field })
  }
  const found = await kind.find(tx, value)
  if (!found) throw validationError([{ field, message: `expected the ${kind.noun}'s ${kind.takes}` }])
  const reached = technicianId ? await reachedBy(tx, technicianId, kind.entity, found) : found
  if (reached.length === 1) return reached[0].id
  if (!reached.length) {
    if (kind.names) throw unknownName(field, kind, value, await kind.names(tx))
    throw new AppError('NOT_FOUND', `${field}: no ${kind.noun} ${kind.shown(value)} in this business`, { field, entity: kind.noun })
  }
  const listed = reached.slice(0, MAX_CANDIDATES)
  const more = reached.length > listed.length ? `; and ${reached.length - listed.length} more` : ''
  const message =
    `${kind.shown(value)} could be ${reached.length} ${kind.noun}s: ` +
    `${listed.map((c) => `${c.label} (${c.id}${c.detail ? `, ${c.detail}` : ''})`).join('; ')}${more}; give the id`
  throw new AppError('VALIDATION_ERROR', `${field}: ${message}`, {
    field,
    issues: [{ field, message }],
    candidates: listed.map((c) => ({ id: c.id, name: c.label, detail: c.detail })),
  })
}

/** A name no record of a short list has: the names there are, so the caller can pick one. */
function unknownName(field: string, kind: RecordKind, value: string, names: string[]): AppError {
  const listed = names.slice(0, MAX_NAMES).map((n) => `"${n}"`)
  const more = names.length > listed.length ? ` and ${names.length - listed.length} more` : ''
  const there = names.length ? `the ${kind.noun}s are ${listed.join(', ')}${more}` : `there are no ${kind.noun}s yet`
  return validationError([{ field, message: `no ${kind.noun} is named ${kind.shown(value)}; ${there} (or give the id)` }])
}

async function reachedBy(tx: Queryable, technicianId: string, entity: string, found: Candidate[]): Promise<Candidate[]> {
  const reached = await reachedByTechnician(
    tx,
    technicianId,
    entity,
    found.map((c) => c.id),
  )
  return found.filter((c) => reached.has(String(c.id)))
}

function setAt(root: unknown, path: ReadonlyArray<string | number>, id: string) {
  let at = root as Record<string | number, unknown>
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>
  at[path[path.length - 1]] = id
}
