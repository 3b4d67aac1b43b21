import { createHash } from 'node:crypto'
import { validationError } from '../../kernel/errors.js'
import { emailSchema, phoneSchema, tagSchema } from '../contacts/model.js'
import { readCsvRecords } from './csv-rows.js'
import { checkMapping, NAMING_FIELDS, proposeMapping, type ColumnMapping, type MappedField } from './csv-mapping.js'
import { candidateContact, completeAddress } from './candidate-contact.js'
import type { CustomerCandidate, PlannedRow } from './square-customers.js'

/** A general CSV file read with a column mapping: the mapping used (given or proposed), the columns left out, and every row planned. */
export interface MappedPlan {
  headers: string[]
  mapping: ColumnMapping
  /** True when the caller gave no mapping and this one was proposed from the headers. */
  proposed: boolean
  /** Columns of the file that no field takes: not imported. */
  ignored_columns: string[]
  rows: PlannedRow[]
}

/** The header row of a CSV file, for proposing a mapping before anything is imported. */
export function headersOf(text: string): string[] {
  return readRows(text)[0].record
}

/**
 * Reads any CSV of customers (a spreadsheet, another system's export) through a column mapping; without one, a mapping is proposed
 * from the headers. A row without an external id column gets a key made of its own values, so the same file twice creates nothing new.
 */
export function planMappedCustomers(
  text: string,
  given: Record<string, string> | undefined,
  source: string,
  mappingField = 'data.mapping',
): MappedPlan {
  const rows = readRows(text)
  const headers = rows[0].record
  const blank = headers.findIndex((h) => !h)
  if (blank >= 0) throw validationError([{ field: 'file', message: `column ${blank + 1} of the header row has no name` }])
  const duplicate = headers.find((h, i) => headers.indexOf(h) !== i)
  if (duplicate) throw validationError([{ field: 'file', message: `the header row names column "${duplicate}" twice` }])
  const proposal = given ? null : proposeMapping(headers)
  if (proposal && !Object.values(proposal).some((f) => NAMING_FIELDS.includes(f))) {
    throw validationError([
      {
        field: mappingField,
        message:
          `is needed: no column header is a well-known name for a customer's name, company, ` +
          `email or phone (the file has ${headers.map((h) => `"${h}"`).join(', ')})`,
      },
    ])
  }
  const mapping = checkMapping(given ?? proposal ?? {}, headers, mappingField)
  const planned = rows.slice(1).map(({ record, line }) => {
    if (record.length > headers.length && record.slice(headers.length).some((v) => v.trim())) {
      return { line, name: '', refused: `has ${record.length} fields, the header ${headers.length}` }
    }
    const values = new Map<MappedField, { column: string; value: string }>()
    for (const [column, field] of Object.entries(mapping)) {
      const value = (record[headers.indexOf(column)] ?? '').trim()
      if (value) values.set(field, { column, value })
    }
    return planRow(values, line, source)
  })
  const mapped = new Set(Object.keys(mapping))
  return { headers, mapping, proposed: !given, ignored_columns: headers.filter((h) => !mapped.has(h)), rows: planned }
}

/** The file's rows with the line each starts on, blank lines left out; VALIDATION_ERROR when it is not CSV or has no header row. */
function readRows(text: string): Array<{ record: string[]; line: number }> {
  return readCsvRecords(text, 'is empty: expected a header row naming the columns, then one customer a row')
}

function planRow(v: Map<MappedField, { column: string; value: string }>, line: number, source: string): PlannedRow {
  const get = (f: MappedField) => v.get(f)?.value
  const first = get('first_name')
  const last = get('last_name')
  const company = get('company')
  const email = get('email')
  const phone = get('phone')
  const name = get('name') || [first, last].filter(Boolean).join(' ') || company || email || phone || ''
  if (!name) return { line, name, refused: 'has no name, company, email or phone' }
  if (email && !emailSchema.safeParse(email).success)
    return { line, name, refused: `${v.get('email')?.column} "${email}" is not an email address` }
  if (phone && !phoneSchema.safeParse(phone).success)
    return { line, name, refused: `${v.get('phone')?.column} "${phone}" is not a phone number` }
  const warnings: string[] = []
  const [line1, line2, city, state, postal] = (['address_line1', 'address_line2', 'city', 'state', 'postal_code'] as const).map(get)
  const address = completeAddress({ line1, line2, city, state, postal }, warnings)
  const attributes: CustomerCandidate['attributes'] = {}
  for (const [field, { value }] of v) if (field.startsWith('attribute:')) attributes[field.slice('attribute:'.length)] = value
  const person = Boolean(first || last || get('name'))
  if (company && person && !('company_name' in attributes)) attributes.company_name = company
  const tags: string[] = []
  for (const word of (get('tags') ?? '')
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter(Boolean)) {
    const tag = tagSchema.safeParse(word)
    if (tag.success) tags.push(tag.data)
    else warnings.push(`tag "${word.slice(0, 60)}" not kept: a tag is 1 to 50 characters`)
  }
  return {
    line,
    name,
    candidate: {
      squareId: get('external_id') ?? rowKey(v),
      contact: {
        ...candidateContact({ person, name, first, last, company, email, phone, source }),
        ...(tags.length ? { tags: [...new Set(tags)] } : {}),
      },
      address,
      attributes,
      memo: get('notes') ?? null,
      warnings,
    },
  }
}

/** A row's own key when the file has no id column: the same values give the same key, so a second run matches the first. */
function rowKey(v: Map<MappedField, { value: string }>): string {
  const fields = [...v.entries()].map(([f, { value }]) => [f, value.toLowerCase()]).sort(([a], [b]) => (a < b ? -1 : 1))
  return `row:${createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32)}`
}
