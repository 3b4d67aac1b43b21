import { z } from 'zod'
import { phoneDigits, storedPhoneKey } from '../../core/phone.js'
import type { Principal, Services } from '../../core/context.js'
import { addDays, localDate, weekdayOf, zonedInstant } from '../../core/time.js'
import type { BusinessHours } from '../../core/domains/settings/model.js'
import { defineTool } from '../tool.js'
import { recordLlmUsage } from '../../core/clients/llm-usage.js'
import { callAction, type Caller } from '../../core/call-action.js'
import { callQuery } from '../../core/call-query.js'
import { contactsQuery } from '../../core/domains/contacts/queries.js'
import { settingsQuery } from '../../core/domains/settings/queries.js'
import { createLead, updateLead } from '../../core/domains/leads/actions.js'
import { leadsQuery } from '../../core/domains/leads/queries.js'
import { validationError } from '../../core/errors.js'
import { createOpportunity } from '../../core/domains/opportunities/actions.js'

/** What the model is asked to pull out of an inquiry; null where the notes do not say. */
const leadExtraction = z.strictObject({
  name: z.string().min(1).max(200).nullable(),
  phone: z
    .string()
    .regex(/^[+()\d\s.-]{7,25}$/)
    .nullable(),
  email: z.email().max(320).nullable(),
  address: z.string().min(1).max(500).nullable(),
  service_interest: z.string().min(1).max(500).nullable(),
  urgency: z.enum(['low', 'normal', 'high']).nullable(),
  property_details: z.string().min(1).max(2000).nullable(),
})
type LeadExtraction = z.infer<typeof leadExtraction>

const SYSTEM =
  "You extract a service business's sales lead from an inquiry (call notes, email or web form). Return only what the text " +
  'states: the person or business name, phone, email, service address ("line1, city, ST 12345" when given), the service wanted, ' +
  'urgency (high: wants it today or has an emergency; low: no hurry or months away; else normal) and property details (size, ' +
  'floors, counts, access). Use null for anything not stated; never invent values.'

/** Turns raw inquiry notes into a lead: extracted fields, a matching contact if one exists, and a follow-up reminder. */
export const processLead = defineTool({
  name: 'process_lead',
  title: 'Process a new lead',
  description:
    'Records an inquiry as a lead: the model reads name, phone, email, address, service_interest, urgency and ' +
    'property_details from raw_notes (kept verbatim); an existing contact with the same email or phone is matched; reminder_at follows ' +
    'urgency (high: in 1 hour; low: 2 business days; else next business day 09:00). With lead_id instead of raw_notes and source, reads ' +
    'a lead already made (from the request page or an email): the same extraction of its raw notes fills the fields it lacks, keeping ' +
    'what it has (its reminder too, when set).',
  input: {
    raw_notes: z.string().min(1).max(20_000).optional().describe('The inquiry as received, verbatim; required without lead_id'),
    source: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Where it came from, e.g. phone, website, referral; required without lead_id'),
    lead_id: z.uuid().optional().describe('A lead already made, e.g. from the request page: read its raw notes instead'),
    opportunity: z.string().trim().min(1).max(200).optional().describe('A title: also opens an opportunity'),
  },
  output: { lead: z.object({ id: z.string() }), matched_contacts: z.array(z.object({})) },
  readOnly: false,
  async run({ services, principal, requestId }, args) {
    if (args.lead_id) {
      if (args.raw_notes !== undefined || args.source !== undefined)
        throw validationError([{ field: 'lead_id', message: 'give lead_id alone, or raw_notes and source for a new lead' }])
      return processStoredLead({ services, principal, requestId }, args.lead_id, args.opportunity)
    }
    if (args.raw_notes === undefined || args.source === undefined) {
      throw validationError([
        { field: args.raw_notes === undefined ? 'raw_notes' : 'source', message: 'is required (or give lead_id of a lead already made)' },
      ])
    }
    const extraction = await extract(services, principal, args.raw_notes)
    const fields = extraction.status === 'ok' ? extraction.fields : null
    const settings = await tenantSettings(services, principal, requestId)
    const reminderAt = followUpAt(services.now(), settings.timezone, settings.business_hours, fields?.urgency ?? null)
    const data: Record<string, unknown> = { raw_notes: args.raw_notes, source: args.source, reminder_at: reminderAt.toISOString() }
    for (const [key, value] of Object.entries(fields ?? {})) if (value !== null) data[key] = value
    const matched = fields ? await matchContacts(services, principal, requestId, fields) : []
    // The fields the model read are added by name, so the input is assembled as a plain record.
    const outcome = await callAction({ services, principal, requestId }, createLead, data as z.input<typeof createLead.input>)
    // A sale worth following (a quote asked for): opened on the new lead, in the pipeline's first stage.
    const leadId = outcome.result && 'id' in outcome.result ? outcome.result.id : null
    const opportunity =
      args.opportunity && leadId
        ? (await callAction({ services, principal, requestId }, createOpportunity, { title: args.opportunity, lead_id: leadId })).result
        : undefined
    return {
      lead: outcome.result,
      ...(opportunity ? { opportunity } : {}),
      extraction: extraction.status === 'ok' ? { status: 'ok' } : extraction,
      matched_contacts: matched,
    }
  },
})

