/** A JSON Schema node as zod writes it. */
type Node = Record<string, unknown>

/**
 * Example data for an input schema, its required fields only, each value showing its kind: a placeholder naming what an
 * id or text stands for ("<contact_id>"), a date, the first of a list of choices. Used where a definition declares none.
 */
export function exampleData(schema: Node): Record<string, unknown> {
  const value = exampleOf(schema, 'data', 0)
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function exampleOf(node: Node, name: string, depth: number): unknown {
  // A nullable field's kinds come as a list ("string", "null"): the caller gives the one that is not null.
  if (Array.isArray(node.type)) {
    const kinds = node.type.filter((t) => t !== 'null')
    if (kinds.length) return exampleOf({ ...node, type: kinds[0] }, name, depth)
  }
  if (Array.isArray(node.enum)) return node.enum[0]
  if (node.const !== undefined) return node.const
  if (node.default !== undefined) return node.default
  const alternatives = (node.anyOf ?? node.oneOf) as Node[] | undefined
  if (alternatives) return exampleOf(alternatives.find((a) => a.type !== 'null') ?? {}, name, depth)
  switch (node.type) {
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, Node>
      const required = (node.required ?? []) as string[]
      if (depth >= 3) return {}
      return Object.fromEntries(required.filter((k) => properties[k]).map((k) => [k, exampleOf(properties[k], k, depth + 1)]))
    }
    case 'array':
      return [exampleOf((node.items as Node) ?? {}, name.replace(/s$/, ''), depth + 1)]
    case 'integer':
    case 'number':
      return typeof node.minimum === 'number' && node.minimum > 1 ? node.minimum : /cents$/.test(name) ? 10000 : 1
    case 'boolean':
      return true
    case 'string':
      return SAMPLES[String(node.format)] ?? `<${name}>`
    default:
      return `<${name}>`
  }
}

/** Sample values of the named formats. */
const SAMPLES: Record<string, string> = {
  date: '2026-12-01',
  'date-time': '2026-12-01T09:00:00-05:00',
  'HH:MM': '09:00',
  email: 'jane@example.com',
}
