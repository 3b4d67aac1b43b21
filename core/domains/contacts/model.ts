import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { validationError } from '../../kernel/errors.js'
import { mergedContactError, mergedContacts, type MergedContact } from '../../vocabulary/merged-contacts.js'
import { noteText } from '../../kernel/sanitize.js'
import { WEEKDAYS } from '../../vocabulary/time.js'
import { timestamp } from '../../kernel/output-types.js'
import { lockRecord, type RecordKind } from '../../vocabulary/records.js'
import { COMPANY_RECORD } from './company.js'
import { LIFECYCLES } from './lifecycle.js'
import { CUSTOM_VALUES } from '../custom-fields/model.js'

/**
 * The columns of a contact as the API shows it. The column notes (standing free text) is shown as "about", because
 * "notes" is the contact's list of notes (include=notes).
 */
export const CONTACT_COLUMNS = `id, kind, display_name, first_name, last_name, email, phone, emails, phones, preferences, tags, status,
  archived_at, source, notes as about, email_status, lifecycle, lifecycle_since, custom_fields, merged_into, merged_at, legal_name, industry, website, tax_id,
  billing_address, created_at, updated_at`

/** Where contacts live, for the records helper. */
export const CONTACT_TABLE: RecordKind = { table: 'contacts', columns: CONTACT_COLUMNS, entity: 'contact' }

/**
 * The kinds of link between two contacts, read "A link_type B": A works_at B (a person at an organization), A referred_by B,
 * A parent_company B (B owns organization A), A household B and A partner B (both ways), other.
 */
export const LINK_TYPES = ['works_at', 'referred_by', 'household', 'parent_company', 'partner', 'other'] as const

/** How close a relationship is: weak, normal (the default) or strong. */
export const LINK_STRENGTHS = ['weak', 'normal', 'strong'] as const

/** Link types that read the same both ways and are stored once. */
export const SYMMETRIC_LINK_TYPES: readonly string[] = ['household', 'partner']

/** What the other contact is to this one, by link type and direction: Jane works_at Acme, so Acme is Jane's employer. */
export const RELATIONS = {
  works_at: { outgoing: 'employer', incoming: 'employee' },
  referred_by: { outgoing: 'referrer', incoming: 'referral' },
  parent_company: { outgoing: 'parent_company', incoming: 'subsidiary' },
  household: { outgoing: 'household', incoming: 'household' },
  partner: { outgoing: 'partner', incoming: 'partner' },
  other: { outgoing: 'other', incoming: 'other' },
} as const

/** The relation words RELATIONS gives. */
export const RELATION_NAMES = [
  'employer',
  'employee',
  'referrer',
  'referral',
  'parent_company',
  'subsidiary',
  'household',
  'partner',
  'other',
] as const

/** The business's contacts' display names, by id; an id no contact has is left out. */
export async function contactNamesById(tx: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map()
  const r = await tx.query<{ id: string; display_name: string }>('select id, display_name from contacts where id = any($1::uuid[])', [
    [...ids],
  ])
  return new Map(r.rows.map((c) => [c.id, c.display_name]))
}

/** A contact row, locked for update, or NOT_FOUND; a merged contact is refused, naming the survivor. */
export async function lockContact(tx: Queryable, id: string, field = 'data.contact_id'): Promise<Record<string, unknown>> {
  const contact = await lockRecord(tx, CONTACT_TABLE, id)
  if (contact.merged_into) throw mergedContactError(field, (await mergedContacts(tx, [id])).get(id) as MergedContact)
  return contact
}

/** The display name a person or organization is shown by when none is given. */
export function displayNameOf(input: {
  display_name?: string | null
  first_name?: string | null
  last_name?: string | null
}): string | undefined {
  return (
    input.display_name?.trim() ||
    [input.first_name, input.last_name]
      .filter((p) => p?.trim())
      .join(' ')
      .trim() ||
    undefined
  )
}

/** One email address or phone number of a contact. */
export interface ContactChannel {
  value: string
  label?: string | null
  primary?: boolean
}

