import { z } from 'zod'
import type { Actor } from './context.js'
import type { Queryable } from '../db/types.js'
import { redactSensitive, type Finding } from './redact.js'
import { parseInput } from './validation.js'
import { isUuid } from './schema-types.js'

/*
 * Card numbers and SSNs pasted into free text are replaced by [REDACTED] before they are stored: every string of an
 * action's input and the agent's reasoning (parseCallRedacting), so the audit, the authorization queue and
 * security_events only ever hold the redacted text. The rules are in core/kernel/redact.ts; database triggers apply them
 * again to the free-text columns as the last defense.
 */

export { luhnValid, REDACTED, redactSensitive, type Finding, type SensitiveKind } from './redact.js'

/** One redaction in an action's input, as the caller is told and security_events records it (never the secret). */
export interface Redaction extends Finding {
  /** Where in the call: "data.content", "data.value.description", "reasoning". */
  field: string
}

/** Redactions made while one call's input is parsed; parsing is synchronous, so a single list at a time suffices. */
let collecting: Array<{ text: string; findings: Finding[] }> | null = null

function redactCollected(text: string): string {
  const r = redactSensitive(text)
  if (r.findings.length) collecting?.push({ text: r.text, findings: r.findings })
  return r.text
}

function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactCollected(value)
  if (Array.isArray(value)) return value.map(redactDeep)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)]))
  return value
}

/**
 * A free-text field (notes, message bodies, raw notes): trimmed, non-empty unless allowed, at most max characters, with card
 * numbers and SSNs replaced by [REDACTED]. A call through performAction is redacted whole before parsing; this keeps
 * the field redacted when an action's schema parses input that comes from elsewhere (a workflow, a stored call).
 */
export function noteText(max = 10_000, opts: { allowEmpty?: boolean } = {}) {
  return z
    .string()
    .trim()
    .min(opts.allowEmpty ? 0 : 1, 'must not be empty')
    .max(max)
    .transform(redactCollected)
}

/** Any JSON value whose strings, at any depth, are redacted like noteText (e.g. an attribute's value). */
export function noteJson() {
  return z.json().transform((value) => redactDeep(value) as typeof value)
}

/** Parses a call's input (synchronously) and reports what its noteText and noteJson fields redacted, by path. */
export function parseRedacting<T>(parse: () => T, prefix: string): { value: T; redactions: Redaction[] } {
  const outer = collecting
  const made: Array<{ text: string; findings: Finding[] }> = []
  collecting = made
  let value: T
  try {
    value = parse()
  } finally {
    collecting = outer
  }
  return { value, redactions: made.length ? locate(value, made, prefix) : [] }
}

/** Finds where each redacted text ended up in the parsed input, so the caller is told which field changed. */
function locate(value: unknown, made: Array<{ text: string; findings: Finding[] }>, prefix: string): Redaction[] {
  const pending = [...made]
  const out: Redaction[] = []
  const visit = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      const i = pending.findIndex((p) => p.text === v)
      if (i >= 0) out.push(...pending.splice(i, 1)[0].findings.map((f) => ({ field: path, ...f })))
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) visit(item, `${path}.${i}`)
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) visit(item, path ? `${path}.${k}` : k)
    }
  }
  visit(value, prefix)
  for (const p of pending) out.push(...p.findings.map((f) => ({ field: prefix, ...f })))
  return out
}

/**
 * Records one security_events row (layer "api") per redacted field and kind, never the secret, and returns the
 * action's result with `redactions` added so the caller knows its text was changed.
 */
export async function reportRedactions(
  tx: Queryable,
  who: { tenantId: string; actor: Actor; requestId: string },
  action: { domain: string; name: string },
  result: unknown,
  redactions: Redaction[],
): Promise<unknown> {
  if (!redactions.length) return result
  const record = result && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : null
  const entityId = typeof record?.id === 'string' && isUuid(record.id) ? record.id : null
  for (const r of redactions) {
    await tx.query(
      `insert into security_events (tenant_id, kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id)
       values ($1, $2, 'api', $3, $4, $5, $6, $7, $8, $9)`,
      [
        who.tenantId,
        r.kind,
        action.domain,
        entityId,
        r.field,
        JSON.stringify({ count: r.count, action: `${action.domain}.${action.name}` }),
        who.actor.type,
        who.actor.id,
        who.requestId,
      ],
    )
  }
  return record ? { ...record, redactions } : result
}

/**
 * Fields that carry a file's bytes as base64, not words: a card number cannot be read in them, and scanning megabytes of
 * them for one would hold the server for seconds. The file's name and other texts beside them are redacted as usual.
 */
const BYTES_FIELDS = new Set(['content_base64'])

/** A copy of a raw value with every string (and object key), at any depth, redacted; each change is noted by its path. */
function redactStrings(value: unknown, path: string, found: Redaction[]): unknown {
  if (typeof value === 'string') {
    const r = redactSensitive(value)
    found.push(...r.findings.map((f) => ({ field: path, ...f })))
    return r.text
  }
  if (Array.isArray(value)) return value.map((item, i) => redactStrings(item, `${path}.${i}`, found))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        redactStrings(k, path, found),
        BYTES_FIELDS.has(k) && typeof v === 'string' ? v : redactStrings(v, `${path}.${k}`, found),
      ]),
    )
  }
  return value
}

/**
 * An action call's input parsed with its schema after every string in it was redacted (notes, names, descriptions,
 * reasons, terms: whatever the action names them), and its reasoning trimmed and redacted, so nothing downstream
 * (the run, the audit, the authorization queue, the owner's email) ever sees the secret. redactions lists each change.
 */
export function parseCallRedacting<S extends z.ZodType>(
  schema: S,
  call: { data?: unknown; reasoning?: string | null },
): { value: z.output<S>; reasoning: string | null; redactions: Redaction[] } {
  const found: Redaction[] = []
  const data = redactStrings(call.data ?? {}, 'data', found)
  const reasoning =
    typeof call.reasoning === 'string' && call.reasoning.trim()
      ? (redactStrings(call.reasoning.trim(), 'reasoning', found) as string)
      : null
  const { value, redactions } = parseRedacting(() => parseInput(schema, data, 'data'), 'data')
  return { value, reasoning, redactions: [...found, ...redactions] }
}
