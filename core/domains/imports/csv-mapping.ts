import { validationError, type FieldIssue } from '../../kernel/errors.js'

/** The customer fields a CSV column can be mapped to; `attribute:<key>` keeps a column as a fact about the customer. */
export const MAPPED_FIELDS = [
  'first_name',
  'last_name',
  'name',
  'email',
  'phone',
  'company',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postal_code',
  'notes',
  'tags',
  'external_id',
] as const

/** One field a column can fill. */
export type MappedField = (typeof MAPPED_FIELDS)[number] | `attribute:${string}`

/** Column header -> field, as the caller gives it or as proposed from the headers (made without a prototype: headers are the file's words). */
export type ColumnMapping = Record<string, MappedField>

/** The fields that can name a customer; a mapping needs at least one. */
export const NAMING_FIELDS: readonly string[] = ['first_name', 'last_name', 'name', 'company', 'email', 'phone']

/** An attribute key as the attributes domain accepts it. */
const ATTRIBUTE_KEY = /^[a-z][a-z0-9_]{0,62}$/

/** Header spellings (lower case, letters and digits only) that name a field, as spreadsheets and other systems write them. */
const WELL_KNOWN: Record<(typeof MAPPED_FIELDS)[number], string[]> = {
  first_name: ['firstname', 'first', 'givenname', 'forename'],
  last_name: ['lastname', 'last', 'surname', 'familyname'],
  name: ['name', 'fullname', 'customername', 'contactname', 'displayname', 'client', 'clientname', 'customer'],
  email: ['email', 'emailaddress', 'mail', 'emails', 'primaryemail'],
  phone: ['phone', 'phonenumber', 'mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone', 'telephone', 'tel', 'primaryphone'],
  company: ['company', 'companyname', 'organization', 'organisation', 'business', 'businessname'],
  address_line1: ['address', 'street', 'streetaddress', 'address1', 'addressline1', 'streetaddress1', 'street1'],
  address_line2: ['address2', 'addressline2', 'streetaddress2', 'street2', 'apt', 'suite', 'unit'],
  city: ['city', 'town'],
  state: ['state', 'province', 'region', 'stateprovince'],
  postal_code: ['zip', 'zipcode', 'postalcode', 'postcode'],
  notes: ['notes', 'note', 'memo', 'comments', 'comment'],
  tags: ['tags', 'tag', 'labels', 'groups', 'group'],
  external_id: ['id', 'externalid', 'customerid', 'contactid', 'recordid', 'squarecustomerid'],
}

/** A mapping proposed from the headers: each header whose name is a well-known spelling of a field, the first such header per field. */
export function proposeMapping(headers: string[]): ColumnMapping {
  const mapping: ColumnMapping = Object.create(null)
  const taken = new Set<string>()
  for (const header of headers) {
    const squeezed = header.toLowerCase().replace(/[^a-z0-9]/g, '')
    const field = MAPPED_FIELDS.find((f) => WELL_KNOWN[f].includes(squeezed))
    if (field && !taken.has(field)) {
      mapping[header] = field
      taken.add(field)
    }
  }
  return mapping
}

/** Checks a mapping against the file's headers: every field known, every header present, no field filled twice. */
export function checkMapping(mapping: Record<string, string>, headers: string[], field = 'data.mapping'): ColumnMapping {
  const issues: FieldIssue[] = []
  const filled = new Map<string, string>()
  for (const [header, target] of Object.entries(mapping)) {
    if (!isMappedField(target)) {
      issues.push({
        field: `${field}.${header}`,
        message:
          `"${target}" is not a field to import into; use one of ${MAPPED_FIELDS.join(', ')} or attribute:<key> ` +
          '(lower case letters, digits and _)',
      })
    } else if (filled.has(target)) {
      issues.push({ field: `${field}.${header}`, message: `"${target}" is already filled by column "${filled.get(target)}"` })
    } else {
      filled.set(target, header)
    }
  }
  const missing = Object.keys(mapping).filter((h) => !headers.includes(h))
  if (missing.length) {
    issues.push({
      field,
      message: `names columns the file's header row lacks: ${missing.map((h) => `"${h}"`).join(', ')} (the file has ${headers
        .map((h) => `"${h}"`)
        .join(', ')})`,
    })
  }
  if (!issues.length && !NAMING_FIELDS.some((f) => filled.has(f))) {
    issues.push({ field, message: 'maps no column to a name, company, email or phone, so no row could name a customer' })
  }
  if (issues.length) throw validationError(issues)
  return mapping as ColumnMapping
}

/** Reads `Header=field,Other Header=attribute:key` as the command line gives a mapping. */
export function parseMappingText(text: string, field = '--map'): Record<string, string> {
  const mapping: Record<string, string> = Object.create(null)
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.lastIndexOf('=')
    if (eq < 1) throw validationError([{ field, message: `takes Header=field pairs separated by commas, got "${pair}"` }])
    mapping[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  if (!Object.keys(mapping).length) throw validationError([{ field, message: 'is empty: give Header=field pairs separated by commas' }])
  return mapping
}

function isMappedField(target: string): target is MappedField {
  if ((MAPPED_FIELDS as readonly string[]).includes(target)) return true
  return target.startsWith('attribute:') && ATTRIBUTE_KEY.test(target.slice('attribute:'.length))
}
