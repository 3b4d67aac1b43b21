import { validationError } from '../../kernel/errors.js'
import { parseAmountCents } from '../../vocabulary/money.js'
import { emailSchema, phoneSchema } from '../contacts/model.js'
import { readCsvRecords } from './csv-rows.js'

/** The columns of Square's customer directory export, as Square writes the header row. */
export const SQUARE_CUSTOMER_COLUMNS = [
  'Reference ID',
  'First Name',
  'Last Name',
  'Email Address',
  'Phone Number',
  'Nickname',
  'Company Name',
  'Street Address 1',
  'Street Address 2',
  'City',
  'State',
  'Postal Code',
  'Birthday',
  'Memo',
  'Square Customer ID',
  'Creation Source',
  'First Visit',
  'Last Visit',
  'Transaction Count',
  'Lifetime Spend',
  'Email Subscription Status',
  'Instant Profile',
  'Blocked from online booking',
] as const

/** A fact as an import keeps it: a column's text, or Square's profile of texts and numbers. */
export type ImportedFact = string | Record<string, string | number>

/** One customer as the import will write it: the contact, its address, its facts and its memo. */
export interface CustomerCandidate {
  squareId: string | null
  contact: {
    kind: 'person' | 'organization'
    display_name: string
    first_name?: string
    last_name?: string
    email?: string
    phone?: string
    /** Where a created customer came from; square_import unless said. */
    source?: string
    tags?: string[]
  }
  /** country: a two-letter code, US when left out (as address.add takes it). */
  address: { line1: string; line2?: string; city: string; state: string; postal_code: string; country?: string } | null
  /** Facts kept as attributes (source import): birthday, nickname, the Square profile, custom fields. */
  attributes: Record<string, ImportedFact>
  memo: string | null
  /** What was in the row but could not be kept, said to the person importing. */
  warnings: string[]
}

/** A data row of the file with the line it starts on, and either what to write or why it is refused. */
export type PlannedRow = { line: number; name: string } & ({ candidate: CustomerCandidate } | { refused: string })

/** Reads a Square customer export: a header row as Square writes it, then one customer a row (quoted commas, CRLF, BOM, blank lines). */
export function planSquareCustomers(text: string): PlannedRow[] {
  const rows = readCsvRecords(text, "is empty: expected Square's customer export with its header row")
  const header = rows[0].record
  const missing = ['Square Customer ID', 'First Name', 'Last Name'].filter((c) => !header.includes(c))
  if (missing.length) {
    throw validationError([{ field: 'file', message: `is not a Square customer export: the header row lacks ${missing.join(', ')}` }])
  }
  const custom = header.filter((h) => h && !(SQUARE_CUSTOMER_COLUMNS as readonly string[]).includes(h))
  return rows.slice(1).map(({ record, line }) => {
    const fields = Object.fromEntries(header.map((h, i) => [h, (record[i] ?? '').trim()]))
    if (record.length > header.length && record.slice(header.length).some((v) => v.trim())) {
      return { line, name: '', refused: `has ${record.length} fields, the header ${header.length}` }
    }
    return planRow(fields, custom, line)
  })
}

function planRow(f: Record<string, string>, custom: string[], line: number): PlannedRow {
  const first = f['First Name'] || undefined
  const last = f['Last Name'] || undefined
  const company = f['Company Name'] || undefined
  const email = f['Email Address'] || undefined
  const phone = f['Phone Number'] || undefined
  const name = [first, last].filter(Boolean).join(' ') || company || f.Nickname || email || phone || ''
  if (!name) return { line, name, refused: 'has no name, company, email or phone' }
  if (email && !emailSchema.safeParse(email).success) return { line, name, refused: `Email Address "${email}" is not an email address` }
  if (phone && !phoneSchema.safeParse(phone).success) return { line, name, refused: `Phone Number "${phone}" is not a phone number` }
  const warnings: string[] = []
  const street = f['Street Address 1']
  let address: CustomerCandidate['address'] = null
  if (street && f.City && f.State && f['Postal Code']) {
    address = {
      line1: street,
      ...(f['Street Address 2'] ? { line2: f['Street Address 2'] } : {}),
      city: f.City,
      state: f.State,
      postal_code: f['Postal Code'],
    }
  } else if (street || f.City || f['Postal Code']) {
    warnings.push('address not kept: it needs Street Address 1, City, State and Postal Code')
  }
  const attributes: Record<string, ImportedFact> = {}
  if (f.Birthday) attributes.birthday = f.Birthday
  if (f.Nickname) attributes.nickname = f.Nickname
  if (company && (first || last)) attributes.company_name = company
  const profile = squareProfile(f)
  if (Object.keys(profile).length) attributes.square_profile = profile
  for (const column of custom) {
    const key = attributeKeyOf(column)
    if (f[column] && key) attributes[key] = f[column]
    else if (f[column]) warnings.push(`custom field "${column}" not kept: its name makes no attribute key`)
  }
  return {
    line,
    name,
    candidate: {
      squareId: f['Square Customer ID'] || null,
      contact: {
        kind: first || last || !company ? 'person' : 'organization',
        display_name: name,
        ...(first ? { first_name: first } : {}),
        ...(last ? { last_name: last } : {}),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
      },
      address,
      attributes,
      memo: f.Memo || null,
      warnings,
    },
  }
}

/** Square's own bookkeeping of the customer, kept as one fact: visits, spend, how they signed up. */
function squareProfile(f: Record<string, string>): Record<string, string | number> {
  const profile: Record<string, string | number> = {}
  const text: Array<[string, string]> = [
    ['reference_id', 'Reference ID'],
    ['creation_source', 'Creation Source'],
    ['first_visit', 'First Visit'],
    ['last_visit', 'Last Visit'],
    ['email_subscription_status', 'Email Subscription Status'],
    ['instant_profile', 'Instant Profile'],
    ['blocked_from_online_booking', 'Blocked from online booking'],
  ]
  for (const [key, column] of text) if (f[column]) profile[key] = f[column]
  const count = Number(f['Transaction Count'])
  if (f['Transaction Count'] && Number.isFinite(count)) profile.transaction_count = count
  const spend = f['Lifetime Spend'] ? parseAmountCents(f['Lifetime Spend']) : null
  if (spend !== null) profile.lifetime_spend_cents = spend
  return profile
}

/** A column name as an attribute key: "Gate Code" -> gate_code; null when nothing usable is left. */
function attributeKeyOf(column: string): string | null {
  const key = column
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63)
  return /^[a-z][a-z0-9_]*$/.test(key) ? key : null
}
