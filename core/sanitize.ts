import { z } from 'zod'
import type { Actor } from './context.js'
import type { Queryable } from './db/types.js'

/*
 * Card numbers and SSNs pasted into free text are replaced by [REDACTED] before they are stored.
 * The same rules run in the database (migrations/0003_sanitization.sql) as the last defense; change both together.
 *
 * A "run" is a maximal stretch of digit groups joined by ONE space or ONE dash ("4111 1111 1111 1111 12").
 * Groups are never split: a card or SSN is always made of whole groups of a run.
 * A run is "attached" at an end when it continues a word or an identifier there: a letter right next to it, a "+"
 * right before it (an international phone), one of - _ / # with a letter or digit beyond it ("INV-2026-0001",
 * "ORD_4111..."), or "." with a digit beyond it (decimals). A card or SSN may not touch an attached end.
 *
 * Card: consecutive groups holding 13 to 19 digits that pass the Luhn check and do not start with 0, written either
 *   as one unbroken group, or in the way cards are printed: first group of 4 digits, the same separator throughout,
 *   middle groups of 4 to 6 digits, a last group of 1 to 6 ("4111-1111-1111-1111", "3782 822463 10005").
 *   Within a run the leftmost, then longest, card is taken, so trailing numbers (an expiry date) are left alone.
 *   The printed-layout rule keeps lists of phones (3-3-4 groups), ZIP+4 codes (5-4), dates (4-2-2) and order
 *   numbers such as 112-4567890-1234567 from ever adding up to a "card".
 * SSN: three groups of 3, 2 and 4 digits joined by dashes, with no further dash-joined group on either side
 *   ("123-45-6789"; "555-123-45-6789" is not one).
 *   Nine bare digits ("123456789") or "123 45 6789" are NOT redacted on their own: they are indistinguishable from a
 *   ZIP+4 without its dash, an order, routing or account number, or part of a phone number. They are redacted only
 *   when the text right before them names them as an SSN ("SSN 123456789", "social security number: 123 45 6789").
 * Phones, ZIP and ZIP+4 codes, dates, times, money, invoice numbers (INV-2026-0001) and ticket numbers never match.
 */

/** The text that replaces a card number or an SSN. */
export const REDACTED = '[REDACTED]'

/** A kind of sensitive data the redaction finds. */
export type SensitiveKind = 'card' | 'ssn'

/** How many of one kind were replaced. */
export interface Finding {
  kind: SensitiveKind
  count: number
}

/** One redaction in an action's input, as the caller is told and security_events records it (never the secret). */
export interface Redaction extends Finding {
  /** Where in the call: "data.content", "data.value.description". */
  field: string
}

const RUN = /[0-9]+(?:[ -][0-9]+)*/g
const SSN_NAMED_BEFORE = /(?:^|[^a-z])(?:ssn|ss#|social security(?: (?:number|num|no))?)[^a-z0-9]{0,4}(?:(?:is|was) )?$/i

/** Replaces card numbers and SSNs in text with [REDACTED]; pure, and the same rules as the database trigger. */
export function redactSensitive(text: string): { text: string; findings: Finding[] } {
  let cards = 0
  let ssns = 0
  let out = ''
  let last = 0
  for (const m of text.matchAll(RUN)) {
    const start = m.index
    const end = start + m[0].length
    const r = redactRun(m[0], text.slice(last, start), attachedBefore(text, start), attachedAfter(text, end))
    cards += r.cards
    ssns += r.ssns
    out += text.slice(last, start) + r.text
    last = end
  }
  if (!cards && !ssns) return { text, findings: [] }
  out += text.slice(last)
  const findings: Finding[] = []
  if (cards) findings.push({ kind: 'card', count: cards })
  if (ssns) findings.push({ kind: 'ssn', count: ssns })
  return { text: out, findings }
}

/** Whether digits pass the Luhn check (card numbers do; most other long numbers do not). */
export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

const isLetter = (c: string) => /^[A-Za-z]$/.test(c)
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c)
const isDigit = (c: string) => /^[0-9]$/.test(c)

function attachedBefore(text: string, start: number): boolean {
  const c1 = text.charAt(start - 1)
  const c2 = start >= 2 ? text.charAt(start - 2) : ''
  return isLetter(c1) || c1 === '+' || ('-_/#'.includes(c1) && c1 !== '' && isAlnum(c2)) || (c1 === '.' && isDigit(c2))
}

function attachedAfter(text: string, end: number): boolean {
  const a1 = text.charAt(end)
  const a2 = text.charAt(end + 1)
  return isLetter(a1) || ('-_/#'.includes(a1) && a1 !== '' && isAlnum(a2)) || (a1 === '.' && isDigit(a2))
}

