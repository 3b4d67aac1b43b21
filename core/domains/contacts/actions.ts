import { z } from 'zod'
import { tenantCountry } from '../../vocabulary/business-country.js'
import { type CountryCode, phoneKey, primaryPhoneKey } from '../../vocabulary/phone.js'
import type { Queryable } from '../../db/types.js'
import { remembered } from '../../db/read-memo.js'
import { sqlArray } from '../../db/tenant.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { auditChanged, auditedArchive } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { insertAddress, newAddressShape } from '../addresses/new-address.js'
import { emitEvent } from '../../kernel/events.js'
import { loadTenantSettings } from '../settings/model.js'
import { contactHistory } from './history.js'
import { ADDRESS_RECORD } from '../addresses/model.js'
import { checkedCustomFields, customFieldsInput } from '../custom-fields/values.js'
import { DEFINITIONS_READ } from '../custom-fields/model.js'
import { COMPANY_FIELDS, companyColumns, companyInput, refuseCompanyFieldsOnPerson } from './company.js'
import {
  CONTACT_COLUMNS,
  CONTACT_RECORD,
  CONTACT_TABLE,
  checkedChannels,
  displayNameOf,
  emailKey,
  emailSchema,
  emailsSchema,
  lockContact,
  mergePreferences,
  phoneSchema,
  phonesSchema,
  preferencesSchema,
  tagSchema,
  uniqueTags,
  withPrimary,
  type ContactChannel,
} from './model.js'
import { BY_AGENT_OR_API, customer, page } from '../../vocabulary/places.js'

const name = z.string().trim().min(1).max(200)
const source = z.string().trim().min(1).max(100)
const tags = z.array(tagSchema).max(50)
/** How many service locations one contact.create may add; more go through address.add. */
const MAX_INLINE_ADDRESSES = 5

/** Creates a customer record. */
export const createContact = defineAction({
  key: 'contact.create',
  example: {
    first_name: 'Jane',
    last_name: 'Smith',
    email: 'jane@example.com',
    phone: '(256) 555-0142',
    addresses: [{ line1: '123 Main St', city: 'Madison', state: 'AL', postal_code: '35758' }],
  },
  phrases: ['add a new customer', 'a new client called', 'enter a customer', 'customer', 'new customer', 'add client'],
  title: 'Add a customer',
  place: page('/customers/new', 'fill in the name and how to reach them'),
  words: { phrase: 'add a customer' },
  description:
    'Create a contact (customer): a person or organization. Give display_name, or first_name and/or last_name ' +
    '(display_name is then derived). emails and phones list all addresses and numbers as [{value, label, primary}] (exactly ' +
    'one primary; the first when none is marked); email and phone give the primary one (added to the lists). preferences: time_of_day ' +
    '(morning|afternoon), preferred_days (mon..sun), notes. about: standing free text about the contact (dated remarks go in ' +
    `note.add). addresses: the service locations, created with the contact (same fields as address.add, at most ${MAX_INLINE_ADDRESSES}). ` +
    "custom_fields: the business's own fields, {key: value}. Card numbers and SSNs in free text are replaced by [REDACTED].",
  access: {
    agent: 'unrestricted',
    technician: 'none',
    customerText: {
      names: ['display_name', 'first_name', 'last_name', 'legal_name'],
      screened: ['addresses.line1', 'addresses.line2', 'addresses.city', 'addresses.state', 'addresses.postal_code'],
    },
  },
  input: z.strictObject({
    kind: z.enum(['organization', 'person']).default('person').describe('person (the default) or organization'),
    display_name: name.optional().describe('How the contact is shown; defaults to first and last name'),
    first_name: name.optional(),
    last_name: name.optional(),
    email: emailSchema.optional().describe('Primary email address'),
    phone: phoneSchema.optional().describe('Primary phone number'),
    emails: emailsSchema.optional().describe('All email addresses: [{value, label, primary}]'),
    phones: phonesSchema.optional().describe('All phone numbers: [{value, label, primary}]'),
    preferences: preferencesSchema.optional(),
    tags: tags.optional().describe('Tags, stored in lower case, e.g. ["vip", "commercial"]'),
    status: z.enum(['active', 'inactive']).default('active'),
    source: source.optional().describe('Where the contact came from, e.g. referral, google, square_import'),
    about: noteText().optional().describe('Standing free text about the contact, e.g. "gate code 4821, friendly dog"'),
    addresses: z
      .array(z.strictObject(newAddressShape))
      .max(MAX_INLINE_ADDRESSES)
      .optional()
      .describe('Service locations: [{label?, line1, line2?, city, state, postal_code, country? (default US), access_notes?}]'),
    custom_fields: customFieldsInput.optional(),
    allow_duplicate: z
      .boolean()
      .default(false)
      .describe('true: create even though a customer with the same email or phone exists (otherwise CONFLICT naming that customer)'),
    ...companyInput,
  }),
  output: CONTACT_RECORD.extend({ addresses: z.array(ADDRESS_RECORD).optional() }),
  readAhead: (input) => [DEFINITIONS_READ, ...duplicateReadAhead(input)],
  async run(ctx, input) {
    const display = displayNameOf(input)
    if (!display) throw validationError([{ field: 'data.display_name', message: 'is required unless first_name or last_name is given' }])
    const emails = newContactEmails(input)
    const country = await tenantCountry(ctx.db)
    const keyOf = (v: string) => phoneKey(v, country)
    let phones = checkedChannels(input.phones ?? [], 'data.phones', keyOf)
    if (input.phone) phones = withPrimary(phones, input.phone, keyOf, false)
    const custom = await checkedCustomFields(ctx.db, { record: 'contact', contactKind: input.kind }, input.custom_fields, null)
    refuseCompanyFieldsOnPerson(input.kind, input)
    if (!input.allow_duplicate)
      await refuseDuplicate(
        ctx.db,
        emails.map((e) => e.value),
        phones.map((p) => p.value),
        country,
      )
    const company = companyColumns(input)
    const r = await ctx.db.query(
      `insert into contacts (tenant_id, kind, display_name, first_name, last_name, emails, phones, preferences, tags, status, source, notes, custom_fields,
         legal_name, industry, website, tax_id, billing_address, phone_key)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) returning ${CONTACT_COLUMNS}`,
      [
        ctx.tenantId,
        input.kind,
        display,
        input.first_name ?? null,
        input.last_name ?? null,
        JSON.stringify(emails),
        JSON.stringify(phones),
        JSON.stringify(mergePreferences({}, input.preferences ?? {})),
        uniqueTags(input.tags ?? []),
        input.status,
        input.source ?? null,
        input.about ?? null,
        JSON.stringify(custom),
        ...COMPANY_FIELDS.map((k) => company[k] ?? null),
        primaryPhoneKey(phones, country),
      ],
    )
    const contact = r.rows[0]
    await ctx.audit({ entityType: 'contact', entityId: String(contact.id), action: 'create', before: null, after: contact })
    if (!input.addresses) return contact
    const addresses = []
    for (const a of input.addresses) addresses.push(await insertAddress(ctx, String(contact.id), a))
    return { ...contact, addresses }
  },
})