/**
 * The list with `value` as its primary entry. A value already listed (the same by keyOf) becomes the primary and the
 * others stay; a new value replaces the old primary (keeping its label), or with replace false is added before the
 * others; null removes the primary (the next one becomes primary).
 */
export function withPrimary(
  list: ContactChannel[],
  value: string | null,
  keyOf: (value: string) => string = (v) => v,
  replace = true,
): ContactChannel[] {
  const key = value === null ? null : keyOf(value)
  const listed = list.find((c) => keyOf(c.value) === key)
  if (listed && value !== null) {
    return [{ ...listed, value, primary: true }, ...list.filter((c) => c !== listed).map((c) => ({ ...c, primary: false }))]
  }
  if (value !== null && !replace) return [{ value, label: null, primary: true }, ...list.map((c) => ({ ...c, primary: false }))]
  const others = list.filter((c) => !c.primary).map((c) => ({ ...c, primary: false }))
  if (value === null) return promoteFirst(others)
  return [{ value, label: list.find((c) => c.primary)?.label ?? null, primary: true }, ...others]
}

/**
 * A list as given by the caller, checked: no value twice, at most one primary; when none is marked, the first is.
 * keyOf says when two values are the same (emails ignore case, phones compare digits).
 */
export function checkedChannels(list: ContactChannel[], field: string, keyOf: (value: string) => string): ContactChannel[] {
  const primaries = list.filter((c) => c.primary).length
  if (primaries > 1) throw validationError([{ field, message: `exactly one entry may be primary; ${primaries} are` }])
  const seen = new Set<string>()
  for (const [i, c] of list.entries()) {
    const key = keyOf(c.value)
    if (seen.has(key)) throw validationError([{ field: `${field}.${i}.value`, message: `${c.value} is listed twice` }])
    seen.add(key)
  }
  return promoteFirst(list.map((c) => ({ value: c.value, label: c.label ?? null, primary: c.primary === true })))
}

function promoteFirst(list: ContactChannel[]): ContactChannel[] {
  if (!list.length || list.some((c) => c.primary)) return list
  return list.map((c, i) => ({ ...c, primary: i === 0 }))
}

/** Emails are the same address whatever their case. */
export const emailKey = (v: string) => v.toLowerCase()

const label = z.string().trim().min(1).max(50)

/** An email address. */
export const emailSchema = z.email().max(320)
/** A phone number as people write it. */
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^[+()\d\s.-]{7,25}$/, 'expected a phone number such as (256) 555-0142')

/** The emails input: [{value, label, primary}]. */
export const emailsSchema = z
  .array(z.strictObject({ value: emailSchema, label: label.nullable().optional(), primary: z.boolean().optional() }))
  .max(20)
/** The phones input: [{value, label, primary}]. */
export const phonesSchema = z
  .array(z.strictObject({ value: phoneSchema, label: label.nullable().optional(), primary: z.boolean().optional() }))
  .max(20)

/** Scheduling preferences; on update only the keys given change and null clears one. */
export const preferencesSchema = z.strictObject({
  time_of_day: z.enum(['morning', 'afternoon']).nullable().optional().describe('Preferred time of day; null for no preference'),
  preferred_days: z.array(z.enum(WEEKDAYS)).max(7).nullable().optional().describe('Preferred weekdays, e.g. ["mon","thu"]'),
  notes: noteText(2000).nullable().optional().describe('Free text, e.g. "call before arriving"'),
})

/** A tag: trimmed, lower case. */
export const tagSchema = z.string().trim().toLowerCase().min(1).max(50)

/** Preferences merged key by key; null removes a key; weekdays are kept once, in week order. */
export function mergePreferences(before: Record<string, unknown>, given: z.output<typeof preferencesSchema>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...before, ...given }
  for (const [k, v] of Object.entries(merged)) if (v === null || v === undefined) delete merged[k]
  if (Array.isArray(merged.preferred_days)) {
    merged.preferred_days = WEEKDAYS.filter((d) => (merged.preferred_days as string[]).includes(d))
  }
  return merged
}

/** Tags without repeats, in the order first given. */
export function uniqueTags(tags: string[]): string[] {
  return [...new Set(tags)]
}

