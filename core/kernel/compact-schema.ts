/** A JSON Schema node as zod writes it. */
type Node = Record<string, unknown>

/**
 * An input schema in one short line a model reads at a glance: `{ticket_id*: id, lines: [{service*: text, quantity: int}]}`,
 * `*` marking what is required. Descriptions are left out (the full schema has them); past maxFields top-level fields the
 * rest are named without their kind.
 */
export function compactSchema(schema: Node, maxFields = 12): string {
  return typeOf(schema, maxFields, 0)
}

function typeOf(node: Node, maxFields: number, depth: number): string {
  // A nullable field's kinds come as a list ("string", "null"): the caller gives the one that is not null.
  if (Array.isArray(node.type)) {
    const kinds = node.type.filter((t) => t !== 'null')
    if (kinds.length) return typeOf({ ...node, type: kinds[0] }, maxFields, depth)
  }
  if (Array.isArray(node.enum)) return enumOf(node.enum)
  if (node.const !== undefined) return JSON.stringify(node.const)
  const alternatives = (node.anyOf ?? node.oneOf) as Node[] | undefined
  if (alternatives) {
    const kinds = alternatives.filter((a) => a.type !== 'null').map((a) => typeOf(a, maxFields, depth))
    return [...new Set(kinds)].join('|') || 'null'
  }
  switch (node.type) {
    case 'object':
      return objectOf(node, depth === 0 ? maxFields : 6, depth)
    case 'array':
      return `[${typeOf((node.items as Node) ?? {}, maxFields, depth + 1)}]`
    case 'integer':
      return 'int'
    case 'number':
      return 'number'
    case 'boolean':
      return 'bool'
    case 'string':
      return FORMATS[String(node.format)] ?? refWords(node) ?? 'text'
    default:
      return 'any'
  }
}

/** Formats a model needs named: an id, a date, a time. */
const FORMATS: Record<string, string> = {
  uuid: 'id',
  date: 'YYYY-MM-DD',
  'date-time': 'ISO time',
  'HH:MM': 'HH:MM',
  email: 'email',
  uri: 'url',
}

function enumOf(values: unknown[]): string {
  const shown = values.slice(0, 8).map((v) => String(v))
  return values.length > 8 ? `${shown.join('|')}|…` : shown.join('|')
}

function objectOf(node: Node, maxFields: number, depth: number): string {
  const properties = (node.properties ?? {}) as Record<string, Node>
  const required = new Set((node.required ?? []) as string[])
  // Required fields first: a caller must give them, and they are what a cut list must keep.
  const names = Object.keys(properties).sort((a, b) => Number(required.has(b)) - Number(required.has(a)))
  if (!names.length) return '{}'
  if (depth >= 3) return '{…}'
  const shown = names.slice(0, Math.max(maxFields, [...required].length))
  const parts = shown.map((name) => `${name}${required.has(name) ? '*' : ''}: ${typeOf(properties[name], maxFields, depth + 1)}`)
  // Past the limit a field is named only: a caller still sees it is there, and asks for the full schema to learn its kind.
  const rest = names.slice(shown.length)
  return `{${[...parts, ...rest].join(', ')}}`
}

/** What an id field that also takes a number or a name says it takes ("id or #number"), as the published schema words it. */
function refWords(node: Node): string | null {
  const said = typeof node.description === 'string' ? node.description : ''
  const words = said.match(/\(?(id(?: or|,) [^()]*)\)?$/)?.[1]
  return words && words.length <= 40 ? words.replace(/, /g, '|').replace(/ or /g, '|') : null
}
