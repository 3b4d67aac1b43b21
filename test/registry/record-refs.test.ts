import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entityOfField } from '../../core/kernel/access.js'
import type { Principal } from '../../core/kernel/context.js'
import { withTenant } from '../../core/db/tenant.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import { performQuery } from '../../core/kernel/operations.js'
import { scopeOf } from '../../core/kernel/operations-context.js'
import { RECORD_KINDS, recordKindOf } from '../../core/vocabulary/record-kinds.js'
import { publishedSchemaOf } from '../../core/text/record-ref-words.js'
import { refsToResolve, resolveRecordRefs } from '../../core/vocabulary/record-refs.js'
import type { z } from 'zod'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { bothEngines } from '../helpers/databases.js'
import { addUser } from '../helpers/session-browser.js'
import type { JsonSchema } from '../helpers/synthesize.js'

// Both engines: the generated registry tests prove the two engines answer alike.

// Generated from the registry: every id field of every action's data and every data type's filters, nested ones too,
// takes the number or name of its kind of record, and its published schema says so.

/**
 * Kinds of record an id field may point at that have neither a number nor a name people use: a new kind lands here or
 * in RECORD_KINDS, by decision.
 */
const BY_ID_ONLY = new Set([
  'address',
  'near_address',
  'line_item',
  'agent_token',
  'request',
  'rule',
  'calendar_feed',
  'custom_field',
  'document',
  'upload',
  'interaction',
  'message',
  'offer',
  'opportunity',
  'series',
  'waitlist_entry',
  'schedule_opening',
  'reach_out_rule',
  'reach_out_batch',
  'recurring_invoice',
  'customer_plan',
  'payment',
  'record',
  'entity',
  'actor',
])

/** One id field found in a published schema: its path (`line_items.[].service_id`) and the kind it points at. */
interface IdField {
  path: string[]
  entity: string
}

/** The id fields (UUID strings, or lists of them) of a JSON schema, at any depth. */
function idFields(schema: JsonSchema, path: string[] = []): IdField[] {
  const out: IdField[] = []
  for (const [name, raw] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const options = (raw.anyOf ?? raw.oneOf) as JsonSchema[] | undefined
    const prop = (options?.filter((o) => o.type !== 'null').length === 1 ? options.find((o) => o.type !== 'null') : raw) as JsonSchema
    const entity = entityOfField(name)
    if (entity && (prop.format === 'uuid' || prop.items?.format === 'uuid'))
      out.push({ path: [...path, name, ...(prop.format ? [] : ['[]'])], entity })
    else if (prop.type === 'object') out.push(...idFields(prop, [...path, name]))
    else if (prop.type === 'array' && prop.items?.type === 'object') out.push(...idFields(prop.items, [...path, name, '[]']))
  }
  return out
}

/** A value with `word` at the path (a list step holds one item). */
function valueAt(path: readonly string[], word: unknown): unknown {
  if (!path.length) return word
  return path[0] === '[]' ? [valueAt(path.slice(1), word)] : { [path[0]]: valueAt(path.slice(1), word) }
}

/** What is at the path of a value. */
function readAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((at, step) => (at as Record<string, unknown>)[step === '[]' ? 0 : step], value)
}

/** The published schema of the field at the path. */
function publishedAt(schema: JsonSchema, path: readonly string[]): JsonSchema {
  let at: JsonSchema = schema
  for (const step of path) {
    const options = (at.anyOf ?? at.oneOf) as JsonSchema[] | undefined
    if (options) at = options.find((o) => o.type !== 'null') as JsonSchema
    at = step === '[]' ? at.items : at.properties[step]
  }
  const options = (at.anyOf ?? at.oneOf) as JsonSchema[] | undefined
  return options ? (options.find((o) => o.type !== 'null') as JsonSchema) : at
}

