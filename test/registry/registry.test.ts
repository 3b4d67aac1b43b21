import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeCapabilities } from '../../core/kernel/operation-catalogue.js'
import { buildRegistry } from '../../api/product.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import { publishedSchemaOf } from '../../core/text/record-ref-words.js'
import type { AgentLevel } from '../../core/kernel/access.js'
import { createRegistry, defineAction, defineQuery } from '../../core/kernel/registry.js'

const PERMISSIONS: AgentLevel[] = ['unrestricted', 'soft_limit', 'requires_authorization', 'never']

const action = (domain: string, name: string) =>
  defineAction({
    key: `${domain}.${name}`,
    description: `${domain} ${name}`,
    access: { agent: 'unrestricted', technician: 'none' },
    input: z.object({ a: z.string() }),
    output: z.null(),
    run: async () => null,
  })
const query = (type: string) =>
  defineQuery({
    type,
    access: { agent: 'unrestricted', technician: 'none' },
    description: type,
    params: z.object({}),
    record: z.object({}),
    run: async () => ({ items: [], next_cursor: null }),
  })

/** Whether a JSON Schema node says something about its value (an empty {} accepts anything and tells a model nothing). */
function saysWhat(node: Record<string, unknown>): boolean {
  return ['type', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', '$ref', 'description'].some((k) => k in node)
}

describe('the registry', () => {
  it('refuses an action or a data type registered twice, naming it', () => {
    expect(() => createRegistry([{ one: action('contact', 'create') }, { two: action('contact', 'create') }])).toThrow(
      /contact\.create is registered twice/,
    )
    expect(() => createRegistry([{ one: query('contacts'), two: query('contacts') }])).toThrow(/contacts is registered twice/)
    expect(
      createRegistry([{ one: action('contact', 'create'), two: action('contact', 'update'), three: query('contacts') }]).actions.size,
    ).toBe(2)
  })

  it('refuses names that would make "domain.name" ambiguous', () => {
    expect(() => createRegistry([{ one: action('contact.note', 'add') }])).toThrow(/note\.add/)
    expect(() => createRegistry([{ one: action('contact', 'Add Note') }])).toThrow(/Add Note/)
    expect(() => createRegistry([{ one: query('audit-trail') }])).toThrow(/audit-trail/)
  })

  it('refuses at start-up an action without an output schema or a data type without a record schema', () => {
    const { output: _o, ...untyped } = action('contact', 'create')
    const { record: _r, ...unshaped } = query('contacts')
    expect(() => createRegistry([{ one: untyped }])).toThrow(/contact\.create declares no output schema/)
    expect(() => createRegistry([{ one: unshaped }])).toThrow(/contacts declares no record schema/)
  })

  it("refuses at start-up an owner's approval asked for a field the action does not take (a misspelt field would never ask)", () => {
    const asking = (fields: string[]) => ({
      ...action('settings', 'update'),
      access: { agent: 'unrestricted' as const, technician: 'none' as const, ownerApproves: { fields, why: 'moves money' } },
    })
    expect(() => createRegistry([{ one: asking(['a', 'payment_instrctions']) }])).toThrow(
      /settings\.update asks the owner's approval for payment_instrctions/,
    )
    expect(createRegistry([{ one: asking(['a']) }]).actions.get('settings.update')?.access.ownerApproves?.fields).toEqual(['a'])
  })

  const registry = buildRegistry()

  it("declares every action's answer and every data type's record as an object naming its fields (MCP structuredContent must be one)", () => {
    const shapes = [
      ...[...registry.actions].map(([key, def]) => [key, def.output] as const),
      ...[...registry.queries].map(([type, def]) => [type, def.record] as const),
    ]
    for (const [name, schema] of shapes) {
      const json = jsonSchemaOf(schema) as { type?: string; properties?: Record<string, unknown> }
      expect(json.type, name).toBe('object')
      expect(Object.keys(json.properties ?? {}).length, name).toBeGreaterThan(0)
    }
  })
  const capabilities = describeCapabilities(registry, { type: 'user', id: 'owner', role: 'owner' })

  it("has the product's operations, each action with a description, an allowed permission and a unique domain.name", () => {
    expect(registry.actions.size).toBeGreaterThanOrEqual(3)
    expect(registry.queries.size).toBeGreaterThanOrEqual(2)
    for (const [key, def] of registry.actions) {
      expect(key).toBe(`${def.domain}.${def.name}`)
      expect(def.description.trim().length, `${key} description`).toBeGreaterThanOrEqual(20)
      expect(PERMISSIONS, `${key} permission`).toContain(def.access.agent)
    }
    for (const [type, def] of registry.queries) {
      expect(def.type).toBe(type)
      expect(def.description.trim().length, `${type} description`).toBeGreaterThanOrEqual(20)
    }
    const published = Object.entries(capabilities.domains).flatMap(([domain, d]) => d.actions.map((a: any) => `${domain}.${a.name}`))
    expect(published.sort()).toEqual([...registry.actions.keys()].sort())
    expect(capabilities.data_types.map((d) => d.type).sort()).toEqual([...registry.queries.keys()].sort())
  })

  it('publishes for every action an input schema that names its properties, each saying what it takes', () => {
    for (const [domain, { actions }] of Object.entries(capabilities.domains)) {
      for (const a of actions as Array<{ name: string; input: Record<string, any> }>) {
        const where = `${domain}.${a.name} input`
        expect(a.input.type, where).toBe('object')
        expect(Object.keys(a.input.properties ?? {}).length, where).toBeGreaterThan(0)
        for (const [field, schema] of Object.entries<Record<string, unknown>>(a.input.properties)) {
          expect(saysWhat(schema), `${where}.${field}: ${JSON.stringify(schema)}`).toBe(true)
        }
        expect(a.input).toEqual(publishedSchemaOf(registry.actions.get(`${domain}.${a.name}`)!.input))
      }
    }
  })

  it('publishes for every data type an object schema of its filters, each saying what it takes', () => {
    for (const d of capabilities.data_types) {
      const params = d.params as Record<string, any>
      expect(params.type, `${d.type} params`).toBe('object')
      expect(params.properties, `${d.type} params`).toBeTypeOf('object')
      for (const [field, schema] of Object.entries<Record<string, unknown>>(params.properties)) {
        expect(saysWhat(schema), `${d.type}.${field}: ${JSON.stringify(schema)}`).toBe(true)
      }
    }
  })

  it('turns a zod schema into JSON Schema that names its properties (an empty schema would hide them)', () => {
    const schema = jsonSchemaOf(z.strictObject({ id: z.uuid(), when: z.iso.datetime(), count: z.number().int().min(1).default(1) }))
    expect(schema).toMatchObject({
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        when: { type: 'string', format: 'date-time' },
        count: { type: 'integer', minimum: 1, default: 1 },
      },
      required: ['id', 'when'],
    })
    expect(JSON.stringify(schema)).not.toContain('pattern')
  })
})
