/** A JSON Schema node as z.toJSONSchema writes it. */
export type JsonSchema = Record<string, any>

/** How to fill what a schema alone cannot say. */
export interface SynthesizeOptions {
  /** The id to put into a uuid field (by property name, e.g. contact_id), or undefined when no record is known. */
  uuidFor(field: string): string | undefined
  /** A word put into every generated text, so records can be found again by it (e.g. the tenant's name). */
  tag: string
  /** Varies the generated values between calls. */
  seed: number
  /** Leave out optional properties (a smaller input that still validates). */
  requiredOnly?: boolean
  /** The words for a free-text field (no format, pattern or enum) at a path such as "line_items[0].description", or undefined for the usual ones. */
  text?(path: string): string | undefined
}

/** The schema describes something this generator cannot fill; the message names the path and why. */
export class CannotSynthesize extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path || '(input)'}: ${reason}`)
    this.name = 'CannotSynthesize'
  }
}

/** Builds a value that satisfies a JSON Schema: strings, formats, enums, numbers in range, booleans, arrays, objects. */
export function synthesize(schema: JsonSchema, opts: SynthesizeOptions): unknown {
  return synthesizedValue(schema, opts, { root: schema, path: '', field: '', times: { count: 0 } })
}

interface At {
  root: JsonSchema
  path: string
  /** The nearest property name, which says what a uuid refers to. */
  field: string
  /** Times and dates handed out so far: each next one is later, so start comes before end and earliest before latest. */
  times: { count: number }
}

/** Sample texts tried against a `pattern` that comes without a named format. */
const PATTERN_SAMPLES = [
  '(256) 555-0142',
  '+12565550142',
  '256-555-0142',
  'America/Chicago',
  'USD',
  'ABC',
  'abc',
  'abc_def',
  'a1',
  'A1B2',
  '12345',
  '35801',
  '08:00',
  '17:30',
  '2031-05-01',
  '2031-05',
  '#336699',
  '8c5b3a52-2f7e-4d7e-9a51-7b0c5d1e2f30',
  'x',
]

function synthesizedValue(schema: JsonSchema, opts: SynthesizeOptions, at: At): unknown {
  if (schema.$ref) return synthesizedValue(resolveRef(schema.$ref, at), opts, at)
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[opts.seed % schema.enum.length]
  if (schema.default !== undefined && schema.format !== 'uuid') return schema.default
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key])) return firstBranch(schema[key], opts, at)
  }
  if (Array.isArray(schema.allOf)) return synthesizedValue(mergeAll(schema.allOf, at), opts, at)
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type
  switch (type) {
    case 'object':
      return objectOf(schema, opts, at)
    case 'array':
      return arrayOf(schema, opts, at)
    case 'string':
      return stringOf(schema, opts, at)
    case 'integer':
    case 'number':
      return numberOf(schema, type, at)
    case 'boolean':
      return true
    case 'null':
      return null
    case undefined:
      if (Object.keys(schema).every((k) => k === 'description' || k === 'title')) return `${opts.tag} ${at.field || 'value'}`
  }
  throw new CannotSynthesize(at.path, `unsupported schema ${JSON.stringify(schema).slice(0, 200)}`)
}

function firstBranch(branches: JsonSchema[], opts: SynthesizeOptions, at: At): unknown {
  const nonNull = branches.filter((b) => b.type !== 'null')
  let last: unknown
  for (const branch of nonNull.length ? nonNull : branches) {
    try {
      return synthesizedValue(branch, opts, at)
    } catch (err) {
      last = err
    }
  }
  throw last ?? new CannotSynthesize(at.path, 'no branch of the union can be filled')
}

function objectOf(schema: JsonSchema, opts: SynthesizeOptions, at: At): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const required = new Set<string>(schema.required ?? [])
  for (const [name, prop] of Object.entries<JsonSchema>(schema.properties ?? {})) {
    const isRequired = required.has(name)
    if (!isRequired && opts.requiredOnly) continue
    try {
      const value = synthesizedValue(prop, opts, { ...at, path: at.path ? `${at.path}.${name}` : name, field: name })
      if (value !== undefined) out[name] = value
    } catch (err) {
      // An optional field that cannot be filled (e.g. a reference to a kind of record not created yet) is left out.
      if (isRequired || !(err instanceof CannotSynthesize)) throw err
    }
  }
  return out
}

function arrayOf(schema: JsonSchema, opts: SynthesizeOptions, at: At): unknown[] {
  const count = Math.min(schema.maxItems ?? Infinity, Math.max(schema.minItems ?? 0, 1))
  const items: unknown[] = []
  const prefix: JsonSchema[] = schema.prefixItems ?? []
  for (let i = 0; i < Math.max(count, prefix.length); i++) {
    const itemSchema = prefix[i] ?? schema.items ?? {}
    items.push(synthesizedValue(itemSchema, { ...opts, seed: opts.seed + i }, { ...at, path: `${at.path}[${i}]` }))
  }
  if (schema.uniqueItems && new Set(items.map((v) => JSON.stringify(v))).size !== items.length) {
    throw new CannotSynthesize(at.path, 'cannot make distinct array items')
  }
  return items
}

function stringOf(schema: JsonSchema, opts: SynthesizeOptions, at: At): string {
  const n = opts.seed
  const tag = opts.tag.toLowerCase().replace(/[^a-z0-9]/g, '')
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000)
  let value: string | undefined
  switch (schema.format) {
    case 'uuid': {
      const id = opts.uuidFor(at.field)
      if (!id) throw new CannotSynthesize(at.path, `no known record for the uuid field "${at.field}"`)
      return id
    }
    case 'email':
      value = `${at.field.replace(/\W/g, '') || 'mail'}.${tag}${n}@example.com`
      break
    case 'date-time': {
      // 15:00 UTC is within business hours in the American time zones; each further time is an hour later.
      const d = inDays(7 + n)
      d.setUTCHours(15 + at.times.count++, 0, 0, 0)
      value = d.toISOString()
      break
    }
    case 'date':
      value = inDays(7 + n + at.times.count++)
        .toISOString()
        .slice(0, 10)
      break
    case 'time':
      value = '10:00:00'
      break
    case 'duration':
      value = 'PT1H'
      break
    case 'uri':
    case 'url':
      value = `https://example.com/${tag}/${n}`
      break
    case 'e164':
      value = `+1256555${String(1000 + (n % 9000)).padStart(4, '0')}`
      break
    case 'ipv4':
      value = '192.0.2.1'
      break
    case 'ipv6':
      value = '2001:db8::1'
      break
    case undefined:
      break
    default:
      throw new CannotSynthesize(at.path, `unsupported string format ${schema.format}`)
  }
  if (value === undefined && schema.pattern) {
    const re = new RegExp(schema.pattern)
    value = [byFieldName(at.field, n), ...PATTERN_SAMPLES].find((s) => s !== undefined && re.test(s))
    if (value === undefined) throw new CannotSynthesize(at.path, `no sample text matches the pattern ${schema.pattern}`)
  }
  if (value === undefined) value = byFieldName(at.field, n)
  if (value === undefined && schema.format === undefined) value = opts.text?.(at.path)
  if (value === undefined) value = `${opts.tag} ${at.field.replace(/_/g, ' ') || 'text'} ${n}`
  const min = schema.minLength ?? 0
  const max = schema.maxLength ?? Infinity
  if (value.length < min) value = value.padEnd(min, 'x')
  if (value.length > max) value = value.slice(0, max)
  return value
}