/** A new customer's emails as given (the primary first), each checked: what contact.create stores. */
function newContactEmails(input: { email?: string; emails?: Array<{ value: string; label?: string | null; primary?: boolean }> }) {
  const emails = checkedChannels(input.emails ?? [], 'data.emails', emailKey)
  return input.email ? withPrimary(emails, input.email, emailKey, false) : emails
}

/** The customer a duplicate check found: the survivor when the match was merged, and what matched. */
interface DuplicateRow {
  id: string
  display_name: string
  email: string | null
  phone: string | null
  by: 'email' | 'phone'
  value: string
}

/** The duplicate check, its email keys, phone keys and the customer to leave out given as SQL (parameters or literals). */
function duplicateSql(emails: string, digits: string, self: string): string {
  return `select s.id, s.display_name, s.email, s.phone, case when c.email = any(${emails}) then 'email' else 'phone' end as by,
       case when c.email = any(${emails}) then c.email else c.phone end as value
     from contacts c join contacts s on s.tenant_id = c.tenant_id and s.id = coalesce(c.merged_into, c.id)
     where (c.email = any(${emails}) or c.phone_key = any(${digits})) and (${self} is null or s.id <> ${self})
     order by c.merged_into is not null, c.created_at, c.id limit 1`
}

/** What a duplicate check's answer is remembered under: its exact values. */
function duplicateKey(emails: string[], digits: string[], self: string | null): string {
  return `duplicates ${JSON.stringify([emails, digits, self])}`
}

/**
 * contact.create's duplicate check sent with BEGIN, when the call gives emails and no phone: a phone's key needs the
 * business's country, read in the same BEGIN. Input the check would refuse sends nothing ahead; run() then reports it.
 */
