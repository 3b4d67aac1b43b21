import { DENIAL_REASONS } from '../core/domains/approvals/denial-reasons.js'
import type { Registry } from '../core/kernel/registry.js'
import { LABELS, shortAnswer } from './action-answer.js'

type Json = Record<string, unknown>

/** The longest a value the owner edited is shown in the one line; the whole is in the answer with full: true. */
const EDIT_CHARS = 60

/**
 * A request's outcome in one line: since when it waits, what ran (with the owner's edits and what it made), the owner's
 * reason and note for a no, why it failed, or that it expired.
 */
export function requestOutcome(registry: Registry, request: Json): string {
  const status = String(request.status)
  if (status === 'pending') return `pending since ${iso(request.created_at)}; the owner has until ${iso(request.expires_at)}`
  if (status === 'expired') return `expired at ${iso(request.expires_at)} without an answer: nothing ran`
  if (status === 'failed') return `failed: ${(request.error as { message?: string } | null)?.message ?? 'nothing ran'}`
  if (status === 'denied') {
    const reason = DENIAL_REASONS[request.decision_reason as keyof typeof DENIAL_REASONS]
    return `denied${reason ? ` (${reason})` : ''}: ${request.decision_note ?? 'no note'}`
  }
  const made = madeOf(registry, request)
  const lists = listsOf(request.result)
  const note = request.decision_note ? `; the owner's note: ${request.decision_note}` : ''
  return `${status}: ${request.summary}${editsOf(request.edits)}${made ? `; ${made}` : ''}${lists ? `; ${lists}` : ''}${note}`
}

/** How many visits, invoices or other numbered records a list in the answer names, shown by this many at most. */
const LISTED = 5

/**
 * The numbered records the answer lists (the visits a day's move moved and left, each with the time it moved to),
 * so the line says which ones, not only who: "moved 2: #12 Jane Smith → Thu 2026-12-03 09:00, #13 Bob Ray → …".
 */
function listsOf(result: unknown): string {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return ''
  const parts: string[] = []
  for (const [field, value] of Object.entries(result as Json)) {
    if (!Array.isArray(value) || !value.length) continue
    const records = value.filter((v): v is Json => !!v && typeof v === 'object' && typeof (v as Json).number === 'number')
    if (records.length !== value.length) continue
    const named = records.slice(0, LISTED).map((r) => {
      const label = LABELS.map((k) => r[k]).find((v) => typeof v === 'string')
      const to = typeof r.when === 'string' ? ` → ${r.when}` : ''
      return `#${r.number}${label ? ` ${label}` : ''}${to}`
    })
    parts.push(`${field.replace(/_/g, ' ')} ${records.length}: ${named.join(', ')}${records.length > LISTED ? ', …' : ''}`)
  }
  return parts.join('; ')
}

/** The fields the owner changed before allowing, each before and after. */
function editsOf(edits: unknown): string {
  if (!edits || typeof edits !== 'object' || !Object.keys(edits).length) return ''
  const changes = Object.entries(edits as Record<string, { before: unknown; after: unknown }>).map(
    ([field, e]) => `${field.replace(/^data\./, '')} ${short(e.before)} → ${short(e.after)}`,
  )
  return `, as the owner edited it (${changes.join(', ')})`
}

/** The record the call answered with, by its number or name, status and id: "result: INV-2026-0003 sent, id …". */
function madeOf(registry: Registry, request: Json): string {
  const def = registry.actions.get(String(request.action_key))
  if (!def || request.result === null || request.result === undefined) return ''
  const answer = shortAnswer(def, request.data, request.result)
  const record = firstRecord(answer)
  if (!record) return ''
  const name = record.number !== undefined ? (typeof record.number === 'number' ? `#${record.number}` : String(record.number)) : undefined
  const label = LABELS.map((k) => record[k]).find((v) => typeof v === 'string')
  return `result: ${[name, label, record.status].filter(Boolean).join(' ')}${name || label || record.status ? ', ' : ''}id ${record.id}`
}

/** The answer itself when it is a record, else the first record in it. */
function firstRecord(answer: unknown): Json | undefined {
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return undefined
  const json = answer as Json
  if (typeof json.id === 'string') return json
  for (const v of Object.values(json)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Json).id === 'string') return v as Json
  }
  return undefined
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null)
  return text.length > EDIT_CHARS ? `${text.slice(0, EDIT_CHARS - 1)}…` : text
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value)
}
