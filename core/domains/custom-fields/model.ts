import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { readAheadRows, type ReadAhead } from '../../db/read-memo.js'
import { timestamp } from '../../kernel/output-types.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'

/** What a field is on: every customer, customers of one kind, or tickets. */
export const APPLIES_TO = ['contact', 'person', 'organization', 'ticket'] as const

/** The kinds of value a field holds. */
export const FIELD_TYPES = ['text', 'number', 'date', 'choice', 'yes_no'] as const

/** A field's key: snake_case, starting with a letter, up to 40 characters. */
export const FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/

/** A key made from a label when none is given: "Gate code" becomes gate_code. */
export function keyFromLabel(label: string): string {
  const words = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  return (/^[a-z]/.test(words) ? words : `field_${words}`).slice(0, 40).replace(/_+$/, '')
}

/** The records that hold custom fields. */
export type FieldRecord = 'contact' | 'ticket'

/** The columns of a definition as the API shows it. */
export const DEFINITION_COLUMNS = 'id, applies_to, key, label, field_type, options, required, position, archived_at, created_at, updated_at'

/** Where custom field definitions live, for the records helper. */
export const DEFINITION_TABLE: RecordKind = { table: 'custom_field_definitions', columns: DEFINITION_COLUMNS, entity: 'custom_field' }

/** A field definition as the API shows it (DEFINITION_COLUMNS). */
export const DEFINITION_RECORD = z.object({
  id: z.uuid(),
  applies_to: z.enum(APPLIES_TO),
  key: z.string(),
  label: z.string(),
  field_type: z.enum(FIELD_TYPES),
  options: z.array(z.string()),
  required: z.boolean(),
  position: z.number().int(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** A definition as stored. */
export type Definition = z.output<typeof DEFINITION_RECORD>

/** The values of a record's custom fields, by key, as reads show them. */
export const CUSTOM_VALUES = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .describe("The business's own fields, by key (see custom_fields)")

/** The applies_to values whose fields a record of this kind holds (a person holds contact and person fields). */
export function appliesToOf(record: FieldRecord, contactKind?: string | null): string[] {
  return record === 'ticket' ? ['ticket'] : ['contact', ...(contactKind ? [contactKind] : ['person', 'organization'])]
}

/** The read of all the business's definitions, in order, that the actions taking custom_fields send with their BEGIN. */
export const DEFINITIONS_READ: ReadAhead = {
  key: 'custom field definitions',
  sql: `select ${DEFINITION_COLUMNS} from custom_field_definitions order by position, key`,
}

/** The business's definitions for the given applies_to values, in order, archived ones too unless asked otherwise. */
export async function loadDefinitions(
  tx: Queryable,
  appliesTo: readonly string[],
  opts: { archived?: boolean } = {},
): Promise<Definition[]> {
  const ahead = readAheadRows(tx, DEFINITIONS_READ.key) as Definition[] | undefined
  if (ahead) return ahead.filter((d) => appliesTo.includes(d.applies_to) && (opts.archived !== false || !d.archived_at))
  const r = await tx.query<Definition>(
    `select ${DEFINITION_COLUMNS} from custom_field_definitions where applies_to = any($1::text[])
       ${opts.archived === false ? 'and archived_at is null' : ''}
     order by position, key`,
    [[...appliesTo]],
  )
  return r.rows
}

/** One definition, locked for a change; NOT_FOUND naming the field when there is none. */
export async function lockDefinition(tx: Queryable, id: string): Promise<Definition> {
  return lockRecord<Definition>(tx, DEFINITION_TABLE, id)
}

/** What a field of this definition expects, in words a person and a model act on. */
export function expectedValue(def: Pick<Definition, 'field_type' | 'options'>): string {
  switch (def.field_type) {
    case 'text':
      return `expected text (up to ${MAX_TEXT} characters)`
    case 'number':
      return 'expected a number'
    case 'date':
      return 'expected a date YYYY-MM-DD'
    case 'choice':
      return `expected one of: ${def.options.join(', ')}`
    case 'yes_no':
      return 'expected true or false'
  }
}

/** The longest text value. */
export const MAX_TEXT = 1000

/** A field as the agent is told about it: "gate_code text", "building choice(house|condo) required". */
export function fieldLine(def: Definition): string {
  const type = def.field_type === 'choice' ? `choice(${def.options.join('|')})` : def.field_type
  return `${def.key} ${type}${def.required ? ' required' : ''}${def.applies_to === 'person' || def.applies_to === 'organization' ? ` ${def.applies_to}s only` : ''}`
}

/** The business's fields in use, as the agent is told them: one line each, by the record they are on; null when there are none. */
export function customFieldsSummary(defs: readonly Definition[]): { contact?: string[]; ticket?: string[]; use: string } | null {
  const live = defs.filter((d) => !d.archived_at)
  if (!live.length) return null
  const contact = live.filter((d) => d.applies_to !== 'ticket').map(fieldLine)
  const ticket = live.filter((d) => d.applies_to === 'ticket').map(fieldLine)
  return {
    ...(contact.length ? { contact } : {}),
    ...(ticket.length ? { ticket } : {}),
    use: 'custom_fields {key: value} on contact/ticket create and update; filter contacts/tickets with custom_field and custom_value',
  }
}