function duplicateReadAhead(
  input: Parameters<typeof newContactEmails>[0] & { phone?: string; phones?: unknown[]; allow_duplicate?: boolean },
) {
  if (input.allow_duplicate || input.phone || input.phones?.length) return []
  try {
    const keys = newContactEmails(input).map((e) => emailKey(e.value))
    if (!keys.length) return []
    return [{ key: duplicateKey(keys, [], null), sql: duplicateSql(`${sqlArray(keys)}::text[]`, `${sqlArray([])}::text[]`, 'null::uuid') }]
  } catch (err) {
    if (err instanceof AppError) return []
    throw err
  }
}

/**
 * Refuses an email or phone another customer already has (than `self`, the customer being changed), naming that
 * customer and what matched. A match on a merged customer names the customer it was merged into, which holds its
 * emails and phones now.
 */
async function refuseDuplicate(
  tx: Queryable,
  emails: string[],
  phones: string[],
  country: CountryCode | undefined,
  self: string | null = null,
): Promise<void> {
  const digits = phones.map((p) => phoneKey(p, country)).filter((d) => d.length >= 7)
  if (!emails.length && !digits.length) return
  const keys = emails.map(emailKey)
  const r = await remembered(tx, duplicateKey(keys, digits, self), () =>
    tx.query<DuplicateRow>(duplicateSql('$1::text[]', '$2::text[]', '$3::uuid'), [keys, digits, self]),
  )
  const found = r.rows[0]
  if (!found) return
  throw new AppError(
    'CONFLICT',
    `${found.display_name} (contact_id ${found.id}) already has this ${found.by} (${found.value}); ` +
      `use that customer, or call again with allow_duplicate: true if this is really ${self ? 'shared' : 'someone else'}`,
    {
      field: `data.${found.by}`,
      matched: { field: found.by, value: found.value },
      existing: { id: found.id, display_name: found.display_name, email: found.email, phone: found.phone },
    },
  )
}