/** Texts whose meaning a JSON Schema cannot carry (a refinement checks them), recognized by the field's name. */
function byFieldName(field: string, n: number): string | undefined {
  if (/phone/.test(field)) return `(256) 555-${String(100 + (n % 900)).padStart(4, '0')}`
  if (/time_?zone/.test(field)) return 'America/Chicago'
  if (/currency/.test(field)) return 'USD'
  if (/postal|zip/.test(field)) return '35801'
  // A recurrence rule (RFC 5545 RRULE) of a series.
  if (field === 'rule') return 'FREQ=WEEKLY;INTERVAL=2'
  // An action key names a registered action (permission.set, standing_rule.create); invoice.void offers facts to test.
  if (field === 'action') return 'invoice.void'
  return undefined
}

function numberOf(schema: JsonSchema, type: 'integer' | 'number', at: At): number {
  const step = schema.multipleOf ?? (type === 'integer' ? 1 : 0.5)
  let lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + step : 0)
  const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - step : lo + 1000)
  lo = Math.ceil(lo / step) * step
  // A middling value: a price, a quantity or a duration that is neither zero nor the extreme.
  let value = Math.min(hi, Math.max(lo, Math.ceil(Math.min(lo + 100, (lo + hi) / 2) / step) * step))
  if (type === 'integer') value = Math.round(value)
  if (value < lo || value > hi) throw new CannotSynthesize(at.path, `no number fits between ${lo} and ${hi}`)
  return value
}

function resolveRef(ref: string, at: At): JsonSchema {
  if (!ref.startsWith('#')) throw new CannotSynthesize(at.path, `external $ref ${ref}`)
  let node: any = at.root
  for (const part of ref.slice(1).split('/').filter(Boolean)) node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  if (!node) throw new CannotSynthesize(at.path, `unresolved $ref ${ref}`)
  return node
}

function mergeAll(parts: JsonSchema[], at: At): JsonSchema {
  const merged: JsonSchema = {}
  for (const raw of parts) {
    const part = raw.$ref ? resolveRef(raw.$ref, at) : raw
    if (part.type && part.type !== 'object') throw new CannotSynthesize(at.path, 'allOf of non-object schemas')
    merged.type = 'object'
    merged.properties = { ...merged.properties, ...part.properties }
    merged.required = [...(merged.required ?? []), ...(part.required ?? [])]
  }
  return merged
}