/**
 * The links of each of the given contacts, by contact id, seen from that contact: "outgoing" means this contact
 * link_type the other ("works_at" the other), "incoming" the reverse; relation says what the other is to this one.
 */
export async function linksOf(tx: Queryable, contactIds: string[]): Promise<Map<string, unknown[]>> {
  const byContact = new Map<string, unknown[]>(contactIds.map((id) => [id, []]))
  if (!contactIds.length) return byContact
  const r = await tx.query<{ owner: string; link_type: keyof typeof RELATIONS; direction: 'outgoing' | 'incoming' }>(
    `select l.from_contact_id as owner, l.id, l.link_type, 'outgoing' as direction, l.to_contact_id as contact_id, o.display_name, o.kind,
       l.strength, l.note, l.created_at
       from contact_links l join contacts o on o.id = l.to_contact_id where l.from_contact_id = any($1::uuid[])
     union all
     select l.to_contact_id, l.id, l.link_type, 'incoming', l.from_contact_id, o.display_name, o.kind, l.strength, l.note, l.created_at
       from contact_links l join contacts o on o.id = l.from_contact_id where l.to_contact_id = any($1::uuid[])
     order by created_at, id`,
    [contactIds],
  )
  for (const { owner, ...link } of r.rows) {
    const relation = RELATIONS[link.link_type][link.direction]
    byContact.get(owner)?.push({ ...link, relation })
  }
  return byContact
}

/** One email address or phone number as a contact record lists it. */
const CHANNEL = z.object({ value: z.string(), label: z.string().nullable(), primary: z.boolean() })

/** A contact as the API shows it (CONTACT_COLUMNS). */
export const CONTACT_RECORD = z.object({
  id: z.uuid(),
  kind: z.enum(['person', 'organization']),
  display_name: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  emails: z.array(CHANNEL),
  phones: z.array(CHANNEL),
  preferences: z.object({
    time_of_day: z.enum(['morning', 'afternoon']).optional(),
    preferred_days: z.array(z.enum(WEEKDAYS)).optional(),
    notes: z.string().optional(),
  }),
  tags: z.array(z.string()),
  status: z.enum(['active', 'inactive', 'archived']).describe('archived exactly when archived_at is set; otherwise active or inactive'),
  archived_at: timestamp.nullable().describe('When it was archived'),
  source: z.string().nullable(),
  about: z.string().nullable(),
  email_status: z.enum(['ok', 'bounced', 'complained']),
  lifecycle: z
    .enum(LIFECYCLES)
    .describe(
      "prospect: no completed visit or payment yet; customer: one within the business's lapsed_after_months " +
        'window, or a visit booked ahead; past_customer: history, but nothing recent and nothing booked',
    ),
  lifecycle_since: timestamp.describe('When lifecycle last changed'),
  custom_fields: CUSTOM_VALUES,
  merged_into: z.uuid().nullable(),
  merged_at: timestamp.nullable(),
  ...COMPANY_RECORD,
  created_at: timestamp,
  updated_at: timestamp,
})

/** A link between two contacts as contact.link gives it: contact_id link_type to_contact_id. */
export const CONTACT_LINK_RECORD = z.object({
  id: z.uuid(),
  contact_id: z.uuid(),
  to_contact_id: z.uuid(),
  link_type: z.enum(LINK_TYPES),
  strength: z.enum(LINK_STRENGTHS),
  note: z.string().nullable(),
  created_at: timestamp,
})

/** A link as include=links shows it, seen from the contact read. */
export const CONTACT_LINK_VIEW = z.object({
  id: z.uuid(),
  link_type: z.enum(LINK_TYPES),
  direction: z.enum(['outgoing', 'incoming']),
  relation: z
    .enum(RELATION_NAMES)
    .describe('What the other contact is to this one, e.g. employer, employee, referrer, referral, subsidiary'),
  contact_id: z.uuid(),
  display_name: z.string(),
  kind: z.enum(['person', 'organization']),
  strength: z.enum(LINK_STRENGTHS),
  note: z.string().nullable(),
  created_at: timestamp,
})