describe.each(bothEngines)('every id field takes the number or name of its record (%s)', (engine) => {
  let app: TestApp
  let owner: Principal
  /** For each kind: the id of the business's one record, and the ways a caller may write it. */
  const records: Record<string, { id: string; words: unknown[] }> = {}

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    const act = (domain: string, action: string, data: unknown) => app.ownerAction(domain, action, data)
    const service = await act('service', 'create', { name: 'Window Cleaning', pricing: 'fixed', price_cents: 15000 })
    const contact = await act('contact', 'create', { display_name: 'Jane Smith', email: 'jane@refs.test', phone: '(256) 555-0142' })
    const techId = await addUser(app, 'tom@refs.test', 'technician', 'Tom Tech')
    const ticket = await act('ticket', 'create', {
      contact_id: contact.id,
      scheduled_start: '2026-12-01T15:00:00Z',
      line_items: [{ service_id: service.id }],
    })
    const invoice = await act('invoice', 'create_from_ticket', { ticket_id: ticket.id })
    const quote = await act('quote', 'create', { contact_id: contact.id, line_items: [{ service_id: service.id }] })
    const quote2 = await act('quote', 'create', { contact_id: contact.id, line_items: [{ service_id: service.id }] })
    const answered = await act('quote', 'record_answer', { quote_id: quote2.id, answer: 'accept' })
    const lead = await act('lead', 'create', { name: 'Lena Lead', email: 'lena@refs.test', raw_notes: 'wants windows done' })
    const template = await act('template', 'create', { kind: 'custom', name: 'Spring Hello', subject: 'Hello', body: 'Hi' })
    const segment = await act('segment', 'create', { name: 'Hill Streets', kind: 'manual' })
    const plan = await act('plan', 'create', {
      name: 'Monthly Windows',
      includes: [{ service_id: service.id, visits: 1 }],
      price_cents: 4500,
      cycle: 'monthly',
      term_cycles: 12,
    })
    const number = (n: string) => [n, n.toLowerCase()]
    Object.assign(records, {
      ticket: { id: ticket.id, words: [`#${ticket.number}`, ticket.number, String(ticket.number)] },
      invoice: { id: invoice.id, words: number(invoice.number) },
      quote: { id: quote.id, words: number(quote.number) },
      order: { id: answered.order.id, words: number(answered.order.number) },
      contact: { id: contact.id, words: ['jane smith', 'JANE@refs.test', '+1 256 555 0142'] },
      lead: { id: lead.id, words: ['lena lead', 'LENA@REFS.TEST'] },
      service: { id: service.id, words: ['window cleaning', 'Window'] },
      user: { id: techId, words: ['Tom Tech', 'tom', 'TOM@refs.test'] },
      template: { id: template.id, words: ['spring hello'] },
      segment: { id: segment.id, words: ['HILL STREETS'] },
      plan: { id: plan.id, words: ['monthly windows', ' MONTHLY WINDOWS '] },
    })
    expect(Object.keys(records).sort()).toEqual([...RECORD_KINDS.keys()].sort())
  }, 120_000)
  afterAll(() => app?.close())

  /** Resolves one field given as each of its kind's words, in the business's transaction, and checks its published words. */
  async function checkField(schema: z.ZodType, field: IdField, prefix: string, seen: Set<string>) {
    const kind = recordKindOf(field.entity)
    if (!kind) {
      expect(BY_ID_ONLY, `${field.path.join('.')} points at ${field.entity}`).toContain(field.entity)
      return 0
    }
    seen.add(kind.entity)
    const record = records[kind.entity]
    for (const word of record.words) {
      const given = valueAt(field.path, word)
      const refs = refsToResolve(schema, given, prefix)
      expect(refs.map((r) => r.field)).toEqual([prefix + field.path.map((s) => (s === '[]' ? '0' : s)).join('.')])
      const resolved = await withTenant(app.services.db, scopeOf(owner, 'refs'), (tx) =>
        resolveRecordRefs(tx, refs, given, { technicianId: null }),
      )
      expect(readAt(resolved, field.path), `${field.path.join('.')} = ${JSON.stringify(word)}`).toBe(record.id)
    }
    const list = field.path.at(-1) === '[]'
    const published = publishedAt(publishedSchemaOf(schema) as JsonSchema, list ? field.path.slice(0, -1) : field.path)
    const said = list ? published.items : published
    expect(said.format, field.path.join('.')).toBeUndefined()
    expect(said.description, field.path.join('.')).toContain(kind.takes)
    return 1
  }

  it('in the data of every action', async () => {
    const seen = new Set<string>()
    let checked = 0
    for (const def of app.services.registry.actions.values()) {
      for (const field of idFields(jsonSchemaOf(def.input) as JsonSchema)) checked += await checkField(def.input, field, 'data.', seen)
    }
    expect(checked).toBeGreaterThan(100)
    // Every kind taken by number or name is pointed at by some action.
    expect([...seen].sort()).toEqual([...RECORD_KINDS.keys()].sort())
  }, 300_000)

  it('in the filters of every data type', async () => {
    let checked = 0
    for (const def of app.services.registry.queries.values()) {
      for (const field of idFields(jsonSchemaOf(def.params) as JsonSchema)) checked += await checkField(def.params, field, '', new Set())
    }
    expect(checked).toBeGreaterThan(20)
  }, 300_000)

  it('as the id of every data type whose records have one, reading that record', async () => {
    let checked = 0
    for (const def of app.services.registry.queries.values()) {
      const entity = def.access.idEntity ?? def.entity
      const kind = recordKindOf(entity)
      if (!kind || def.access.agent === 'never') continue
      for (const word of records[kind.entity].words) {
        const read = await performQuery(app.services, owner, { type: def.type, id: String(word) }, { requestId: 'refs' }).catch(
          (err: Error) => err,
        )
        if (def.entity === kind.entity) expect((read as { id: string }).id, `${def.type} id=${word}`).toBe(records[kind.entity].id)
        // A data type read by another's id (a close-out by its visit's) may have no record for it: it says so by that id.
        else if (read instanceof Error) expect(read.message, `${def.type} id=${word}`).toContain(records[kind.entity].id)
      }
      checked++
    }
    expect(checked).toBeGreaterThan(8)
  }, 300_000)
})
