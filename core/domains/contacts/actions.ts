import { z } from 'zod'
import { validationError } from '../../errors.js'
import { defineAction } from '../../registry.js'
import { CONTACT_COLUMNS, displayNameOf, lockContact, withPrimary, type ContactChannel } from './model.js'

const name = z.string().trim().min(1).max(200)
const email = z.email().max(320)
const phone = z.string().trim().regex(/^[+()\d\s.-]{7,25}$/, 'expected a phone number such as (256) 555-0142')

const contactFields = {
  kind: z.enum(['person', 'organization']).default('person').describe('person or organization'),
  display_name: name.optional().describe('How the contact is shown; defaults to first and last name'),
  first_name: name.optional(),
  last_name: name.optional(),
  email: email.optional().describe('Primary email address'),
  phone: phone.optional().describe('Primary phone number'),
}

/** Creates a customer record. */
export const createContact = defineAction({
  domain: 'contact',
  name: 'create',
  description: 'Create a contact (customer): a person or organization. Give display_name, or first_name and last_name.',
  permission: 'unrestricted',
  keywords: ['customer', 'new customer', 'add client'],
  input: z.strictObject(contactFields),
  async run(ctx, input) {
    const display = displayNameOf(input)
    if (!display) throw validationError([{ field: 'data.display_name', message: 'is required unless first_name or last_name is given' }])
    const r = await ctx.db.query(
      `insert into contacts (tenant_id, kind, display_name, first_name, last_name, emails, phones)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${CONTACT_COLUMNS}`,
      [ctx.tenantId, input.kind, display, input.first_name ?? null, input.last_name ?? null,
        JSON.stringify(withPrimary([], input.email ?? null)), JSON.stringify(withPrimary([], input.phone ?? null))])
    const contact = r.rows[0]
    await ctx.audit({ entityType: 'contact', entityId: String(contact.id), action: 'create', before: null, after: contact })
    return contact
  },
})

/** Changes fields of a customer record; fields left out stay as they are, null clears an optional one. */
export const updateContact = defineAction({
  domain: 'contact',
  name: 'update',
  description: 'Update a contact. Only the fields given change; null clears first_name, last_name, email or phone.',
  permission: 'unrestricted',
  idempotent: true,
  input: z.strictObject({
    contact_id: z.uuid(),
    kind: z.enum(['person', 'organization']).optional(),
    display_name: name.optional(),
    first_name: name.nullable().optional(),
    last_name: name.nullable().optional(),
    email: email.nullable().optional(),
    phone: phone.nullable().optional(),
    status: z.enum(['active', 'inactive']).optional().describe('active also restores an archived contact; archive with contact.archive'),
  }),
  async run(ctx, input) {
    const before = await lockContact(ctx.db, input.contact_id)
    const { contact_id, email, phone, ...changes } = input
    const columns: Record<string, unknown> = { ...changes }
    if (email !== undefined) columns.emails = JSON.stringify(withPrimary(before.emails as ContactChannel[], email))
    if (phone !== undefined) columns.phones = JSON.stringify(withPrimary(before.phones as ContactChannel[], phone))
    const sets: string[] = []
    const values: unknown[] = []
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue
      values.push(value)
      sets.push(`${column} = $${values.length}`)
    }
    if (!sets.length) return before
    values.push(contact_id)
    const r = await ctx.db.query(`update contacts set ${sets.join(', ')} where id = $${values.length} returning ${CONTACT_COLUMNS}`, values)
    const after = r.rows[0]
    await ctx.audit({ entityType: 'contact', entityId: contact_id, action: 'update', before, after })
    return after
  },
})

/** Hides a customer from everyday lists while keeping all history. */
export const archiveContact = defineAction({
  domain: 'contact',
  name: 'archive',
  description: 'Archive a contact: hidden from default lists, history kept. Archiving twice changes nothing.',
  permission: 'unrestricted',
  idempotent: true,
  input: z.strictObject({ contact_id: z.uuid() }),
  async run(ctx, input) {
    const before = await lockContact(ctx.db, input.contact_id)
    if (before.status === 'archived') return before
    const r = await ctx.db.query(`update contacts set status = 'archived' where id = $1 returning ${CONTACT_COLUMNS}`, [input.contact_id])
    await ctx.audit({ entityType: 'contact', entityId: input.contact_id, action: 'archive', before, after: r.rows[0] })
    return r.rows[0]
  },
})
