import { z } from 'zod'

const cache = new WeakMap<z.ZodType, Record<string, unknown>>()

/** The JSON Schema of what callers send for a zod schema (defaults optional), without the $schema line. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let out = cache.get(schema)
  if (!out) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
    out = stripFormatPatterns(rest) as Record<string, unknown>
    cache.set(schema, out)
  }
  return out
}

/** Drops the long regex zod adds beside a named format (uuid, email): the format says it, and models read every byte. */
function stripFormatPatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripFormatPatterns)
  if (!node || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof (node as { format?: unknown }).format === 'string') continue
    out[key] = stripFormatPatterns(value)
  }
  return out
}
