import type { z } from 'zod'

/** A zod schema's definition: its type and the parts it is made of. */
export function defOf(schema: z.ZodType): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def
}

/** The schema a wrapper stands for (optional, nullable, default, a pipe's input), or null for any other schema. */
export function innerOf(schema: z.ZodType): z.ZodType | null {
  const def = defOf(schema)
  if (['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch'].includes(def.type))
    return def.innerType as z.ZodType
  if (def.type === 'pipe') return def.in as z.ZodType
  return null
}

/** The schema at a dotted path into an object schema ("line_items.description": each list item's), or null when there is none. */
export function schemaAt(schema: z.ZodType, path: readonly string[]): z.ZodType | null {
  const inner = innerOf(schema)
  if (inner) return schemaAt(inner, path)
  const def = defOf(schema)
  if (def.type === 'array') return schemaAt(def.element as z.ZodType, path)
  if (!path.length) return schema
  if (def.type === 'object') {
    const field = (def.shape as Record<string, z.ZodType>)[path[0]]
    return field ? schemaAt(field, path.slice(1)) : null
  }
  if (def.type === 'union') {
    for (const option of def.options as z.ZodType[]) {
      const found = schemaAt(option, path)
      if (found) return found
    }
  }
  return null
}