/** Redacts inside one run; prefix is the text between the previous run and this one. */
function redactRun(run: string, prefix: string, gluedStart: boolean, gluedEnd: boolean) {
  const groups = run.split(/[ -]/)
  const seps = [...run.matchAll(/[ -]/g)].map((s) => s[0])
  const n = groups.length
  /** Redacted spans of whole groups [first, last], left to right. */
  const spans: Array<{ first: number; last: number; kind: SensitiveKind }> = []
  const touchesGlue = (i: number, j: number) => (i === 0 && gluedStart) || (j === n - 1 && gluedEnd)

  for (let i = 0; i < n; i++) {
    // Every group holds a digit, so a card (at most 19 digits) spans at most 19 groups.
    for (let j = Math.min(n - 1, i + 18); j >= i; j--) {
      if (touchesGlue(i, j) || !cardLayout(groups, seps, i, j)) continue
      const digits = groups.slice(i, j + 1).join('')
      if (digits.length < 13 || digits.length > 19 || digits[0] === '0' || !luhnValid(digits)) continue
      spans.push({ first: i, last: j, kind: 'card' })
      i = j
      break
    }
  }

  // Dash-joined chunks (a run split at its spaces) of exactly 3, 2 and 4 digits.
  for (let a = 0; a < n;) {
    let b = a
    while (b < n - 1 && seps[b] === '-') b++
    const free = !spans.some((s) => s.last >= a && s.first <= b)
    if (free && b - a === 2 && groups[a].length === 3 && groups[a + 1].length === 2 && groups[b].length === 4 && !touchesGlue(a, b)) {
      spans.push({ first: a, last: b, kind: 'ssn' })
    }
    a = b + 1
  }

  // Nine digits named as an SSN by the words right before them; the name itself may touch the digits.
  if (!spans.length && !gluedEnd && SSN_NAMED_BEFORE.test(prefix)) {
    const lengths = groups.map((g) => g.length).join(',')
    if (lengths === '9' || lengths === '3,2,4') spans.push({ first: 0, last: n - 1, kind: 'ssn' })
  }

  if (!spans.length) return { text: run, cards: 0, ssns: 0 }
  spans.sort((x, y) => x.first - y.first)
  let text = ''
  let k = 0
  for (const span of spans) {
    for (; k < span.first; k++) text += groups[k] + seps[k]
    text += REDACTED + (span.last < n - 1 ? seps[span.last] : '')
    k = span.last + 1
  }
  for (; k < n; k++) text += groups[k] + (k < n - 1 ? seps[k] : '')
  return { text, cards: spans.filter((s) => s.kind === 'card').length, ssns: spans.filter((s) => s.kind === 'ssn').length }
}

/** Whether groups i..j are written the way a card is printed (or are one unbroken group). */
function cardLayout(groups: string[], seps: string[], i: number, j: number): boolean {
  if (i === j) return true
  if (groups[i].length !== 4) return false
  for (let k = i; k < j; k++) if (seps[k] !== seps[i]) return false
  for (let k = i + 1; k < j; k++) if (groups[k].length < 4 || groups[k].length > 6) return false
  return groups[j].length >= 1 && groups[j].length <= 6
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
 * numbers and SSNs replaced by [REDACTED]. Every such field of every action uses this, so the caller is told and
 * security_events records each redaction; the database trigger on the same columns is the last defense.
 */
export function noteText(max = 10_000, opts: { allowEmpty?: boolean } = {}) {
  return z.string().trim().min(opts.allowEmpty ? 0 : 1, 'must not be empty').max(max).transform(redactCollected)
}

/** Any JSON value whose strings, at any depth, are redacted like noteText (e.g. an attribute's value). */
export function noteJson() {
  return z.json().transform(redactDeep)
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
      v.forEach((item, i) => visit(item, `${path}.${i}`))
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) visit(item, path ? `${path}.${k}` : k)
    }
  }
  visit(value, prefix)
  for (const p of pending) out.push(...p.findings.map((f) => ({ field: prefix, ...f })))
  return out
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Records one security_events row (layer "api") per redacted field and kind, never the secret, and returns the
 * action's result with `redactions` added so the caller knows its text was changed.
 */
export async function reportRedactions(tx: Queryable, who: { tenantId: string; actor: Actor; requestId: string },
  action: { domain: string; name: string }, result: unknown, redactions: Redaction[]): Promise<unknown> {
  if (!redactions.length) return result
  const record = result && typeof result === 'object' && !Array.isArray(result) ? result as Record<string, unknown> : null
  const entityId = typeof record?.id === 'string' && UUID.test(record.id) ? record.id : null
  for (const r of redactions) {
    await tx.query(
      `insert into security_events (tenant_id, kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id)
       values ($1, $2, 'api', $3, $4, $5, $6, $7, $8, $9)`,
      [who.tenantId, r.kind, action.domain, entityId, r.field, JSON.stringify({ count: r.count, action: `${action.domain}.${action.name}` }),
        who.actor.type, who.actor.id, who.requestId])
  }
  return record ? { ...record, redactions } : result
}