/** Changes fields of a customer record; fields left out stay as they are, null clears an optional one. */
export const updateContact = defineAction({
  key: 'contact.update',
  example: { contact_id: 'Jane Smith', phone: '(256) 555-0199' },
  phrases: ["change a customer's phone number", 'update the email of a customer', "fix a customer's name", 'tag', 'untag', 'edit customer'],
  title: 'Edit a customer',
  place: customer('Edit'),
  words: { phrase: "change a customer's details" },
  description:
    'Update a contact. Only the fields given change; null clears first_name, last_name, email, phone, source or about. ' +
    'email/phone replace the primary entry (a value already listed just becomes primary); emails/phones replace the whole list. ' +
    'preferences change key by key (null clears a key). ' +
    'tags replaces all tags; tags_add and tags_remove change some without resending the rest. ' +
    'display_name follows first and last name unless it was set to something else. A new primary email or phone another customer ' +
    'has is refused with CONFLICT naming that customer unless allow_duplicate is true. Company fields are for organizations only. ' +
    'custom_fields: {key: value} changes those fields only; null clears one.',
  access: {
    agent: 'unrestricted',
    technician: 'none',
    customerText: { names: ['display_name', 'first_name', 'last_name', 'legal_name'] },
  },
  idempotent: true,
  input: z.strictObject({
    contact_id: z.uuid(),
    kind: z.enum(['person', 'organization']).optional(),
    display_name: name.optional(),
    first_name: name.nullable().optional(),
    last_name: name.nullable().optional(),
    email: emailSchema.nullable().optional().describe('New primary email; null removes the primary email'),
    phone: phoneSchema.nullable().optional().describe('New primary phone; null removes the primary phone'),
    emails: emailsSchema.optional(),
    phones: phonesSchema.optional(),
    preferences: preferencesSchema.optional(),
    tags: tags.optional(),
    tags_add: tags.optional().describe('Tags to add, keeping the others'),
    tags_remove: tags.optional().describe('Tags to remove, keeping the others'),
    status: z.enum(['active', 'inactive']).optional().describe('active also restores an archived contact; archive with contact.archive'),
    source: source.nullable().optional(),
    about: noteText().nullable().optional(),
    custom_fields: customFieldsInput.optional(),
    allow_duplicate: z
      .boolean()
      .optional()
      .describe('true: keep a new email or phone that another customer has too (otherwise CONFLICT naming that customer)'),
    ...companyInput,
  }),
  output: CONTACT_RECORD,
  async run(ctx, input) {
    const before = await lockContact(ctx.db, input.contact_id)
    refuseCompanyFieldsOnPerson(input.kind ?? String(before.kind), input, input.kind === 'person' ? before : {})
    const columns: Record<string, unknown> = companyColumns(input)
    for (const key of ['kind', 'display_name', 'first_name', 'last_name', 'status', 'source'] as const) {
      if (input[key] !== undefined) columns[key] = input[key]
    }
    if (input.about !== undefined) columns.notes = input.about
    if (input.custom_fields !== undefined) {
      const kind = input.kind ?? (before.kind as string)
      columns.custom_fields = JSON.stringify(
        await checkedCustomFields(
          ctx.db,
          { record: 'contact', contactKind: kind },
          input.custom_fields,
          before.custom_fields as Record<string, unknown>,
        ),
      )
    }
    if (
      input.display_name === undefined &&
      (input.first_name !== undefined || input.last_name !== undefined) &&
      before.display_name === displayNameOf({ first_name: before.first_name as string, last_name: before.last_name as string })
    ) {
      const derived = displayNameOf({
        first_name: input.first_name !== undefined ? input.first_name : (before.first_name as string | null),
        last_name: input.last_name !== undefined ? input.last_name : (before.last_name as string | null),
      })
      if (derived) columns.display_name = derived
    }
    if (input.emails !== undefined || input.email !== undefined) {
      let emails = input.emails !== undefined ? checkedChannels(input.emails, 'data.emails', emailKey) : (before.emails as ContactChannel[])
      if (input.email !== undefined) emails = withPrimary(emails, input.email, emailKey, input.emails === undefined)
      columns.emails = JSON.stringify(emails)
    }
    if (input.phones !== undefined || input.phone !== undefined) {
      const country = await tenantCountry(ctx.db)
      const keyOf = (v: string) => phoneKey(v, country)
      let phones = input.phones !== undefined ? checkedChannels(input.phones, 'data.phones', keyOf) : (before.phones as ContactChannel[])
      if (input.phone !== undefined) phones = withPrimary(phones, input.phone, keyOf, input.phones === undefined)
      columns.phones = JSON.stringify(phones)
      columns.phone_key = primaryPhoneKey(phones, country)
    }
    if (input.preferences !== undefined) {
      columns.preferences = JSON.stringify(mergePreferences(before.preferences as Record<string, unknown>, input.preferences))
    }
    if (input.tags !== undefined || input.tags_add !== undefined || input.tags_remove !== undefined) {
      const removed = new Set(input.tags_remove ?? [])
      columns.tags = uniqueTags([...(input.tags ?? (before.tags as string[])), ...(input.tags_add ?? [])]).filter((t) => !removed.has(t))
    }
    if (!input.allow_duplicate) await refuseNewDuplicates(ctx.db, before, columns)
    const sets: string[] = []
    const values: unknown[] = []
    for (const [column, value] of Object.entries(columns)) {
      values.push(value)
      sets.push(`${column} = $${values.length}${column === 'tags' ? '::text[]' : ''}`)
    }
    if (!sets.length) return before
    values.push(input.contact_id)
    const r = await ctx.db.query(`update contacts set ${sets.join(', ')} where id = $${values.length} returning ${CONTACT_COLUMNS}`, values)
    const after = r.rows[0]
    await auditChanged(ctx, CONTACT_TABLE, before, after)
    if (!before.email && after.email) await emitEvent(ctx, 'contact.email_added', { contact_id: input.contact_id })
    return after
  },
})

/** Refuses, on update, a primary email or phone that is new to this customer and that another customer has. */
async function refuseNewDuplicates(tx: Queryable, before: Record<string, unknown>, columns: Record<string, unknown>): Promise<void> {
  const country = await tenantCountry(tx)
  const phoneKeyOf = (v: string) => phoneKey(v, country)
  const added = (column: 'emails' | 'phones', keyOf: (v: string) => string) => {
    if (typeof columns[column] !== 'string') return []
    const had = new Set((before[column] as ContactChannel[]).map((c) => keyOf(c.value)))
    return (JSON.parse(columns[column] as string) as ContactChannel[])
      .filter((c) => c.primary && !had.has(keyOf(c.value)))
      .map((c) => c.value)
  }
  await refuseDuplicate(tx, added('emails', emailKey), added('phones', phoneKeyOf), country, String(before.id))
}

/** Hides a customer from everyday lists while keeping all history. */
export const archiveContact = defineAction({
  key: 'contact.archive',
  title: 'Archive a customer',
  place: customer('Archive'),
  words: { phrase: 'archive a customer' },
  description:
    'Archive a contact: hidden from default lists, history kept. Archiving twice changes nothing. ' +
    'Restore with contact.update status=active.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ contact_id: z.uuid() }),
  output: CONTACT_RECORD,
  async run(ctx, input) {
    const before = await lockContact(ctx.db, input.contact_id)
    return auditedArchive(ctx, CONTACT_TABLE, before)
  },
})

