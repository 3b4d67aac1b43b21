import type { JsonSchema } from './synthesize.js'

/** A text far longer than any field allows, yet under the body limit. */
export const HUGE_TEXT = 'x'.repeat(100_000)

/** Texts a careless or hostile caller sends where a string is expected. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  HUGE_TEXT,
  'a\u0000b',
  '\ud800',
  "x'; drop table contacts; --",
  '%E0%A4%A',
  '<script>alert(1)</script>',
  '0000-01-01',
  '10000-01-01',
  '2026-02-30',
  '2026-13-01',
  'infinity',
  '-infinity',
  '294277-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2026-01-01T25:61:00Z',
  '2026-01-01T00:00:00+99:00',
  '1970-01-01T00:00:00.0000000001Z',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  '{00000000-0000-0000-0000-000000000000}',
  'NaN',
  '1e309',
  '-1',
  '9'.repeat(40),
  '24:00',
  '99:99',
  'Mars/Olympus_Mons',
  'ZZZ',
]

/** Names every plain JavaScript object answers to without having them: a lookup table that is a plain object finds them. */
export const INHERITED_NAMES: readonly string[] = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']

/** Numbers outside every sensible range, fractions where a whole number belongs, and the largest and smallest doubles. */
export const HOSTILE_NUMBERS: readonly number[] = [-1, 0, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324]

/** Values of the wrong type for any field. */
export const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  42,
  'text',
  [],
  {},
  [null],
  { __proto__: null, constructor: { prototype: { polluted: true } } },
]

/** Whole request bodies that are not the object an operation expects, as raw JSON text. */
export const HOSTILE_DATA_TEXTS: readonly string[] = [
  '[]',
  '"text"',
  '123',
  'null',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
]

/** Values aimed at what a property's schema says it holds (its format or type), tried first. */
const AIMED: Record<string, readonly unknown[]> = {
  date: ['0000-01-01', '10000-01-01', '2026-02-30', '2026-13-01', 'infinity', '-0001-01-01'],
  'date-time': [
    '0000-01-01T00:00:00Z',
    '294277-01-01T00:00:00Z',
    '2026-01-01T25:61:00Z',
    '2026-01-01T00:00:00+99:00',
    '1970-01-01T00:00:00.0000000001Z',
    '-infinity',
    '2026-02-30T10:00:00Z',
  ],
  uuid: [
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    '{00000000-0000-0000-0000-000000000000}',
    'ffffffff-ffff-ffff-ffff-fffffffffffff',
  ],
  pattern: ['24:00', '99:99', 'Mars/Olympus_Mons', 'ZZZ', '', HUGE_TEXT],
  string: [HUGE_TEXT, 'a\u0000b', '\ud800', '', '0000-01-01', '1e309'],
  number: HOSTILE_NUMBERS,
  array: [HOSTILE_STRINGS.slice(0, 5), Array.from({ length: 1000 }, (_, i) => i)],
}

/** Hostile values for a property: those aimed at its format or type, and the rest (wrong types, any hostile text). */
export function hostileValuesFor(prop: JsonSchema): { aimed: unknown[]; other: unknown[] } {
  const branches: JsonSchema[] = prop.anyOf ?? prop.oneOf ?? [prop]
  const aimed = branches.flatMap((b) => {
    const type = Array.isArray(b.type) ? b.type.find((t: string) => t !== 'null') : b.type
    if (type === 'string') return AIMED[b.format] ?? (b.pattern ? AIMED.pattern : AIMED.string)
    if (type === 'number' || type === 'integer') return AIMED.number
    return AIMED[type] ?? []
  })
  return { aimed, other: [...WRONG_TYPES, ...HOSTILE_STRINGS] }
}

/**
 * A bounded, deterministic selection: `count` items starting at `offset`, wrapping around. Successive fields start at
 * successive offsets, so across the registry every hostile value is tried many times while each field gets only a few.
 */
export function rotate<T>(items: readonly T[], offset: number, count: number): T[] {
  if (items.length <= count) return [...items]
  return Array.from({ length: count }, (_, i) => items[(offset + i) % items.length])
}

/** Cursors a caller might forge: not base64, not JSON, wrong arity, wrong types, out-of-range dates and numbers. */
export function forgedCursors(): string[] {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const slots: unknown[] = ['x', '0000-01-01T00:00:00Z', '294277-01-01T00:00:00Z', 1e308, -1.5, null, {}, HUGE_TEXT.slice(0, 5000)]
  const out = ['%%%', '!!!', 'x'.repeat(4000), enc('scalar'), enc({ a: 1 })]
  for (const arity of [1, 2, 3]) for (const slot of slots) out.push(enc(Array.from({ length: arity }, () => slot)))
  out.push(enc(['2026-01-01T00:00:00Z', 'not-a-uuid']), enc(['not-a-date', '00000000-0000-0000-0000-000000000000']))
  out.push(enc([1e308, '2026-01-01T00:00:00Z', '00000000-0000-0000-0000-000000000000']))
  return out
}

/** Texts that break a body, a path or a query string in transit. */
export const BROKEN_ESCAPES: readonly string[] = ['%', '%E0%A4%A', '%ZZ', '%C0%AF', '%00', '%ff%fe']

/** Phrases that only appear when an internal error, stack or database message reaches the caller. */
export const LEAK =
  /\n\s+at .+:\d+:\d+|node_modules|invalid input syntax|out of range for type|value too long for type|violates|relation "|syntax error at|date\/time field value|URI malformed|incorrect header check|Invalid URL|Failed to decode|unexpected end of file|SQLSTATE|\/work\//i
