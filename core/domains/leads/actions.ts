import { z } from 'zod'
import { AppError, notFound, validationError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { emitEvent } from '../../kernel/events.js'
import { tenantCountry } from '../../vocabulary/business-country.js'
import { ADDRESS_TABLE } from '../addresses/model.js'
import { postalAddressSchema } from '../addresses/new-address.js'
import { primaryPhoneKey } from '../../vocabulary/phone.js'
import { noteText } from '../../kernel/sanitize.js'
import {
  assertLeadTransition,
  LEAD_COLUMNS,
  LEAD_TABLE,
  LEAD_RECORD,
  type LeadStatus,
  lockLead,
  type ParsedAddress,
  parseUsAddress,
} from './model.js'
import { auditedInsert, auditedStatement, auditedUpdate } from '../../vocabulary/records.js'
import { moveLeadRecords } from './records.js'
import { CONTACT_SUMMARY, matchContact } from './match-contact.js'
import { isoInstant } from '../../kernel/schema-types.js'
import { lead, page } from '../../vocabulary/places.js'
import { bookFirstVisit, FIRST_VISIT, FIRST_VISIT_INPUT } from './first-visit.js'
import { KEPT_DETAILS, keepOnCustomer } from './keep-details.js'
import { leadDetails, leadRequestOf } from './lead-details.js'

const text = (max: number) => z.string().trim().min(1).max(max)
const phone = z
  .string()
  .trim()
  .regex(/^[+()\d\s.-]{7,25}$/, 'expected a phone number such as (256) 555-0142')
const urgency = z.enum(['low', 'normal', 'high'])
const instant = isoInstant()

/** The fields extracted from raw_notes; optional on create, nullable (to clear) on update. */
function extractedFields<T extends 'create' | 'update'>(mode: T) {
  const f = <S extends z.ZodType>(s: S) => (mode === 'create' ? s.optional() : s.nullable().optional())
  return {
    name: f(text(200).describe('The person or business asking')),
    phone: f(phone),
    email: f(z.email().max(320)),
    address: f(text(500).describe('Service address as said, ideally "line1, city, ST 12345"')),
    service_interest: f(text(500).describe('What they want done, e.g. "exterior windows and gutters"')),
    source: f(text(100).describe('Where the lead came from, e.g. phone, website, referral')),
    urgency: f(urgency.describe('low, normal or high')),
    property_details: f(noteText(2000).describe('e.g. "two-story, 24 windows, screens"')),
    access_notes: f(noteText(2000).describe('Getting in, e.g. "gate code 4821, dog in the yard"; kept on the address when converted')),
    preferred_times: f(noteText(500).describe('When they would like the visit, e.g. "weekday mornings"')),
    reminder_at: f(instant.describe('When to follow up, ISO 8601 with offset')),
  }
}

/** Records an inquiry from a prospective customer. */
export const createLead = defineAction({
  key: 'lead.create',
  example: {
    raw_notes: 'Called about windows before Easter, two-story, about 30 windows.',
    name: 'Heather Lowery',
    phone: '(256) 555-0131',
  },
  phrases: ['a new inquiry', 'someone asked for a price', 'a prospect called', 'inquiry', 'prospect', 'new lead', 'quote request'],
  title: 'Add a lead',
  place: page('/leads', 'Add a lead'),
  words: { phrase: 'add a lead' },
  description:
    "Record a lead (a prospective customer's inquiry). raw_notes is required and is the source of truth: what was said or " +
    'written, verbatim. The other fields are what you extracted from it; give those you are sure of. Status starts as new.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { names: ['name'] } },
  input: z.strictObject({
    raw_notes: noteText(20_000).describe('The inquiry as received, verbatim; card numbers and SSNs are replaced by [REDACTED]'),
    ...extractedFields('create'),
  }),
  output: LEAD_RECORD,
  async run(ctx, input) {
    return auditedInsert(
      ctx,
      LEAD_TABLE,
      `insert into leads (tenant_id, raw_notes, name, phone, email, address, service_interest, source, urgency, property_details, reminder_at,
         access_notes, preferred_times)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning ${LEAD_COLUMNS}`,
      [
        ctx.tenantId,
        input.raw_notes,
        input.name ?? null,
        input.phone ?? null,
        input.email ?? null,
        input.address ?? null,
        input.service_interest ?? null,
        input.source ?? null,
        input.urgency ?? null,
        input.property_details ?? null,
        input.reminder_at ?? null,
        input.access_notes ?? null,
        input.preferred_times ?? null,
      ],
    )
  },
})

/** Changes what is known about a lead; fields left out stay, null clears one. */
export const updateLead = defineAction({
  key: 'lead.update',
  title: 'Edit a lead',
  place: lead('Edit'),
  words: { phrase: 'change a lead' },
  description:
    "Update a lead's fields. Only the fields given change; null clears an extracted field. raw_notes may be corrected or " +
    'extended but not cleared. Status changes go through lead.set_status, lead.archive and lead.convert.',
  access: { agent: 'unrestricted', technician: 'none', customerText: { names: ['name'] } },
  idempotent: true,
  input: z.strictObject({
    lead_id: z.uuid(),
    raw_notes: noteText(20_000).optional(),
    ...extractedFields('update'),
  }),
  output: LEAD_RECORD,
  async run(ctx, input) {
    const before = await lockLead(ctx.db, input.lead_id)
    const { lead_id, ...changes } = input
    return auditedUpdate(ctx, LEAD_TABLE, before, changes)
  },
})

/** Moves a lead along its pipeline (or back one step, or out of the archive). */
export const setLeadStatus = defineAction({
  key: 'lead.set_status',
  phrases: ['mark the lead contacted', 'the lead is qualified'],
  title: "Change a lead's status",
  place: lead('Status'),
  words: { phrase: 'move a lead along' },
  description:
    'Move a lead to new, contacted or qualified. Forward moves may skip steps; backward moves go one step ' +
    '(qualified -> contacted -> new); an archived lead may be reopened to any of the three. A converted lead never changes status. ' +
    'Archive with lead.archive, convert with lead.convert. An illegal move is a CONFLICT naming from and to.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    lead_id: z.uuid(),
    status: z.enum(['new', 'contacted', 'qualified']),
  }),
  output: LEAD_RECORD,
  async run(ctx, input) {
    const before = await lockLead(ctx.db, input.lead_id)
    if (before.status === input.status) return before
    assertLeadTransition(before.status as LeadStatus, input.status)
    return auditedUpdate(ctx, LEAD_TABLE, before, { status: input.status, archive_reason: null }, 'set_status')
  },
})

