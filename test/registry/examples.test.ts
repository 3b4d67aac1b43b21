import { describe, expect, it } from 'vitest'
import { domainRegistry } from '../../core/kernel/services.js'

const registry = domainRegistry()

/** An id field: it takes a number or a name too, read into the id before the input is checked. */
const isIdField = (path: PropertyKey[]) => path.some((p) => typeof p === 'string' && /_ids?$/.test(p))

describe('example calls declared beside the definitions', () => {
  it('are calls each input accepts, once a number or a name in an id field is read as the id', () => {
    const declared = [...registry.actions.values()].filter((d) => d.example)
    expect(declared.length).toBeGreaterThan(5)
    const refused = declared.flatMap((d) => {
      const parsed = d.input.safeParse(d.example)
      if (parsed.success) return []
      return parsed.error.issues.filter((i) => !isIdField(i.path)).map((i) => `${d.domain}.${d.name}: ${i.path.join('.')} ${i.message}`)
    })
    expect(refused).toEqual([])
  })

  it('declare for a data type only filters it takes', () => {
    for (const q of registry.queries.values()) {
      if (!q.example) continue
      expect(q.params.safeParse(q.example).success, q.type).toBe(true)
    }
  })
})
