import { addDays, localDate, localStamp, zonedInstant } from '../vocabulary/time.js'

/** A JSON Schema node as zod writes it. */
type Node = Record<string, unknown>

/** The date and the moment an example shows: tomorrow in the business's time zone, and 9:00 that day with its offset. */
export interface ExampleTimes {
  date: string
  dateTime: string
}

/**
 * The example times of a business: its tomorrow, and 9:00 that morning with the UTC offset its zone has on that date
 * (-06:00 in Chicago in December, -05:00 in July), so a caller copying an example books the hour it shows.
 */
export function exampleTimes(now: Date, timeZone: string): ExampleTimes {
  const date = addDays(localDate(now, timeZone), 1)
  return { date, dateTime: localStamp(zonedInstant(date, '09:00', timeZone), timeZone) }
}

/**
 * Example data for an input schema, its required fields only, each value showing its kind: a placeholder naming what an
 * id or text stands for ("<contact_id>"), a date and time of the business's, the first of a list of choices. Used where
 * a definition declares none.
 */
export function exampleData(schema: Node, times: ExampleTimes): Record<string, unknown> {
  const samples = { ...SAMPLES, date: times.date, 'date-time': times.dateTime }
  const value = exampleOf(schema, 'data', 0, samples)
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/**
 * A declared example with its dates and times made the business's: each date becomes its tomorrow, each date and time
 * 9:00 that day with its offset, so no example shows a day gone by or another zone's hour.
 */
export function inBusinessTime<T>(example: T, times: ExampleTimes): T {
  if (typeof example === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(example)) return times.date as T
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(example)) return times.dateTime as T
    return example
  }
  if (Array.isArray(example)) return example.map((v) => inBusinessTime(v, times)) as T
  if (example && typeof example === 'object')
    return Object.fromEntries(Object.entries(example).map(([k, v]) => [k, inBusinessTime(v, times)])) as T
  return example
}

function exampleOf(node: Node, name: string, depth: number, samples: Record<string, string>): unknown {
  // A nullable field's kinds come as a list ("string", "null"): the caller gives the one that is not null.
  if (Array.isArray(node.type)) {
    const kinds = node.type.filter((t) => t !== 'null')
    if (kinds.length) return exampleOf({ ...node, type: kinds[0] }, name, depth, samples)
  }
  if (Array.isArray(node.enum)) return node.enum[0]
  if (node.const !== undefined) return node.const
  if (node.default !== undefined) return node.default
  const alternatives = (node.anyOf ?? node.oneOf) as Node[] | undefined
  if (alternatives) return exampleOf(alternatives.find((a) => a.type !== 'null') ?? {}, name, depth, samples)
  switch (node.type) {
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, Node>
      const required = (node.required ?? []) as string[]
      if (depth >= 3) return {}
      return Object.fromEntries(required.filter((k) => properties[k]).map((k) => [k, exampleOf(properties[k], k, depth + 1, samples)]))
    }
    case 'array':
      return [exampleOf((node.items as Node) ?? {}, name.replace(/s$/, ''), depth + 1, samples)]
    case 'integer':
    case 'number':
      return typeof node.minimum === 'number' && node.minimum > 1 ? node.minimum : /cents$/.test(name) ? 10000 : 1
    case 'boolean':
      return true
    case 'string':
      return samples[String(node.format)] ?? `<${name}>`
    default:
      return `<${name}>`
  }
}

/** Sample values of the named formats that do not depend on the business (its dates and times are ExampleTimes). */
const SAMPLES: Record<string, string> = {
  'HH:MM': '09:00',
  email: 'jane@example.com',
}
