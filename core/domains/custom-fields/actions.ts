import { z } from 'zod'
import { AppError, validationError } from '../../kernel/errors.js'
import { auditChanged, auditedArchive, auditedInsert } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import {
  APPLIES_TO,
  DEFINITION_COLUMNS,
  DEFINITION_RECORD,
  DEFINITIONS_READ,
  DEFINITION_TABLE,
  FIELD_KEY,
  FIELD_TYPES,
  keyFromLabel,
  lockDefinition,
} from './model.js'
import { page } from '../../vocabulary/places.js'
import { forgetRead } from '../../db/read-memo.js'

const label = noteText(100).describe('How the field is shown to people, e.g. "Gate code"')
const options = z
  .array(z.string().trim().min(1).max(100))
  .max(50)
  .describe('The options of a choice field, in the order shown, e.g. ["House", "Condo", "Office"]; only for choice')
const position = z.number().int().min(0).max(1000).describe('Where the field is listed among the others, smallest first')

/** Options as given, each once whatever its case; a choice needs at least one and no other type takes any. */
function checkedOptions(fieldType: string, given: string[] | undefined): string[] {
  const list = given ?? []
  if (fieldType === 'choice' && !list.length) {
    throw validationError([{ field: 'data.options', message: 'a choice field needs its options, e.g. ["House", "Condo"]' }])
  }
  if (fieldType !== 'choice' && list.length) {
    throw validationError([{ field: 'data.options', message: `only a choice field has options; this one is ${fieldType}` }])
  }
  const seen = new Set<string>()
  list.forEach((o, i) => {
    if (seen.has(o.toLowerCase())) throw validationError([{ field: `data.options.${i}`, message: `${o} is listed twice` }])
    seen.add(o.toLowerCase())
  })
  return list
}

/** Adds a field of the business's own to its customers or its tickets. */
export const defineCustomField = defineAction({
  key: 'custom_field.define',
  phrases: ['add a custom field', 'track something extra on customers', 'custom field', 'extra field', 'add field', 'form field'],
  title: 'Add a custom field',
  place: page('/settings/fields', 'Add a field'),
  words: { phrase: 'add a field of your own to customers or visits' },
  description:
    "Add a field of the business's own to customers or tickets. applies_to: contact (every customer), person or organization " +
    '(customers of that kind), ticket. label: shown to people; key: the stable snake_case name values are stored under (default: made from ' +
    'the label, e.g. "Gate code" gives gate_code); ' +
    'field_type: text|number|date|choice|yes_no; options for choice; required: create calls must then give it. Values are set with ' +
    "custom_fields {key: value} on contact.create/update and ticket.create/update. Agents need the owner's approval.",
  access: { agent: 'requires_authorization', technician: 'none' },
  input: z.strictObject({
    applies_to: z
      .enum(APPLIES_TO)
      .describe('contact: every customer; person or organization: customers of that kind; ticket: appointments'),
    label,
    key: z
      .string()
      .trim()
      .regex(FIELD_KEY, 'expected snake_case starting with a letter, up to 40 characters, e.g. gate_code')
      .optional()
      .describe('Stable snake_case name the values are stored under; default: made from the label'),
    field_type: z.enum(FIELD_TYPES).describe('text, number, date (YYYY-MM-DD), choice (one of options) or yes_no (true/false)'),
    options: options.optional(),
    required: z.boolean().default(false).describe('true: every new record must give a value'),
    position: position.optional(),
  }),
  output: DEFINITION_RECORD,
  async run(ctx, input) {
    const list = checkedOptions(input.field_type, input.options)
    const key = input.key ?? keyFromLabel(input.label)
    if (!FIELD_KEY.test(key))
      throw validationError([{ field: 'data.key', message: 'give a snake_case key, e.g. gate_code: none could be made from the label' }])
    const taken = await ctx.db.query<{ id: string; label: string; archived_at: Date | null }>(
      'select id, label, archived_at from custom_field_definitions where key = $1',
      [key],
    )
    if (taken.rows[0]) {
      const t = taken.rows[0]
      throw new AppError(
        'CONFLICT',
        `The key ${key} is already the field "${t.label}" (custom_field_id ${t.id})` +
          `${t.archived_at ? ', archived: restore it with custom_field.update archived=false' : ''}; choose another key`,
        { field: 'data.key', existing: { id: t.id, label: t.label, archived: Boolean(t.archived_at) } },
      )
    }
    forgetRead(ctx.db, DEFINITIONS_READ.key)
    return auditedInsert(
      ctx,
      DEFINITION_TABLE,
      `insert into custom_field_definitions (tenant_id, applies_to, key, label, field_type, options, required, position)
       values ($1, $2, $3, $4, $5, $6::text[], $7,
         coalesce($8::int, (select coalesce(max(position) + 1, 0) from custom_field_definitions)))
       returning ${DEFINITION_COLUMNS}`,
      [ctx.tenantId, input.applies_to, key, input.label, input.field_type, list, input.required, input.position ?? null],
    )
  },
})

/** Changes a field's label, options, required flag or place; archived=false restores an archived one. */
export const updateCustomField = defineAction({
  key: 'custom_field.update',
  title: 'Change or restore a custom field',
  place: page('/settings/fields', 'pick an archived field, then Restore'),
  words: { phrase: 'change one of your own fields' },
  description:
    'Change a custom field: label, options (choice only; the whole list; values already set stay as they are), required, ' +
    'position, archived (false restores an archived field). Only the fields given change. key, applies_to and field_type never change: ' +
    "define a new field instead. Agents need the owner's approval.",
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    custom_field_id: z.uuid(),
    label: label.optional(),
    options: options.optional(),
    required: z.boolean().optional().describe('true: every new record must give a value'),
    position: position.optional(),
    archived: z.boolean().optional().describe('true archives the field (as custom_field.archive); false restores it'),
  }),
  output: DEFINITION_RECORD,
  async run(ctx, input) {
    const before = await lockDefinition(ctx.db, input.custom_field_id)
    const list = input.options === undefined ? before.options : checkedOptions(before.field_type, input.options)
    const archivedAt =
      input.archived === undefined ? before.archived_at : input.archived ? (before.archived_at ?? ctx.services.now()) : null
    const r = await ctx.db.query(
      `update custom_field_definitions set label = $2, options = $3::text[], required = $4, position = $5, archived_at = $6
       where id = $1 returning ${DEFINITION_COLUMNS}`,
      [before.id, input.label ?? before.label, list, input.required ?? before.required, input.position ?? before.position, archivedAt],
    )
    const after = r.rows[0]
    if (await auditChanged(ctx, DEFINITION_TABLE, before, after)) forgetRead(ctx.db, DEFINITIONS_READ.key)
    return after
  },
})

/** Retires a field: it leaves forms and the agent's list; values already set are kept and still read. */
export const archiveCustomField = defineAction({
  key: 'custom_field.archive',
  title: 'Archive a custom field',
  place: page('/settings/fields', 'pick the field, then Archive'),
  words: { phrase: 'archive one of your own fields' },
  description:
    'Archive a custom field: it leaves the forms and takes no new values; values already set are kept and still read and ' +
    "exported. Archiving twice changes nothing; restore with custom_field.update archived=false. Agents need the owner's approval.",
  access: { agent: 'requires_authorization', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ custom_field_id: z.uuid() }),
  output: DEFINITION_RECORD,
  async run(ctx, input) {
    const before = await lockDefinition(ctx.db, input.custom_field_id)
    return auditedArchive(ctx, DEFINITION_TABLE, before)
  },
})
