import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { validationError, type FieldIssue } from '../../kernel/errors.js'
import { noteJson } from '../../kernel/sanitize.js'
import { isoDate } from '../../kernel/schema-types.js'
import { appliesToOf, expectedValue, loadDefinitions, MAX_TEXT, type Definition, type FieldRecord } from './model.js'

/** The custom_fields input of create and update: {key: value}, null clears a value. */
export const customFieldsInput = z
  .record(z.string().max(40), noteJson())
  .describe(
    "The business's own fields as {key: value}: text, number, date YYYY-MM-DD, one option of a choice, or true/false for yes_no; " +
      'null clears one. Keys and types: custom_fields (data type), or the custom_fields list of crm_capabilities',
  )

const realDay = isoDate()

/** The value as stored when it fits the definition, or undefined when it does not; a choice takes its option's spelling. */
function fitted(def: Definition, value: unknown): string | number | boolean | undefined {
  switch (def.field_type) {
    case 'text': {
      const text = typeof value === 'string' ? value.trim() : ''
      return text && text.length <= MAX_TEXT ? text : undefined
    }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined
    case 'date':
      return typeof value === 'string' && realDay.safeParse(value).success ? value : undefined
    case 'choice':
      return typeof value === 'string' ? def.options.find((o) => o.toLowerCase() === value.trim().toLowerCase()) : undefined
    case 'yes_no':
      return typeof value === 'boolean' ? value : undefined
  }
}

/**
 * The record's custom fields after the given change, each value checked against its definition: an unknown or archived
 * key, a value of the wrong type, an option not in the list, or (on create, or when cleared) a required field left
 * empty is a VALIDATION_ERROR naming data.custom_fields.<key> and what was expected.
 */
export async function checkedCustomFields(
  tx: Queryable,
  target: { record: FieldRecord; contactKind?: string | null },
  given: Record<string, unknown> | undefined,
  before: Record<string, unknown> | null,
): Promise<Record<string, unknown>> {
  const defs = await loadDefinitions(tx, appliesToOf(target.record, target.contactKind))
  const byKey = new Map(defs.map((d) => [d.key, d]))
  const live = defs.filter((d) => !d.archived_at)
  const known = live.map((d) => d.key).join(', ') || `none yet (the owner defines them)`
  const issues: FieldIssue[] = []
  // Keyed by field keys the business chose ("constructor" is a valid one): no prototype to find them in.
  const after: Record<string, unknown> = Object.assign(Object.create(null), before)
  for (const [key, value] of Object.entries(given ?? {})) {
    const field = `data.custom_fields.${key}`
    const def = byKey.get(key)
    if (!def) {
      issues.push({ field, message: `is not a field of ${target.record === 'ticket' ? 'tickets' : 'this customer'}; fields: ${known}` })
    } else if (def.archived_at && value !== null) {
      issues.push({ field, message: `was archived by the owner and takes no new values; fields: ${known}` })
    } else if (value === null) {
      if (def.required && !def.archived_at) issues.push({ field, message: `is required and cannot be cleared: ${expectedValue(def)}` })
      delete after[key]
    } else {
      const v = fitted(def, value)
      if (v === undefined) issues.push({ field, message: expectedValue(def) })
      else after[key] = v
    }
  }
  if (!before) {
    for (const def of live) {
      if (def.required && after[def.key] === undefined && !issues.some((i) => i.field === `data.custom_fields.${def.key}`)) {
        issues.push({ field: `data.custom_fields.${def.key}`, message: `is required: ${expectedValue(def)}` })
      }
    }
  }
  if (issues.length) throw validationError(issues)
  return after
}

/** The custom_field and custom_value filters, shared by contacts and tickets. */
export const customFilterParams = {
  custom_field: z
    .string()
    .trim()
    .toLowerCase()
    .max(40)
    .optional()
    .describe("A custom field's key: records with a value for it (with custom_value: that value)"),
  custom_value: z
    .string()
    .trim()
    .min(1)
    .max(MAX_TEXT)
    .optional()
    .describe("With custom_field: the value, e.g. a choice's option, a number, a date YYYY-MM-DD, yes or no, or the exact text"),
}

/**
 * The SQL condition of the custom_field and custom_value filters (through the index lookup of migration 0046), or null
 * when neither is given; a key that is no field or a value its type cannot hold is a VALIDATION_ERROR.
 */
export async function customFilterCondition(
  tx: Queryable,
  record: FieldRecord,
  alias: string,
  p: { custom_field?: string; custom_value?: string },
  arg: (value: unknown) => string,
): Promise<string | null> {
  if (p.custom_field === undefined && p.custom_value === undefined) return null
  if (!p.custom_field) throw validationError([{ field: 'custom_field', message: 'is needed with custom_value: the key of a custom field' }])
  const defs = await loadDefinitions(tx, appliesToOf(record))
  const def = defs.find((d) => d.key === p.custom_field)
  if (!def) {
    throw validationError([
      { field: 'custom_field', message: `is not a field of ${record}s; fields: ${defs.map((d) => d.key).join(', ') || 'none yet'}` },
    ])
  }
  const lookup = record === 'ticket' ? 'ticket_ids_with_custom_value' : 'contact_ids_with_custom_value'
  if (p.custom_value === undefined) return `${alias}.id in (select ${lookup}(${arg(def.key)}, null))`
  const value = filterValue(def, p.custom_value)
  if (value === undefined)
    throw validationError([{ field: 'custom_value', message: `${p.custom_value} does not fit ${def.key}: ${expectedValue(def)}` }])
  return `${alias}.id in (select ${lookup}(${arg(def.key)}, ${arg(JSON.stringify(value))}::jsonb))`
}

/** A filter's text as the value it stands for: numbers and yes/no are read from their words. */
function filterValue(def: Definition, text: string): string | number | boolean | undefined {
  if (def.field_type === 'number') return text !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined
  if (def.field_type === 'yes_no')
    return ['yes', 'true'].includes(text.toLowerCase()) ? true : ['no', 'false'].includes(text.toLowerCase()) ? false : undefined
  return fitted(def, text)
}
