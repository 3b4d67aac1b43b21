import type { ActionDefinition } from '../core/kernel/registry.js'

type Json = Record<string, unknown>

/** What a record is and where it stands (an opportunity's stage), kept on every record of a short answer when it has them. */
const HEADLINE = ['id', 'number', 'status', 'stage', 'total_cents', 'amount_due_cents', 'next_step']

/** The fields that name a record; the first one it has is kept (a contact's display_name, a visit's customer, a line's description). */
export const LABELS = ['display_name', 'name', 'title', 'key', 'contact_name', 'description']

/** Stamps every record carries: they say nothing about the call. */
const BOOKKEEPING = new Set(['created_at', 'updated_at'])

/** Said in answers beside a secret a repeated call no longer shows (core/kernel/operations.ts). */
const SECRETS_NOTE = 'secrets_shown_once'

/** What a short answer keeps of each record besides its headline and name. */
interface Keep {
  /** The call's data at this depth: the fields it set. */
  given: Json
  /** The first letters of the action's words: a field they begin is the state the action names (archive: archived_at). */
  stems: string[]
  /** Fields the action declares (shortAnswer) and its secrets, kept whole. */
  declared: ReadonlySet<string>
  /** The id of the record this one is inside: a line's ticket_id says nothing there. */
  parent?: string
}

/**
 * An action's answer cut to what changed: each record in it to its id, number, name, status and amount due, the fields
 * the call set, the state the action's verb names (archive: archived_at; delete: deleted; check: check_status), the
 * fields the action declares in shortAnswer and its secrets shown once; anything that is not a record is kept, with the
 * records in it cut the same way. Nothing here names an action: it is right for every one in the registry.
 */
export function shortAnswer(def: ActionDefinition, data: unknown, result: unknown): unknown {
  const declared = new Set([...(def.shortAnswer ?? []), ...(def.secretFields ?? []), SECRETS_NOTE])
  return shorten(result, { given: objectOf(data), stems: stemsOf(def.name), declared })
}

/** A value with every record in it cut to its short form; nulls in an answer that is not a record are left out. */
function shorten(value: unknown, keep: Keep): unknown {
  if (Array.isArray(value)) return value.map((v) => shorten(v, keep))
  if (!isPlainObject(value)) return value
  if (typeof value.id === 'string') return shortRecord(value, keep)
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, shorten(v, keep)]),
  )
}

/** One record: its headline, its name, and the fields the call set, the action names or declares. */
function shortRecord(record: Json, keep: Keep): Json {
  const out: Json = {}
  for (const key of HEADLINE) {
    const v = record[key]
    if (v !== null && v !== undefined && (key !== 'status' || typeof v === 'string')) out[key] = v
  }
  const label = LABELS.find((k) => typeof record[k] === 'string' && record[k] !== '')
  if (label) out[label] = record[label]
  const inside = { ...keep, parent: record.id as string }
  for (const [k, v] of Object.entries(record)) {
    if (k in out || (keep.parent !== undefined && v === keep.parent)) continue
    const set = givenFor(k, keep.given)
    if (set) out[k] = shorten(v, { ...inside, given: objectOf(set.value) })
    else if (keep.declared.has(k)) out[k] = shorten(v, inside)
    else if (namedByVerb(k, v, keep.stems)) out[k] = v
  }
  return out
}

/**
 * The call's value for a record's field when the call set it: the same name, the id it was given by (service_id for
 * service, technician_ids for technicians), a change to it (tags_add for tags), or what a flag given records (archived:
 * true for archived_at).
 */
function givenFor(field: string, given: Json): { value: unknown } | undefined {
  if (field in given) return { value: given[field] }
  const one = field.replace(/s$/, '')
  const key = Object.keys(given).find(
    (k) => k.startsWith(`${field}_`) || k === `${one}_ids` || (typeof given[k] === 'boolean' && field.startsWith(`${k}_`)),
  )
  return key === undefined ? undefined : { value: undefined }
}

/** Whether a field is the state the action's verb names: a time or status it begins with the verb (sent_at for send), or a flag. */
function namedByVerb(field: string, value: unknown, stems: string[]): boolean {
  if (BOOKKEEPING.has(field) || !stems.some((s) => field.startsWith(s))) return false
  return typeof value === 'boolean' || (value !== null && value !== undefined && /(_at|_until|_status)$/.test(field))
}

/** The first three letters of each word of an action's name of three letters or more: send_message gives sen, mes. */
function stemsOf(name: string): string[] {
  return name
    .split('_')
    .filter((w) => w.length >= 3)
    .map((w) => w.slice(0, 3))
}

/** An object's fields; for a list, the fields of its items together (the lines of a call for the lines of a record). */
function objectOf(value: unknown): Json {
  if (Array.isArray(value)) return Object.assign({}, ...value.filter(isPlainObject))
  return isPlainObject(value) ? value : {}
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}
