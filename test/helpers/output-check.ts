import type { z } from 'zod'

/** What is wrong with a result against its declared schema: each failed check and each key the schema does not name, with its path. */
export function outputProblems(schema: z.ZodType, result: unknown): string[] {
  const json = result === undefined ? undefined : JSON.parse(JSON.stringify(result))
  const parsed = schema.safeParse(json)
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`)
  return [...problems, ...unnamedKeys(schema, json, '').map((p) => `${p}: not named in the schema`)]
}

type Def = { type: string; [key: string]: any }

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def
}

/** The paths of keys in the value that no object schema names, looking through optional, nullable, arrays, records and unions. */
export function unnamedKeys(schema: z.ZodType, value: unknown, path: string): string[] {
  const def = defOf(schema)
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key))
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return value === null || value === undefined ? [] : unnamedKeys(def.innerType, value, path)
    case 'pipe':
      return unnamedKeys(def.in, value, path)
    case 'lazy':
      return unnamedKeys(def.getter(), value, path)
    case 'array':
      return Array.isArray(value) ? value.flatMap((item, i) => unnamedKeys(def.element, item, at(i))) : []
    case 'record':
      return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => unnamedKeys(def.valueType, v, at(k))) : []
    case 'union': {
      // The branch the value parses with decides which keys are named.
      const branch = (def.options as z.ZodType[]).find((o) => o.safeParse(value).success)
      return branch ? unnamedKeys(branch, value, path) : []
    }
    case 'intersection':
      return intersect(unnamedKeys(def.left, value, path), unnamedKeys(def.right, value, path))
    case 'object': {
      if (!isPlainObject(value)) return []
      const shape = def.shape as Record<string, z.ZodType>
      // An object with a catchall (or a loose one) names every key.
      const open = def.catchall && defOf(def.catchall).type !== 'never'
      return Object.entries(value).flatMap(([k, v]) => (k in shape ? unnamedKeys(shape[k], v, at(k)) : open ? [] : [at(k)]))
    }
    default:
      return []
  }
}

function intersect(a: string[], b: string[]): string[] {
  return a.filter((p) => b.includes(p))
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}