/** Takes a lead out of the pipeline while keeping it. */
export const archiveLead = defineAction({
  key: 'lead.archive',
  phrases: ['the lead went elsewhere', 'lost the lead', 'they chose another company'],
  title: 'Archive a lead',
  place: lead('Archive'),
  words: { phrase: 'archive a lead' },
  description:
    'Archive a lead that will not become a customer (e.g. went elsewhere, out of area). Give reason. Kept, and reopened ' +
    'with lead.set_status. A converted lead cannot be archived. Archiving twice changes nothing.',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    lead_id: z.uuid(),
    reason: text(500).optional().describe('Why the lead is archived'),
  }),
  output: LEAD_RECORD,
  async run(ctx, input) {
    const before = await lockLead(ctx.db, input.lead_id)
    if (before.status === 'archived') return before
    assertLeadTransition(before.status as LeadStatus, 'archived')
    return auditedUpdate(ctx, LEAD_TABLE, before, { status: 'archived', archive_reason: input.reason ?? null }, 'archive')
  },
})

/** Turns a lead into a customer: links a matching contact or creates one with the lead's address. */
export const convertLead = defineAction({
  key: 'lead.convert',
  example: { lead_id: 'Heather Lowery' },
  phrases: [
    'turn a lead into a customer',
    'the request became a customer',
    'make the web request a customer',
    'new customer from lead',
    'won',
  ],
  title: 'Turn a lead into a customer',
  place: lead('Convert to customer'),
  words: { phrase: 'turn a lead into a customer' },
  description:
    'Convert a lead into a customer. With contact_id, links that contact. Otherwise links an existing contact whose email ' +
    "(any of theirs, case-insensitive) matches the lead's email, else whose phone digits match the lead's phone (a leading US 1 " +
    "ignored); an existing contact is linked as is. If none matches, creates a contact named display_name (default: the lead's name) " +
    "with the lead's email, phone and source, and an address: the address given, else the lead's address read as " +
    '"line1[, line2], city, ST 12345"; if the lead\'s address cannot be read that way the call is refused: give address {line1, city, ' +
    'state, postal_code}, or address null to create the contact without one. The lead becomes converted; converting again is a CONFLICT. ' +
    'What hangs on the lead follows the customer, each change audited: its notes and interactions (calls, follow-ups) move to the contact, ' +
    'its opportunities gain the contact (keeping lead_id); notes and interactions written on the lead later go to the contact too. ' +
    'Everything else the customer told us is kept on the customer: access_notes on the service address (the new one, or theirs ' +
    'with the same street line, else in about), preferred_times in preferences (notes, and time_of_day / preferred_days when ' +
    "plainly said), property_details and service_interest in about, a request form's photo as a document; what they already " +
    'had stays. visit books the first visit in the same call (ticket.create): at that address, its lines the services the ' +
    'request chose unless service_ids are given, all of the above in its notes and the photo attached. ' +
    'Returns the lead, the contact, contact_created, matched_by (contact_id|email|phone|null), address_id, moved {notes, ' +
    'interactions, opportunities, texts}, kept (where each detail went) and visit (or null).',
  access: {
    agent: 'unrestricted',
    technician: 'none',
    customerText: {
      names: ['display_name'],
      screened: ['address.line1', 'address.line2', 'address.city', 'address.state', 'address.postal_code'],
    },
  },
  input: z.strictObject({
    lead_id: z.uuid(),
    contact_id: z.uuid().optional().describe('Link this existing contact instead of matching'),
    display_name: text(200).optional().describe("Name of the new contact; default: the lead's name"),
    address: postalAddressSchema.nullable().optional().describe('Address of the new contact; null for none; default: read from the lead'),
    visit: FIRST_VISIT_INPUT.optional(),
  }),
  output: z.object({
    lead: LEAD_RECORD,
    contact: z.object({
      id: z.uuid(),
      display_name: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      status: z.enum(['active', 'inactive', 'archived']),
    }),
    contact_created: z.boolean(),
    matched_by: z.enum(['contact_id', 'email', 'phone']).nullable(),
    address_id: z.uuid().nullable(),
    moved: z
      .object({ notes: z.number().int(), interactions: z.number().int(), opportunities: z.number().int(), texts: z.number().int() })
      .describe("How many of the lead's records now follow the customer"),
    kept: KEPT_DETAILS,
    visit: FIRST_VISIT.nullable(),
  }),
  async run(ctx, input) {
    const before = await lockLead(ctx.db, input.lead_id)
    if (before.status === 'converted') {
      throw new AppError('CONFLICT', `Lead ${input.lead_id} was already converted to contact ${before.converted_contact_id}`, {
        from: 'converted',
        to: 'converted',
        contact_id: before.converted_contact_id,
      })
    }
    assertLeadTransition(before.status as LeadStatus, 'converted')
    let matchedBy: 'contact_id' | 'email' | 'phone' | null = null
    let contact: Record<string, unknown> | undefined
    if (input.contact_id) {
      contact = (await ctx.db.query(`select ${CONTACT_SUMMARY} from contacts where id = $1`, [input.contact_id])).rows[0]
      if (!contact) throw notFound('contact', input.contact_id)
      matchedBy = 'contact_id'
    } else {
      const match = await matchContact(ctx.db, before.email as string | null, before.phone as string | null)
      if (match) ({ contact, matchedBy } = match)
    }
    let addressId: string | null = null
    const created = !contact
    if (!contact) {
      const name = input.display_name ?? (before.name as string | null)
      if (!name)
        throw validationError([{ field: 'data.display_name', message: 'is required: the lead has no name to give the new contact' }])
      const address: (Omit<ParsedAddress, 'line2'> & { line2?: string | null; country?: string }) | null =
        input.address === undefined ? addressOfLead(before.address as string | null) : input.address
      const r = await ctx.db.query(
        `insert into contacts (tenant_id, display_name, emails, phones, source, phone_key) values ($1, $2, $3, $4, $5, $6)
        returning ${CONTACT_SUMMARY}`,
        [
          ctx.tenantId,
          name,
          JSON.stringify(channel(before.email)),
          JSON.stringify(channel(before.phone)),
          before.source ?? 'lead',
          primaryPhoneKey(channel(before.phone), await tenantCountry(ctx.db)),
        ],
      )
      contact = r.rows[0]
      await ctx.audit({
        entityType: 'contact',
        entityId: String(contact.id),
        action: 'create',
        before: null,
        after: { ...contact, source: before.source ?? 'lead', lead_id: input.lead_id },
      })
      if (address) {
        const a = await auditedInsert(
          ctx,
          ADDRESS_TABLE,
          `insert into addresses (tenant_id, contact_id, line1, line2, city, state, postal_code, country)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning id, contact_id, line1, line2, city, state, postal_code, country`,
          [
            ctx.tenantId,
            contact.id,
            address.line1,
            address.line2 ?? null,
            address.city,
            address.state,
            address.postal_code,
            address.country ?? 'US',
          ],
        )
        addressId = String(a.id)
      }
    } else {
      await ctx.audit({
        entityType: 'contact',
        entityId: String(contact.id),
        action: 'link_lead',
        before: { lead_id: null },
        after: { lead_id: input.lead_id },
      })
    }
    const lead = await auditedStatement(
      ctx,
      LEAD_TABLE,
      before,
      'convert',
      `update leads set status = 'converted', converted_contact_id = $1, converted_at = now(), archive_reason = null
       where id = $2 returning ${LEAD_COLUMNS}`,
      [contact.id, input.lead_id],
    )
    const moved = await moveLeadRecords(ctx, input.lead_id, String(contact.id))
    await emitEvent(ctx, 'lead.converted', { lead_id: input.lead_id, contact_id: String(contact.id) })
    const details = leadDetails(before)
    const request = await leadRequestOf(ctx.db, input.lead_id)
    const customer = { contactId: String(contact.id), addressId, leadAddress: before.address as string | null }
    const { kept, addressId: visitAddress } = await keepOnCustomer(ctx, details, request, customer)
    const visit = input.visit
      ? await bookFirstVisit(ctx, input.visit, { contactId: customer.contactId, addressId: visitAddress }, details, request)
      : null
    return { lead, contact, contact_created: created, matched_by: matchedBy, address_id: addressId, moved, kept, visit }
  },
})

/** The lead's address read into parts, or a VALIDATION_ERROR asking for them. */
function addressOfLead(address: string | null): ParsedAddress | null {
  if (!address) return null
  const parsed = parseUsAddress(address)
  if (parsed) return parsed
  throw validationError([
    {
      field: 'data.address',
      message:
        `the lead's address "${address}" is not in the form "line1, city, ST 12345": ` +
        'give address {line1, city, state, postal_code}, or address null to create the contact without one',
    },
  ])
}

/** An emails/phones list holding one primary value, or an empty list. */
function channel(value: unknown): Array<{ value: string; label: null; primary: true }> {
  return typeof value === 'string' && value ? [{ value, label: null, primary: true }] : []
}

declare module '../../kernel/events.js' {
  interface DomainEvents {
    /** A lead became a customer (a new contact or an existing one), in the same transaction. */
    'lead.converted': { lead_id: string; contact_id: string }
  }
}
