// The rule the generated walk (test/registry/unknown-answers.test.ts) holds every answer to: when an answer changes because
// an integration is off or unreachable, the change says so in a field or in words, and never reads as a fact.
import { isDeepStrictEqual } from 'node:util'

/** A key that says how known a value is: forecast_status, busy_unknown, rain_known, not_connected... */
const STATUS_KEY = /(^|_)(status|unknown|off|not_connected|unavailable|state)($|_)|_known$/
/** A value that says a thing is not known: the words a status field holds. */
const STATUS_VALUE = /^(unknown|off|not_connected|unavailable|not_set_up|disconnected|needs_reconnect|unreachable|failed)$/
/** Words that say why something is missing. */
const WHY = /\b(unknown|off|not connected|not_connected|unavailable|unreachable|could not|cannot|not set up|reconnect|no forecast)\b/i

/** One place where two answers differ: its path, and both values there. */
interface Difference {
  path: Array<string | number>
  on: unknown
  other: unknown
}

/**
 * What hides an unknown in `other` (the answer with an integration off or unreachable) against `on` (the answer with it
 * on), as sentences: every difference must be a status field or words (a string naming why, or the integration by
 * `named`), or sit beside one at its level or above; a `false` or `[]` where `on` had `true` or a list needs a status field.
 * `switches` are the integration's own on/off fields (settings.online_payments is Stripe's), whose false is the fact "off".
 */
export function hiddenUnknowns(on: unknown, other: unknown, named: RegExp, switches: readonly string[] = []): string[] {
  if (isDeepStrictEqual(on, other)) return []
  const says = (value: unknown) => typeof value === 'string' && (WHY.test(value) || named.test(value) || STATUS_VALUE.test(value))
  const faults: string[] = []
  for (const d of differences(on, other, [])) {
    if (typeof d.on === 'string' && typeof d.other === 'string' && d.on.includes('\n')) {
      const dropped = linesOnlyIn(d.on, d.other)
      if (dropped.length && !linesOnlyIn(d.other, d.on).some(says))
        faults.push(`${where(d.path)} drops "${dropped[0]}" and says nothing about why`)
      continue
    }
    // A false or an empty list reads as a fact: only a status field beside it says it is not one; words alone are not enough.
    const defaulted =
      d.other === false && d.on === true
        ? 'false where it was true'
        : Array.isArray(d.other) && d.other.length === 0 && Array.isArray(d.on) && d.on.length > 0
          ? 'an empty list where it had items'
          : null
    if (switches.includes(String(d.path[d.path.length - 1]))) continue
    if (explained(d, on, other, defaulted ? () => false : says)) continue
    const what = defaulted ?? `${JSON.stringify(d.other) ?? 'nothing'} where it was ${JSON.stringify(d.on) ?? 'nothing'}`
    faults.push(`${where(d.path)} is ${what}, with no ${defaulted ? 'status field' : 'status field or words'} beside it`)
  }
  return faults
}

/** Whether a difference is itself a status or words, or an object on its path holds a status field or words that changed too. */
function explained(d: Difference, on: unknown, other: unknown, says: (value: unknown) => boolean): boolean {
  const last = d.path[d.path.length - 1]
  if (typeof last === 'string' && STATUS_KEY.test(last)) return true
  if (says(d.other)) return true
  for (let depth = d.path.length - 1; depth >= 0; depth--) {
    const prefix = d.path.slice(0, depth)
    const otherAt = at(other, prefix)
    const onAt = at(on, prefix)
    if (!otherAt || typeof otherAt !== 'object' || Array.isArray(otherAt)) continue
    for (const [key, value] of Object.entries(otherAt)) {
      const changed = !isDeepStrictEqual(value, (onAt as Record<string, unknown> | undefined)?.[key])
      if (changed && ((STATUS_KEY.test(key) && value !== null && value !== 'known') || says(value))) return true
    }
  }
  return false
}

/** Every leaf-most place two values differ: inside objects key by key, inside lists of equal length item by item. */
function differences(on: unknown, other: unknown, path: Array<string | number>): Difference[] {
  if (isDeepStrictEqual(on, other)) return []
  if (Array.isArray(on) && Array.isArray(other) && on.length === other.length)
    return on.flatMap((item, i) => differences(item, other[i], [...path, i]))
  if (isRecord(on) && isRecord(other)) {
    const keys = [...new Set([...Object.keys(on), ...Object.keys(other)])]
    return keys.flatMap((k) => differences(on[k], other[k], [...path, k]))
  }
  return [{ path, on, other }]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function at(value: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), value)
}

function linesOnlyIn(text: string, other: string): string[] {
  const others = new Set(other.split('\n'))
  return text.split('\n').filter((line) => line.trim() && !others.has(line))
}

function where(path: Array<string | number>): string {
  return path.length ? path.join('.') : 'the answer'
}
