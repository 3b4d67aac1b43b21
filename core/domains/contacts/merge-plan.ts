import type { Queryable } from '../../db/types.js'
import { validationError, missingReference } from '../../kernel/errors.js'
import { mergedContactError, mergedContacts, type MergedContact } from '../../vocabulary/merged-contacts.js'
import { COMPANY_FIELDS } from './company.js'
import { CONTACT_COLUMNS, emailKey, type ContactChannel } from './model.js'
import { type CountryCode, phoneKey } from '../../vocabulary/phone.js'

/** Which contact's value is kept where both have one. */
export type MergePreference = 'survivor' | 'merged'

/** A contact row as a merge reads it: the shown columns and the Stripe customer it pays with. */
export type ContactRow = Record<string, unknown> & { id: string; display_name: string; stripe_customer_id: string | null }

/** The records of a customer that follow it to the survivor: where they live, the column naming the customer, how the audit calls them. */
export const MOVING_RECORDS = [
  { key: 'addresses', table: 'addresses', column: 'contact_id', entity: 'address' },
  { key: 'tickets', table: 'tickets', column: 'contact_id', entity: 'ticket' },
  { key: 'invoices', table: 'invoices', column: 'contact_id', entity: 'invoice' },
  { key: 'notes', table: 'notes', column: 'contact_id', entity: 'note' },
  { key: 'scheduled_messages', table: 'scheduled_messages', column: 'contact_id', entity: 'scheduled_message' },
  { key: 'converted_leads', table: 'leads', column: 'converted_contact_id', entity: 'lead' },
  { key: 'waitlist_entries', table: 'waitlist_entries', column: 'contact_id', entity: 'waitlist_entry' },
  { key: 'documents', table: 'documents', column: 'contact_id', entity: 'document' },
] as const

/**
 * Both contacts of a merge, locked when asked (in id order, so two merges of the same pair take turns). Refuses a
 * contact merged into itself, one that does not exist here, and either one already merged (naming its survivor).
 */
export async function loadMergePair(
  tx: Queryable,
  survivorId: string,
  mergedId: string,
  lock: boolean,
): Promise<{ survivor: ContactRow; merged: ContactRow }> {
  if (survivorId === mergedId) throw validationError([{ field: 'data.merged_id', message: 'must be another contact than survivor_id' }])
  const r = await tx.query<ContactRow>(
    `select ${CONTACT_COLUMNS}, stripe_customer_id from contacts where id = any($1::uuid[])
    order by id${lock ? ' for update' : ''}`,
    [[survivorId, mergedId]],
  )
  const survivor = r.rows.find((c) => c.id === survivorId)
  const merged = r.rows.find((c) => c.id === mergedId)
  if (!survivor) throw missingReference('contact', survivorId, 'data.survivor_id')
  if (!merged) throw missingReference('contact', mergedId, 'data.merged_id')
  const pointers = await mergedContacts(tx, [survivorId, mergedId])
  if (pointers.has(mergedId)) throw mergedContactError('data.merged_id', pointers.get(mergedId) as MergedContact)
  if (pointers.has(survivorId)) throw mergedContactError('data.survivor_id', pointers.get(survivorId) as MergedContact)
  return { survivor, merged }
}

/** How many records of each kind the merged contact has that will move to the survivor. */
export async function movingCounts(tx: Queryable, contactId: string): Promise<Record<string, number>> {
  const parts = MOVING_RECORDS.map((m) => `(select count(*) from ${m.table} where ${m.column} = $1)::int as ${m.key}`)
  const r = await tx.query<Record<string, number>>(
    `select ${parts.join(', ')},
    (select count(*) from attributes where contact_id = $1)::int as attributes,
    (select count(*) from contact_links where from_contact_id = $1 or to_contact_id = $1)::int as links,
    (select count(*) from contact_external_ids where contact_id = $1)::int as external_ids`,
    [contactId],
  )
  return Object.fromEntries(Object.entries(r.rows[0]).map(([k, n]) => [k, Number(n)]))
}

/** An attribute key both contacts have with different values, and which value the merge keeps. */
export interface AttributeConflict {
  key: string
  survivor_value: unknown
  merged_value: unknown
  kept: MergePreference
}

/** The attribute keys both contacts have with different values. */
export async function attributeConflicts(
  tx: Queryable,
  survivorId: string,
  mergedId: string,
  prefer: MergePreference,
): Promise<AttributeConflict[]> {
  const r = await tx.query<{ key: string; survivor_value: unknown; merged_value: unknown }>(
    `select m.key, s.value as survivor_value, m.value as merged_value from attributes m
     join attributes s on s.tenant_id = m.tenant_id and s.contact_id = $1 and s.key = m.key
     where m.contact_id = $2 and s.value <> m.value order by m.key`,
    [survivorId, mergedId],
  )
  return r.rows.map((row) => ({ ...row, kept: prefer }))
}

/**
 * The survivor's columns after the merge: empty ones filled from the merged contact; where both have a value, `prefer`
 * decides. With any company field kept, the survivor is an organization.
 */
export function mergedFields(
  survivor: ContactRow,
  merged: ContactRow,
  prefer: MergePreference,
  country?: CountryCode,
): Record<string, unknown> {
  const [first, second] = prefer === 'survivor' ? [survivor, merged] : [merged, survivor]
  const pick = (column: string) => (present(first[column]) ? first[column] : present(second[column]) ? second[column] : null)
  const fields: Record<string, unknown> = {
    kind: pick('kind'),
    display_name: pick('display_name'),
    first_name: pick('first_name'),
    last_name: pick('last_name'),
    source: pick('source'),
    notes: pick('about'),
    emails: unitedChannels(first.emails as ContactChannel[], second.emails as ContactChannel[], emailKey),
    phones: unitedChannels(first.phones as ContactChannel[], second.phones as ContactChannel[], (v) => phoneKey(v, country)),
    preferences: { ...(second.preferences as object), ...(first.preferences as object) },
    tags: [...new Set([...(survivor.tags as string[]), ...(merged.tags as string[])])],
    stripe_customer_id: survivor.stripe_customer_id ?? merged.stripe_customer_id,
    // A survivor hidden in the archive comes back when the customer merged into it was still in use.
    status: survivor.status === 'archived' && merged.status !== 'archived' ? merged.status : survivor.status,
  }
  for (const key of COMPANY_FIELDS) fields[key] = pick(key)
  // Company fields belong to an organization: a merge that keeps any of them keeps an organization.
  if (COMPANY_FIELDS.some((key) => fields[key] !== null)) fields.kind = 'organization'
  return fields
}

function present(v: unknown): boolean {
  return v !== null && v !== undefined && v !== ''
}

/** Both lists in one, each value once; the primary is the first list's primary, else the second's. */
function unitedChannels(first: ContactChannel[], second: ContactChannel[], keyOf: (v: string) => string): ContactChannel[] {
  const primary = first.find((c) => c.primary) ?? first[0] ?? second.find((c) => c.primary) ?? second[0]
  const seen = new Set<string>()
  const united: ContactChannel[] = []
  for (const c of [...first, ...second]) {
    const key = keyOf(c.value)
    if (seen.has(key)) continue
    seen.add(key)
    united.push({ value: c.value, label: c.label ?? null, primary: primary !== undefined && key === keyOf(primary.value) })
  }
  return united.sort((a, b) => Number(b.primary) - Number(a.primary))
}