/** Deletes a contact that never did business; one with history is archived instead. */
export const deleteContact = defineAction({
  key: 'contact.delete',
  phrases: ['remove a customer added by accident', 'delete a customer entered by mistake', 'remove customer', 'erase'],
  title: 'Delete a customer entered by mistake',
  place: BY_AGENT_OR_API,
  words: { phrase: 'delete a customer entered by mistake' },
  description:
    'Permanently delete a contact entered by mistake, with its addresses, attributes and links. A contact with history ' +
    '(tickets, invoices, notes, scheduled messages, waitlist entries, a lead converted to it, or contacts merged into it) is never deleted: the call ' +
    "fails with CONFLICT; use contact.archive. Agents need the owner's authorization (the call is queued).",
  access: { agent: 'requires_authorization', technician: 'none' },
  destructive: true,
  input: z.strictObject({ contact_id: z.uuid() }),
  async preview(ctx, input) {
    const { currency, timezone } = await loadTenantSettings(ctx.db)
    const r = await ctx.db.query<{ display_name: string }>('select display_name from contacts where id = $1', [input.contact_id])
    const name = r.rows[0]?.display_name ?? `unknown contact ${input.contact_id}`
    const history = r.rows[0] ? await contactHistory(ctx.db, input.contact_id) : {}
    const parts = Object.entries(history).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
    return {
      summary: `Delete customer ${name} for good, with their addresses, facts and links`,
      customer: r.rows[0] ? { id: input.contact_id, name } : null,
      warnings: parts.length
        ? [`Has ${parts.join(', ')}: the delete will be refused; archive instead.`]
        : ['No tickets, invoices or notes: nothing else is lost.'],
      currency,
      timezone,
    }
  },
  output: z.object({
    id: z.uuid(),
    deleted: z.literal(true),
    addresses_deleted: z.number().int(),
    attributes_deleted: z.number().int(),
    links_deleted: z.number().int(),
  }),
  async run(ctx, input) {
    const before = await lockContact(ctx.db, input.contact_id)
    const history = await contactHistory(ctx.db, input.contact_id)
    if (Object.keys(history).length) {
      const parts = Object.entries(history).map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
      throw new AppError(
        'CONFLICT',
        `${before.display_name} has history (${parts.join(', ')}) and cannot be deleted; ` +
          `archive the contact instead with contact.archive {"contact_id": "${input.contact_id}"}`,
        { field: 'data.contact_id', history, suggestion: 'contact.archive' },
      )
    }
    const links = await ctx.db.query(
      `delete from contact_links where from_contact_id = $1 or to_contact_id = $1
       returning id, from_contact_id, to_contact_id, link_type, note`,
      [input.contact_id],
    )
    for (const link of links.rows) {
      const other = link.from_contact_id === input.contact_id ? link.to_contact_id : link.from_contact_id
      await ctx.audit({ entityType: 'contact', entityId: String(other), action: 'unlink', before: { link }, after: { link: null } })
    }
    const attributes = await ctx.db.query('delete from attributes where contact_id = $1 returning id, contact_id, key, value, source', [
      input.contact_id,
    ])
    for (const a of attributes.rows)
      await ctx.audit({ entityType: 'attribute', entityId: String(a.id), action: 'delete', before: a, after: null })
    const addresses = await ctx.db.query(
      `delete from addresses where contact_id = $1 returning id, contact_id, label, line1, line2, city, state, postal_code, country`,
      [input.contact_id],
    )
    for (const a of addresses.rows)
      await ctx.audit({ entityType: 'address', entityId: String(a.id), action: 'delete', before: a, after: null })
    await ctx.db.query('delete from contacts where id = $1', [input.contact_id])
    await ctx.audit({ entityType: 'contact', entityId: input.contact_id, action: 'delete', before, after: null })
    return {
      id: input.contact_id,
      deleted: true,
      addresses_deleted: addresses.rowCount,
      attributes_deleted: attributes.rowCount,
      links_deleted: links.rowCount,
    }
  },
})

declare module '../../kernel/events.js' {
  interface DomainEvents {
    /** A contact who had no email address now has one (added by hand or kept from a merged contact), in the same transaction. */
    'contact.email_added': { contact_id: string }
  }
}