/** Reads a lead already made: the extracted fields it lacks are filled, its own values and reminder kept. */
async function processStoredLead(caller: Caller, leadId: string, opportunityTitle: string | undefined) {
  const { services, principal, requestId } = caller
  const lead = await callQuery(caller, leadsQuery, { id: leadId })
  const extraction = await extract(services, principal, lead.raw_notes)
  const fields = extraction.status === 'ok' ? extraction.fields : null
  const data: Record<string, unknown> = { lead_id: leadId }
  for (const [key, value] of Object.entries(fields ?? {})) if (value !== null && lead[key as keyof typeof lead] === null) data[key] = value
  if (!lead.reminder_at) {
    const settings = await tenantSettings(services, principal, requestId)
    data.reminder_at = followUpAt(services.now(), settings.timezone, settings.business_hours, fields?.urgency ?? null).toISOString()
  }
  const updated = (await callAction(caller, updateLead, data as z.input<typeof updateLead.input>)).result
  const known = { ...lead, ...data } as LeadExtraction
  const matched = await matchContacts(services, principal, requestId, known)
  const opportunity = opportunityTitle
    ? (await callAction(caller, createOpportunity, { title: opportunityTitle, lead_id: leadId })).result
    : undefined
  return {
    lead: updated,
    ...(opportunity ? { opportunity } : {}),
    extraction: extraction.status === 'ok' ? { status: 'ok' } : extraction,
    matched_contacts: matched,
  }
}

type Extraction = { status: 'ok'; fields: LeadExtraction } | { status: 'off' | 'failed'; message: string }

async function extract(services: Services, principal: Principal, notes: string): Promise<Extraction> {
  if (!services.llm) return { status: 'off', message: 'extraction is off (no model configured): the lead has the raw notes only' }
  const r = await services.llm.extract({ name: 'lead', schema: leadExtraction, system: SYSTEM, text: notes, tenantId: principal.tenantId })
  await recordLlmUsage(services.db, principal.tenantId, 'lead_extraction', services.llm.model, r)
  if (r.ok) return { status: 'ok', fields: r.value }
  return { status: 'failed', message: `extraction failed (${r.reason}): ${r.message}; the lead has the raw notes only` }
}

async function tenantSettings(
  services: Services,
  principal: Principal,
  requestId: string,
): Promise<{ timezone: string; business_hours: Partial<BusinessHours> }> {
  return (await callQuery({ services, principal, requestId }, settingsQuery)).items[0]
}

/** Contacts with the extracted email or phone, each once. */
async function matchContacts(services: Services, principal: Principal, requestId: string, fields: LeadExtraction) {
  const found = new Map<string, { id: string; display_name: string; email: string | null; phone: string | null }>()
  const key = storedPhoneKey(fields.phone ?? '')
  for (const q of [fields.email, key.length >= 7 ? key : null]) {
    if (!q) continue
    const page = await callQuery({ services, principal, requestId }, contactsQuery, { params: { q }, limit: 5 })
    for (const c of page.items) {
      const sameEmail = fields.email && c.email?.toLowerCase() === fields.email.toLowerCase()
      const samePhone = key && phoneDigits(c.phone ?? '').endsWith(key)
      if (sameEmail || samePhone) found.set(c.id, { id: c.id, display_name: c.display_name, email: c.email, phone: c.phone })
    }
  }
  return [...found.values()]
}

/** When to call back: soon for urgent leads, else 09:00 on a coming business day in the business's zone. */
export function followUpAt(now: Date, timeZone: string, hours: Partial<BusinessHours>, urgency: 'low' | 'normal' | 'high' | null): Date {
  if (urgency === 'high') return new Date(now.getTime() + 60 * 60 * 1000)
  let wanted = urgency === 'low' ? 2 : 1
  let date = localDate(now, timeZone)
  const open = Object.values(hours ?? {}).some((h) => h.length)
  for (let i = 0; i < 14; i++) {
    date = addDays(date, 1)
    const day = weekdayOf(date)
    const isBusinessDay = open ? (hours[day]?.length ?? 0) > 0 : day !== 'sat' && day !== 'sun'
    if (isBusinessDay && --wanted === 0) break
  }
  return zonedInstant(date, '09:00', timeZone)
}
